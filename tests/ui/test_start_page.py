"""The window with no project: a start page (New from a script, Open, the recent projects, the
demo) instead of an empty editor, the project's actions disabled; File ▸ New makes a project as
``studio new`` does, Open Recent and the start page's list open one, Close asks about unsaved
changes and goes back to the start page, and a damaged project declined leaves the window up."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from studio.core.store import open_project
from studio.ui.main_window import MainWindow
from studio.ui.recent_projects import recent_projects, remember_project
from studio.ui.session import Session

SCRIPT = """Title: Harbour

EXT. HARBOUR - DAWN

Gulls circle the empty pier.

NORA
You came back.
"""


@pytest.fixture
def make_window(qtbot, tmp_path: Path):
    made: list[MainWindow] = []
    (tmp_path / "models").mkdir()

    def make() -> MainWindow:
        settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Session(models_dir=tmp_path / "models"), settings,
                            demo_parent=tmp_path / "data")  # fmt: skip
        made.append(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for window in made:
        window.session.dirty = False  # nothing to ask about on close
        window.close()
        window.deleteLater()


def action(window: MainWindow, text: str):
    """The File menu's action whose text starts with ``text`` (no accelerator marks)."""
    file = window.menuBar().actions()[0].menu()
    return next(a for a in file.actions() if a.text().replace("&", "").startswith(text))


def answer_later(reply: Callable[[object], bool]) -> None:
    """Give the next modal dialog to ``reply`` (it returns whether it handled it)."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not reply(dialog):
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def press(button: QMessageBox.StandardButton) -> Callable[[object], bool]:
    def reply(box: object) -> bool:
        if not isinstance(box, QMessageBox):
            return False
        box.button(button).click()
        return True

    return reply


def test_without_a_project_the_start_page_shows_and_project_actions_are_off(
    make_window, project: Path, tmp_path: Path
) -> None:
    gone = tmp_path / "Gone.mdstudio"
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    remember_project(settings, project)
    remember_project(settings, gone)  # the most recent, but its folder is gone
    window = make_window()
    files = window.files
    assert files.stack.currentWidget() is files.start
    assert not any(dock.isVisible() for dock in window.docks.values())
    for text in ("Save", "Export", "Close", "Import"):
        assert not action(window, text).isEnabled(), text
    assert not window.review.act["generate_selected"].isEnabled()
    assert not any(a.isEnabled() for a in window.player.actions())  # Play, Go to End…
    assert window.windowTitle() == "Micro-Drama Studio"
    recent = files.start.recent
    assert recent.count() == 2
    missing, there = recent.item(0), recent.item(1)
    assert "missing" in missing.text() and not missing.flags() & Qt.ItemFlag.ItemIsEnabled
    assert there.flags() & Qt.ItemFlag.ItemIsEnabled and "Glass" in there.text()
    spot = recent.visualItemRect(there).center()
    QTest.mouseClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=spot)  # selects only
    assert window.session.project is None
    QTest.mouseDClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=spot)  # opens
    assert window.session.root == project.resolve()
    assert files.stack.currentWidget() is window.player and window.docks["timeline"].isVisible()
    assert action(window, "Save").isEnabled() and action(window, "Close").isEnabled()
    assert window.player.controls.play_action.isEnabled()
    assert recent_projects(settings)[0] == project.resolve()  # now the most recent
    window.files.close_project()
    menu = window.files.recent_menu
    menu.aboutToShow.emit()  # as File > Open Recent fills it
    first = menu.actions()[0]
    assert first.text() == str(project.resolve()) and first.isEnabled()
    assert not menu.actions()[1].isEnabled()  # the missing one
    first.trigger()
    assert window.session.root == project.resolve()


def test_close_asks_about_changes_then_shows_the_start_page(make_window, project: Path) -> None:
    window = make_window()
    assert window.open_project(project)
    saved = (project / "project.json").read_bytes()
    shot = window.session.shots()[0]
    window.session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt="fog on the glass")
    close = action(window, "Close")
    answer_later(press(QMessageBox.StandardButton.Cancel))
    close.trigger()
    assert window.session.project is not None and window.session.dirty  # still open
    answer_later(press(QMessageBox.StandardButton.Discard))
    close.trigger()
    assert window.session.project is None and window.isVisible()
    assert window.windowTitle() == "Micro-Drama Studio"
    assert window.files.stack.currentWidget() is window.files.start
    assert not action(window, "Save").isEnabled()
    assert (project / "project.json").read_bytes() == saved
    assert "Glass" in window.files.start.recent.item(0).text()


def test_file_new_makes_the_project_studio_new_makes(make_window, tmp_path: Path) -> None:
    script = tmp_path / "harbour.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    window = make_window()

    def choose(path: Path) -> Callable[[object], bool]:
        def reply(dialog: object) -> bool:
            if not isinstance(dialog, QFileDialog):
                return False
            dialog.selectFile(str(path))
            dialog.accept()
            return True

        return reply

    answer_later(choose(script))  # the script, then where the project goes
    QTimer.singleShot(0, lambda: answer_later(choose(tmp_path / "Made.mdstudio")))
    action(window, "New").trigger()
    made = tmp_path / "Made.mdstudio"
    assert window.session.root == made
    by_window = [(s.description, s.duration_frames) for s in window.session.shots()]
    done = subprocess.run(
        [sys.executable, "-m", "studio", "new", str(tmp_path / "Cli"), "--script", str(script),
         "--json"], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with open_project(Path(json.loads(done.stdout)["project"])) as folder:
        by_cli = [(s.description, s.duration_frames) for s in folder.project.shots()]
    assert by_window == by_cli and by_window
    assert (made / "script" / "script.fountain").read_text(encoding="utf-8") == SCRIPT


def test_open_the_demo_makes_it_once_and_opens_it(make_window, tmp_path: Path) -> None:
    window = make_window()
    window.files.start.demo_button.click()
    root = window.session.root
    assert root is not None and root.parent == tmp_path / "data" and window.session.shots()
    window.files.close_project()
    window.files.start.demo_button.click()  # opened again, not made again
    assert window.session.root == root


def test_a_damaged_project_declined_leaves_the_window_on_the_start_page(
    make_window, project: Path
) -> None:
    window = make_window()
    assert window.open_project(project)
    window.session.set_shot_fields(window.session.shots()[0].id, "Edit", prompt="kept")
    assert window.session.autosave() is not None
    window.session.dirty = False
    window.files.close_project()
    (project / "project.json").write_text("{ not json", encoding="utf-8")
    offered: list[bool] = []

    def decline(box: object) -> bool:
        if not isinstance(box, QMessageBox):
            return False
        offered.append(getattr(box, "autosave_button", None) is not None)
        box.button(QMessageBox.StandardButton.Close).click()
        return True

    answer_later(decline)
    assert not window.open_project(project)
    assert offered == [True]  # "Open the Newest Autosave" was there
    assert window.isVisible() and window.session.project is None
    assert window.files.stack.currentWidget() is window.files.start


def test_a_screenshot_without_a_project_shows_the_start_page(tmp_path: Path) -> None:
    import os

    from PySide6.QtGui import QImage

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDIO_CONFIG_DIR": str(tmp_path)}
    out = tmp_path / "start.png"
    done = subprocess.run([sys.executable, "-m", "studio", "gui", "--screenshot", str(out)],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull() and image.width() > 100
