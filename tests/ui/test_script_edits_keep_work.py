"""Typing in the script editor of the real window keeps the user's work: voiced lines keep
their audio, and closing with Discard puts the script file back as the project was saved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox
from workflow_window import Windows

from studio.ui.main_window import MainWindow
from studio.voice.plan import voice_requests


@pytest.fixture
def windows(qtbot, tmp_path: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened
    opened.close_all()


def type_at_the_end(qtbot, window: MainWindow, text: str) -> None:
    """Type ``text`` after the script's last line and wait until the breakdown has it."""
    edit = window.editor.text_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    for n, line in enumerate(text.split("\n")):
        if n:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, line)
    qtbot.waitUntil(lambda: window.session.history.undo_name == "Edit Script", timeout=5000)


def test_typing_an_action_line_keeps_every_voiced_line(windows, project, qtbot) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    voiced = subprocess.run([sys.executable, "-m", "studio", "voice", str(project)], env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert voiced.returncode == 0, voiced.stderr
    window = windows.open(project)
    session = window.session
    before = {s.id: ([c.media for c in s.voice], s.duration_frames)
              for s in session.shots() if s.dialogue}  # fmt: skip
    assert len(before) == 2 and all(clips for clips, _ in before.values())
    type_at_the_end(qtbot, window, "\nMaya leaves.\n")
    assert any(s.description == "Maya leaves." for s in session.shots())
    after = {s.id: ([c.media for c in s.voice], s.duration_frames)
             for s in session.shots() if s.dialogue}  # fmt: skip
    assert after == before  # the clips and the durations their audio gave
    assert voice_requests(session.project, session.shots()) == []  # Voice has nothing to redo


def discard_when_asked() -> None:
    """Answer the unsaved-changes box, once it is up, with Discard."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox):
        QTimer.singleShot(20, discard_when_asked)
        return
    box.button(QMessageBox.StandardButton.Discard).click()


def test_discard_on_close_puts_the_saved_script_back(windows, project, qtbot) -> None:
    script = project / "script" / "script.fountain"
    saved = script.read_bytes()
    window = windows.open(project)
    type_at_the_end(qtbot, window, "\nMaya leaves.\n")
    assert script.read_bytes() != saved  # the live breakdown wrote the edit
    QTimer.singleShot(0, discard_when_asked)
    assert window.close()
    assert script.read_bytes() == saved
    again = windows.open(project)
    lines = again.editor.text_edit.toPlainText().split("\n")
    shots = again.session.shots()
    assert [s.description for s in shots if not s.dialogue] == ["Rain hammers the glass."]
    for shot in shots:  # each shot's source lines say what the shot says
        first, last = shot.source_lines
        source = "\n".join(lines[first - 1 : last])
        assert (shot.dialogue[0].text if shot.dialogue else shot.description) in source
    assert "Maya leaves." not in lines


def test_a_save_that_fails_on_close_keeps_the_window_open(windows, project, qtbot) -> None:
    window = windows.open(project)
    type_at_the_end(qtbot, window, "\nMaya leaves.\n")
    (project / "project.json").unlink()
    (project / "project.json").mkdir()  # the save cannot replace a folder
    (project / "project.json" / "keep").write_text("x")
    answers = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        answers.append(box.windowTitle())
        button = QMessageBox.StandardButton
        box.button(button.Save if len(answers) == 1 else button.Ok).click()
        if len(answers) == 1:
            QTimer.singleShot(20, answer)  # then the box saying why the save failed

    QTimer.singleShot(0, answer)
    assert not window.close()
    assert answers == ["Unsaved changes", "Cannot save"]
    assert window.isVisible() and window.session.dirty
    assert "Maya leaves." in window.editor.text_edit.toPlainText()
    (project / "project.json" / "keep").unlink()
    (project / "project.json").rmdir()
    window.save()
    assert not window.session.dirty
