"""The window in another language: Add Languages…, the switcher (toolbar box and View ▸
Language), the script read-only with its banner, the player's and the timeline's captions in
the language shown, and the project untouched by what is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from studio.core.translations import LineState
from studio.ui.main_window import MainWindow
from studio.ui.session import Session
from studio.ui.translations.add_languages import AddLanguagesDialog

SPANISH = "Solo vengo a entregar algo."


@pytest.fixture
def window(qtbot, project: Path, tmp_path: Path):
    (tmp_path / "models").mkdir()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(models_dir=tmp_path / "models"), settings)  # closed below, clean
    assert win.open_project(project)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.session.dirty = False
    win.close()


def _labels(window: MainWindow) -> list[str]:
    combo = window.languages.combo
    return [combo.itemText(i) for i in range(combo.count())]


def test_add_languages_then_show_a_target_everywhere_without_changing_the_project(
    window: MainWindow, qtbot
) -> None:
    session = window.session
    assert _labels(window) == ["Source"]
    dialog = AddLanguagesDialog(session, window)
    dialog.tags.setText("es, pt_BR")
    dialog.accept()  # a bad tag: the dialog says why and adds nothing
    assert "pt_BR" in dialog.problem.text() and session.project.languages == []
    dialog.tags.setText("es, PT-br")
    dialog.accept()
    assert [lang.tag for lang in session.project.languages] == ["es", "pt-BR"]
    assert session.history.undo_name == "Add Languages"
    assert _labels(window) == ["Source", "es 0/2", "pt-BR 0/2"]
    session.undo()
    assert session.project.languages == [] and _labels(window) == ["Source"]
    session.redo()

    panel = window.languages.show_translations()
    panel.refresh()
    assert panel.tag == "es" and panel.table.rowCount() == 2
    panel.table.item(0, 2).setText(SPANISH)  # as typing in the cell does
    line = next(iter(session.project.languages[0].lines.values()))
    assert (line.text, line.state) == (SPANISH, LineState.EDITED)
    assert session.history.undo_name == "Edit Translation"
    qtbot.waitUntil(lambda: "es 1/2" in _labels(window))

    before = session.project.to_json()
    menu = window.languages.menu
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert menu in [a.menu() for a in view.actions()]
    menu.aboutToShow.emit()
    es = next(a for a in menu.actions() if a.data() == "es")
    es.trigger()  # View ▸ Language ▸ es
    assert window.languages.combo.currentText() == "es 1/2"
    script = window.language_script
    assert script.isVisible() and not window.editor.text_edit.isVisible()
    assert window.editor.text_edit.isReadOnly()
    assert "read-only" in script.banner.text() and "Source" in script.banner.text()
    assert SPANISH in script.text.toPlainText()
    assert "Then deliver it, and go." in script.text.toPlainText()  # not translated yet: source
    cues = [text for cue in window.player.timeline.cues for text in cue.lines]
    assert any("Solo vengo" in text for text in cues)
    captions = [text for shot in window.timeline.canvas._content.captions for *_, text in shot]
    assert SPANISH in captions
    assert session.project.to_json() == before  # shown, not changed

    window.languages.choose("")  # the toolbar's Source
    assert window.editor.text_edit.isVisible() and not window.editor.text_edit.isReadOnly()
    assert not script.isVisible()
    assert "I'm just here for a delivery." in window.editor.text_edit.toPlainText()
    captions = [text for shot in window.timeline.canvas._content.captions for *_, text in shot]
    assert SPANISH not in captions
    assert window.save()  # the targets and the line are saved with the project
    assert '"tag": "es"' in (session.root / "project.json").read_text("utf-8")

    window.languages.choose("es")
    session.undo()  # Edit Translation
    session.undo()  # Add Languages: the target shown is gone, the source is shown again
    assert _labels(window) == ["Source"] and window.languages.state.tag == ""
    assert window.editor.text_edit.isVisible() and not script.isVisible()
