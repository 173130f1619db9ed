"""The window's keys: one keymap, no key bound twice, transport and review keys work from the
timeline, and a focused text field (script editor, prompt line) keeps the letters it types."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from workflow_window import Windows

from studio.ui import keymap
from studio.ui.main_window import MainWindow


@pytest.fixture
def windows(qtbot, tmp_path: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened
    opened.close_all()


def bound(window: MainWindow) -> Counter[str]:
    """Every key of every action in the window, counted."""
    portable = QKeySequence.SequenceFormat.PortableText
    return Counter(
        key.toString(portable)
        for action in window.findChildren(QAction)
        for key in action.shortcuts()
        if not key.isEmpty()
    )


def test_no_two_actions_share_a_key(windows, project) -> None:
    window = windows.open(project)
    counts = bound(window)
    assert {key for key, n in counts.items() if n > 1} == set()
    for name in ("play", "regenerate", "approve", "pause_queue", "save", "step_back"):
        assert keymap.keys(name)[0].toString() in counts  # the keymap is what the window binds
    listed = Counter(k.toString() for name in keymap.KEYS for k in keymap.keys(name))
    assert {key for key, n in listed.items() if n > 1} == set()


def test_g_and_space_work_from_the_timeline(windows, project, qtbot) -> None:
    window = windows.open(project)
    window.session.select([window.session.shots()[0].id])
    window.timeline.setFocus()
    qtbot.waitUntil(window.timeline.hasFocus)
    with qtbot.waitSignal(window.review.act["regenerate"].triggered, timeout=2000):
        qtbot.keyClick(window.timeline, Qt.Key.Key_G)
    qtbot.keyClick(window.timeline, Qt.Key.Key_Space)
    assert window.player.playing
    qtbot.keyClick(window.timeline, Qt.Key.Key_Space)
    assert not window.player.playing


def test_a_focused_text_field_keeps_its_letters(windows, project, qtbot) -> None:
    window = windows.open(project)
    window.session.select([window.session.shots()[0].id])
    fired: list[str] = []
    for name in ("regenerate", "approve", "archive", "edit_prompt"):
        window.review.act[name].triggered.connect(lambda *_, n=name: fired.append(n))
    edit = window.editor.text_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, "GAP ")
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Left)
    assert edit.toPlainText().endswith("GAP ")
    prompt = window.review.prompt_row.edit
    prompt.show()
    prompt.setFocus()
    qtbot.waitUntil(prompt.hasFocus)
    qtbot.keyClicks(prompt, "a gap")
    assert prompt.toPlainText().endswith("a gap")
    assert fired == [] and not window.player.playing
    window.editor.apply_now()  # the typed script is an edit: applied before the close
