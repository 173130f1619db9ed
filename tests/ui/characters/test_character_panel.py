"""The character bible on a real session: the list, undoable edits of description, seed and
voice (the form shows what undo put back), add and remove, imported and generated references
(through the real worker) approved, the voice preview rendered with espeak off the GUI thread,
the shots featuring a character (listed again only when they change), and a read-only
project."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from workflow_window import finish

from studio.app.references import candidates
from studio.core.model import VoiceSettings
from studio.core.targets import ReferenceTarget
from studio.engine.jobs import JobState
from studio.media.audio import read_wav
from studio.ui.characters.character_panel import CharacterPanel
from studio.ui.session import Session


def panel_on(qtbot, session: Session) -> CharacterPanel:
    panel = CharacterPanel(session)
    qtbot.addWidget(panel)
    panel.resize(700, 800)
    panel.show()
    return panel


def png(path: Path, colour: str = "#c04080") -> Path:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def names(panel: CharacterPanel) -> list[str]:
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def test_lists_characters_and_edits_description_as_one_undoable_edit(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    assert names(panel) == ["MAYA", "ETHAN"]
    panel.select("ETHAN")
    assert panel.form.name == "ETHAN" and panel.title.text() == "ETHAN"
    panel.form.description.setFocus()
    QTest.keyClicks(panel.form.description, "tall man, grey coat")
    qtbot.waitUntil(lambda: session.project.character("ETHAN").description != "", timeout=5000)
    assert session.project.character("ETHAN").description == "tall man, grey coat"
    assert session.history.names() == ["Edit ETHAN"]  # the whole burst is one edit
    assert panel.selected_name() == "ETHAN"  # kept across the refresh
    session.undo()
    assert session.project.character("ETHAN").description == ""
    assert panel.form.description.toPlainText() == ""
    assert panel.selected_name() == "ETHAN"
    session.redo()
    assert panel.form.description.toPlainText() == "tall man, grey coat"


def test_description_is_applied_when_the_field_loses_focus(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    with qtbot.waitActive(panel):
        panel.activateWindow()
    panel.form.description.setFocus()
    QTest.keyClicks(panel.form.description, "red scarf")
    assert session.project.character("MAYA").description == ""  # still in the pause
    panel.form.seed.setFocus()  # before the pause is over
    assert session.project.character("MAYA").description == "red scarf"


def test_typing_is_applied_to_its_character_when_another_is_selected(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    QTest.keyClicks(panel.form.description, "freckles")
    panel.select("ETHAN")  # within the pause
    assert session.project.character("MAYA").description == "freckles"
    assert session.project.character("ETHAN").description == ""
    assert panel.form.description.toPlainText() == ""


def test_seed_and_voice_edits_are_undoable(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    form = panel.form
    form.seed.setFocus()
    form.seed.selectAll()
    QTest.keyClicks(form.seed, "4242")
    QTest.keyClick(form.seed, Qt.Key.Key_Return)
    assert session.project.character("MAYA").seed == 4242
    session.undo()
    old_seed = session.project.character("MAYA").seed
    assert old_seed != 4242 and form.seed.value() == old_seed

    form.rate.setFocus()
    form.rate.selectAll()
    QTest.keyClicks(form.rate, "1.3")
    QTest.keyClick(form.rate, Qt.Key.Key_Return)
    form.voice.setFocus()
    QTest.keyClicks(form.voice, "en-gb+f2")
    QTest.keyClick(form.voice, Qt.Key.Key_Return)
    voice = session.project.character("MAYA").voice
    assert voice == VoiceSettings(voice="en-gb+f2", rate=1.3)
    assert session.history.names()[-2:] == ["Edit MAYA", "Edit MAYA"]
    session.undo()
    assert session.project.character("MAYA").voice == VoiceSettings(rate=1.3)
    assert form.voice.text() == "" and form.rate.value() == 1.3
    form.backend.setCurrentText("kokoro")
    form.backend.activated.emit(form.backend.currentIndex())  # what a user's pick sends
    assert session.project.character("MAYA").voice.backend == "kokoro"
    assert form.model.isEnabled()


def test_add_and_remove_characters(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    assert panel.add_character("lena")
    assert names(panel) == ["MAYA", "ETHAN", "LENA"] and panel.selected_name() == "LENA"
    assert not panel.add_character("Maya")  # already there: said on the status bar
    assert panel.remove_character("MAYA")
    assert names(panel) == ["ETHAN", "LENA"] and session.project.character("MAYA") is None
    assert panel.selected_name() == "LENA"
    session.undo()
    assert names(panel) == ["MAYA", "ETHAN", "LENA"] and panel.selected_name() == "LENA"


def test_import_and_remove_a_reference(qtbot, session, tmp_path) -> None:
    panel = panel_on(qtbot, session)
    source = png(tmp_path / "maya face.png")
    panel.references.import_files([str(source)])
    refs = list(session.project.character("MAYA").reference_images)
    assert len(refs) == 1 and refs[0].startswith("characters/MAYA/")
    copied = session.root / refs[0]
    assert copied.read_bytes() == source.read_bytes()
    assert panel.references.approved.paths() == refs
    qtbot.waitUntil(lambda: not panel.list.item(0).icon().isNull())  # the list's icon
    strip = panel.references.approved
    qtbot.waitUntil(lambda: not strip.item(0).icon().isNull())
    strip.item(0).setSelected(True)
    panel.references.remove_button.click()
    assert session.project.character("MAYA").reference_images == []
    assert copied.is_file()  # the file stays: undo puts the reference back
    session.undo()
    assert panel.references.approved.paths() == refs


def test_generated_references_are_approved(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    panel.select("ETHAN")
    box = panel.references
    box.count.setValue(2)
    recorded = []
    session.resultRecorded.connect(recorded.append)
    box.generate_button.click()
    jobs = [j for j in session.runner.jobs() if j.request.target == ReferenceTarget("ETHAN")]
    assert len(jobs) == 2
    done = finish(qtbot, session, jobs)
    assert all(j.state is JobState.DONE for j in done.values()), [j.error for j in done.values()]
    qtbot.waitUntil(lambda: len(recorded) == 2 and box.candidates.count() == 2)
    ethan = session.project.character("ETHAN")
    assert box.candidates.paths() == candidates(session.root, ethan)
    first = box.candidates.item(0)
    first.setSelected(True)
    box.approve_button.click()
    ethan = session.project.character("ETHAN")
    assert len(ethan.reference_images) == 1 and (session.root / ethan.reference_images[0]).is_file()
    assert box.approved.paths() == ethan.reference_images and box.candidates.count() == 1


def test_voice_preview_renders_espeak_off_the_gui_thread(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    form = panel.form
    threads: list[str] = []
    preview = form._preview
    work = preview._work
    preview._work = lambda *a: (threads.append(threading.current_thread().name), work(*a))[1]
    with qtbot.waitSignal(form.previewed, timeout=20_000) as heard:
        form.preview_button.click()
    wav = Path(heard.args[0])
    samples, rate = read_wav(wav)
    assert rate == 48_000 and len(samples) > rate // 2  # "I'm just here for a delivery."
    assert threads and threads[0] != threading.main_thread().name
    if not form._preview.audio.available:  # no PortAudio here: rendered, said muted
        assert "not heard" in form.preview_status.text()


def test_preview_of_a_character_with_no_lines_speaks_a_stock_line(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    panel.add_character("LENA")
    with qtbot.waitSignal(panel.form.previewed, timeout=20_000) as heard:
        panel.form.preview_button.click()
    assert len(read_wav(Path(heard.args[0]))[0]) > 48_000  # the stock line is a few seconds


def test_clicking_a_featured_shot_selects_it(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    panel.select("ETHAN")
    ethan_shot = next(s for s in session.shots() if "ETHAN" in s.characters)
    assert panel.shots.count() == 1
    item = panel.shots.item(0)
    rect = panel.shots.visualItemRect(item)
    QTest.mouseClick(panel.shots.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.selected == [ethan_shot.id]
    assert session.playhead == session.shot_start(ethan_shot.id)


def test_the_featured_shots_follow_edits_of_them_and_only_of_them(qtbot, session) -> None:
    panel = panel_on(qtbot, session)
    panel.select("ETHAN")
    ethan_shot = next(s for s in session.shots() if "ETHAN" in s.characters)
    other = next(s for s in session.shots() if "ETHAN" not in s.characters)
    item = panel.shots.item(0)
    session.set_shot_fields(other.id, "Edit Shot Prompt", prompt="rain, closer")
    assert panel.shots.item(0) is item  # the list is not made again for an edit elsewhere
    session.set_shot_fields(ethan_shot.id, "Edit Shot Description", description="Ethan waits.")
    assert panel.shots.count() == 1
    assert panel.shots.item(0).text().endswith("Ethan waits.")
    assert panel.shots.item(0).toolTip() == "Ethan waits."
    session.undo()
    assert not panel.shots.item(0).text().endswith("Ethan waits.")


def test_read_only_project_cannot_be_edited(qtbot, session, project) -> None:
    other = Session()
    assert other.open(project)[0].startswith("another instance holds")
    try:
        panel = panel_on(qtbot, other)
        assert names(panel) == ["MAYA", "ETHAN"]
        assert not panel.add_button.isEnabled() and not panel.remove_button.isEnabled()
        assert panel.form.description.isReadOnly() and not panel.form.seed.isEnabled()
        assert not panel.references.import_button.isEnabled()
        assert not panel.references.generate_button.isEnabled()
        assert not panel.add_character("LENA") and names(panel) == ["MAYA", "ETHAN"]
    finally:
        other.close()


def test_images_dropped_on_the_panel_become_references(qtbot, session, tmp_path) -> None:
    from file_drops import drag, drop

    panel = panel_on(qtbot, session)
    said: list[str] = []
    session.message.connect(said.append)
    panel.select("MAYA")
    face, side = png(tmp_path / "face.png"), png(tmp_path / "side.png", "#2080c0")
    (tmp_path / "notes.txt").write_text("not an image")
    middle = panel.rect().center()
    assert drag(panel, middle, face).isAccepted()
    assert drop(panel, middle, face, tmp_path / "notes.txt", side).isAccepted()
    refs = session.project.character("MAYA").reference_images
    assert [Path(r).name.split("-")[0] for r in refs] == ["face", "side"]
    assert [(session.root / r).read_bytes() for r in refs] == [face.read_bytes(), side.read_bytes()]
    assert any(m.startswith("Import Reference of MAYA: notes.txt: not an image") for m in said)
    assert panel.references.approved.paths() == refs
