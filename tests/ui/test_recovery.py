"""Crash recovery in the window: after a session that died with unsaved changes, the next start
offers the newest autosave without blocking; Recover loads it unsaved (project.json untouched
until a save), Keep leaves the project as saved. A clean close, a save after the autosave, a
read-only open or a damaged autosave never bring the changes back wrongly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from workflow_window import Windows, close_window, crash

from studio.core.store import open_project

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
PROMPT = "rain on the glass, recovered"

# A session that edits a prompt, autosaves, and is killed before it can save or close.
KILLED = """
import os, signal, sys
from studio.core.store import open_project
folder = open_project(sys.argv[1])
shot = next(iter(folder.project.shots()))
shot.prompt = sys.argv[2]
folder.autosave()
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture
def windows(qtbot, tmp_path: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened
    opened.close_all()


def first_prompt(window) -> str:
    return window.session.shots()[0].prompt


def crashed_with_an_edit(windows: Windows, project: Path) -> Path:
    """A window edits the first shot's prompt, autosaves and crashes; the autosave written."""
    window = windows.open(project)
    shot = window.session.shots()[0]
    window.session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt=PROMPT)
    autosave = window.session.autosave()
    assert autosave is not None and autosave.is_file()
    crash(window)
    return autosave


def test_the_next_start_after_a_killed_session_recovers_its_autosave(windows, project) -> None:
    saved = (project / "project.json").read_bytes()
    killed = subprocess.run([sys.executable, "-c", KILLED, str(project), PROMPT], timeout=60,
                            capture_output=True, text=True)  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    assert (project / ".lock").is_file()  # left behind by the dead process
    (autosave,) = (project / "autosave").glob("project-*.json")
    window = windows.open(project)
    assert window.session.writable and window.banner.text() == ""  # the stale lock is taken
    box = window.tools.recover_box
    assert box is not None and box.isVisible() and autosave.name in box.text()
    assert first_prompt(window) != PROMPT and not window.session.dirty  # nothing yet
    box.button(YES).click()
    assert not box.isVisible()
    assert first_prompt(window) == PROMPT
    assert window.session.dirty and window.windowTitle().startswith("•")
    assert window.statusBar().currentMessage() == f"Recovered {autosave.name} (unsaved)"
    assert (project / "project.json").read_bytes() == saved
    assert window.undo_action.text() == "&Undo" and not window.undo_action.isEnabled()
    window.save()
    on_disk = json.loads((project / "project.json").read_text(encoding="utf-8"))
    assert PROMPT in json.dumps(on_disk) and not window.session.dirty
    close_window(window)
    again = windows.open(project)
    assert again.tools.recover_box is None and first_prompt(again) == PROMPT


def test_keeping_the_saved_project(windows, project) -> None:
    saved = (project / "project.json").read_bytes()
    crashed_with_an_edit(windows, project)
    window = windows.open(project)
    window.tools.recover_box.button(NO).click()
    assert first_prompt(window) != PROMPT and not window.session.dirty
    assert (project / "project.json").read_bytes() == saved
    close_window(window)  # closed on purpose: the declined autosave is not offered again
    assert windows.open(project).tools.recover_box is None


def test_a_clean_close_offers_nothing(windows, project, monkeypatch) -> None:
    window = windows.open(project)
    shot = window.session.shots()[0]
    window.session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt=PROMPT)
    assert window.session.autosave() is not None
    asked = []

    def answer(button):
        def question(*args, **kwargs):
            asked.append(args[1:3])
            return button

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert not window.close() and window.isVisible() and window.session.folder is not None
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    assert window.close() and window.session.folder is None
    assert [title for title, _ in asked] == ["Unsaved changes", "Unsaved changes"]
    again = windows.open(project)
    assert again.tools.recover_box is None and first_prompt(again) != PROMPT


def test_saving_after_the_autosave_offers_nothing(windows, project) -> None:
    window = windows.open(project)
    shot = window.session.shots()[0]
    window.session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt=PROMPT)
    assert window.session.autosave() is not None
    window.save()
    crash(window)
    again = windows.open(project)
    assert again.tools.recover_box is None and first_prompt(again) == PROMPT


def test_a_damaged_autosave_says_why_and_keeps_the_saved_project(windows, project) -> None:
    autosave = crashed_with_an_edit(windows, project)
    whole = autosave.read_bytes()
    autosave.write_bytes(whole[: len(whole) // 2])  # torn: the copy ends mid-way
    window = windows.open(project)
    window.tools.recover_box.button(YES).click()  # nothing here may block
    error = window.tools.error_box
    assert error is not None and error.isVisible() and error.windowTitle() == "Cannot recover"
    assert str(autosave) in error.text() and "damaged" in error.text()
    assert first_prompt(window) != PROMPT and not window.session.dirty
    assert window.session.writable
    error.button(QMessageBox.StandardButton.Ok).click()
    assert not error.isVisible()


def test_a_read_only_open_offers_nothing(windows, project) -> None:
    crashed_with_an_edit(windows, project)
    with open_project(project):  # another instance holds the project now
        window = windows.open(project)
        assert window.banner.text() == "read-only"
        assert window.tools.recover_box is None and first_prompt(window) != PROMPT
        close_window(window)
    assert windows.open(project).tools.recover_box is not None  # still there for a writer
