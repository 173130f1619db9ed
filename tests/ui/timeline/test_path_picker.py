"""The window on a branching episode: the Path box over the timeline lists the paths, shows and
plays one at a time, follows script edits, says what the validator found, and refuses a reorder
while a path is shown (a trim goes through)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from ui_project import make_project
from workflow_window import Windows

from studio.app.story_view import ALL_SHOTS
from studio.ui.main_window import MainWindow
from studio.ui.session import MOVE_ON_PATH
from studio.ui.theme import WARNING
from studio.ui.timeline import timeline_layout as tl
from studio.ui.timeline.timeline import TimelineCanvas

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CHOICE = "[[choice: Take the deal -> #deal | Walk away -> #walk (default)]]"
DEAL = "#start → (Take the deal) #deal → #after"
WALK = "#start → (Walk away) #walk → #after"

SCRIPT = f"""Title: The Deal

# Episode 1

INT. OFFICE - NIGHT

MIRA stares at the contract.

VICTOR
Sign it, and the company is yours.

{CHOICE}

## Deal

MIRA signs. The lights go out.

[[-> #after]]

## Walk

EXT. ROOF - NIGHT

MIRA walks into the rain.

[[-> #after]]

## After

VICTOR
You will regret this.

[[end]]

## Orphan

Nobody sees this.

# Episode 2

INT. LOBBY - DAY

MIRA waits.
"""


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch):
    """The window on the project of :data:`SCRIPT`; closing it never asks (a failed test may
    leave unsaved edits behind)."""
    discard = QMessageBox.StandardButton.Discard
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: discard)
    (tmp_path / "models").mkdir()
    windows = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    win = windows.open(make_project(tmp_path / "Deal.mdstudio", SCRIPT))
    win.resize(1600, 1000)
    yield win
    windows.close_all()


def words(window: MainWindow, ids: list[str]) -> list[str]:
    """The shots ``ids`` by their first two words, for readable asserts."""
    shots = {s.id: " ".join(s.description.split()[:2]) for s in window.session.shots()}
    return [shots[i] for i in ids]


def shown(window: MainWindow) -> list[str]:
    return words(window, [s.id for s in window.timeline.canvas._content.shots])


def at(canvas: TimelineCanvas, index: int, fraction: float = 0.5) -> QPoint:
    s = canvas.starts
    x = canvas.view.x(s[index] + (s[index + 1] - s[index]) * fraction)
    return QPoint(round(x), round(tl.VIDEO.top + tl.VIDEO.height / 2))


def test_the_picker_lists_the_paths_and_a_path_shows_and_plays_only_its_shots(window, qtbot):
    bar, session, canvas = window.timeline.paths, window.session, window.timeline.canvas
    assert bar.isVisibleTo(window.timeline)
    assert bar.choices() == [ALL_SHOTS, DEAL, WALK]
    assert bar.box.itemData(1, Qt.ItemDataRole.ToolTipRole).startswith(DEAL)
    everything = ["MIRA stares", "VICTOR speaks", "MIRA signs.", "MIRA walks", "VICTOR speaks",
                  "Nobody sees"]  # fmt: skip
    assert shown(window) == everything and session.path is None
    walks = canvas._content.shots[3]
    session.set_playhead(session.shot_start(walks.id) + 5)

    bar.choose(2)  # as picking it in the box does
    walk = ["MIRA stares", "VICTOR speaks", "MIRA walks", "VICTOR speaks"]
    assert shown(window) == walk
    frames = sum(s.duration_frames for s in canvas._content.shots)
    assert frames == bar.paths.choices[2].frames < bar.paths.choices[0].frames
    assert session.duration() == canvas.view.frames == window.player.timeline.frames == frames
    played = [span.shot_id for span in window.player.timeline.spans]
    assert words(window, played) == walk  # the player plays the path, in its order
    assert [label for _, label in canvas.marks] == ["start", "walk", "after"]
    assert [i for i, _ in canvas.marks] == [0, 2, 3]
    assert window.timeline.pacing.pacing.seconds == session.project.fps.seconds(frames)
    assert bar.box.toolTip().startswith(WALK)
    assert session.playhead == session.shot_start(walks.id) + 5  # still 5 frames into the walk
    assert "Showing one path" in window.statusBar().currentMessage()
    session.set_playhead(frames + 500)
    assert session.playhead == frames - 1  # the playhead stays on the path
    session.set_playhead(session.shot_start(walks.id) + 3)
    bar.choose(1)
    assert session.playhead == 0  # the deal does not pass the walk: to its start

    bar.choose(0)
    assert shown(window) == everything and session.path is None
    assert window.player.timeline.frames == session.episode().duration_frames()
    assert [label for _, label in canvas.marks] == ["start", "deal", "walk", "after", "orphan"]


def test_a_linear_episode_hides_the_picker_and_shows_every_shot(window, qtbot):
    bar, session = window.timeline.paths, window.session
    bar.choose(1)
    assert session.path is not None
    session.set_episode(2)
    assert not bar.isVisibleTo(window.timeline) and session.path is None
    assert shown(window) == ["MIRA waits."] and window.timeline.canvas.marks == []
    session.set_episode(1)
    assert bar.isVisibleTo(window.timeline) and bar.box.currentIndex() == 0  # all shots again


def test_the_findings_are_counted_coloured_and_go_to_their_line(window, qtbot):
    button = window.timeline.paths.findings
    assert button.text() == "2 warnings"  # #orphan: a dead end no path reaches
    assert WARNING.name() in button.styleSheet()
    tips = button.toolTip().splitlines()
    assert len(tips) == 2 and all("#orphan" in tip for tip in tips)
    orphan = SCRIPT.splitlines().index("## Orphan") + 1
    actions = button.menu().actions()
    assert [a.isEnabled() for a in actions] == [True, True]
    actions[0].trigger()
    assert window.editor.current_line() == orphan


def edit_script(window: MainWindow, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the editor, as typing would (the edit applies after the
    editor's pause)."""
    text = window.editor.text_edit
    found = text.document().find(old)
    assert not found.isNull(), old
    found.insertText(new)
    text.setTextCursor(found)


def test_script_edits_update_the_picker_and_keep_the_path_while_it_exists(window, qtbot):
    bar, session = window.timeline.paths, window.session
    bar.choose(2)  # the walk
    wait = CHOICE.replace("(default)]]", "(default) | Wait -> #orphan]]")
    edit_script(window, CHOICE, wait)
    qtbot.waitUntil(lambda: len(bar.choices()) == 4)
    assert bar.choices()[3] == "#start → (Wait) #orphan  [dead-end]"
    assert bar.box.currentIndex() == 2 and bar.choices()[2] == WALK  # still the walk
    assert words(window, list(session.path or ())) == ["MIRA stares", "VICTOR speaks",
                                                       "MIRA walks", "VICTOR speaks"]  # fmt: skip
    assert bar.findings.text() == "1 warning"  # the orphan is reached now, still a dead end

    edit_script(window, wait, "[[choice: Take the deal -> #deal | Wait -> #orphan]]")
    qtbot.waitUntil(lambda: len(bar.choices()) == 3)
    assert bar.choices() == [ALL_SHOTS, DEAL, "#start → (Wait) #orphan  [dead-end]"]
    assert bar.box.currentIndex() == 0 and session.path is None  # the walk is gone: all shots
    assert len(shown(window)) == 6

    edit_script(window, "[[choice: Take the deal -> #deal | Wait -> #orphan]]", "")
    edit_script(window, "[[-> #after]]", "")
    edit_script(window, "[[-> #after]]", "")
    edit_script(window, "[[end]]", "")
    qtbot.waitUntil(lambda: window.timeline.paths.paths is None)
    assert not bar.isVisibleTo(window.timeline)  # no story note left: a linear episode
    window.editor.text_edit.moveCursor(QTextCursor.MoveOperation.End)


def test_a_reorder_on_a_path_is_refused_and_the_project_is_unchanged(window, qtbot, tmp_path):
    bar, session, canvas = window.timeline.paths, window.session, window.timeline.canvas
    bar.choose(1)  # the deal
    canvas.set_view(1.0)
    order = [s.id for s in session.shots()]
    saved = json.loads((session.root / "project.json").read_text(encoding="utf-8"))
    QTest.mousePress(canvas, LEFT, NONE, at(canvas, 0))
    QTest.mouseMove(canvas, at(canvas, 1))
    QTest.mouseMove(canvas, at(canvas, 3, 0.8))
    QTest.mouseRelease(canvas, LEFT, NONE, at(canvas, 3, 0.8))
    assert window.statusBar().currentMessage() == MOVE_ON_PATH
    session.move([order[0]], 3)  # asked directly, as any other caller would
    assert [s.id for s in session.shots()] == order
    assert not session.dirty and session.history.undo_name == ""
    window.save()
    after = json.loads((session.root / "project.json").read_text(encoding="utf-8"))
    assert after["project"]["episodes"] == saved["project"]["episodes"]


def test_a_trim_on_a_path_trims_the_shot_and_the_path_follows(window, qtbot):
    bar, session, canvas = window.timeline.paths, window.session, window.timeline.canvas
    bar.choose(1)  # the deal: the signing is its third shot
    canvas.set_view(2.0)
    signing = canvas._content.shots[2]
    before, length = signing.duration_frames, session.duration()
    edge = QPoint(round(canvas.view.x(canvas.starts[3])) - 2, at(canvas, 0).y())
    QTest.mousePress(canvas, LEFT, NONE, edge)
    QTest.mouseMove(canvas, edge + QPoint(20, 0))
    QTest.mouseRelease(canvas, LEFT, NONE, edge + QPoint(20, 0))
    assert session.project.find_shot(signing.id).duration_frames == before + 10
    assert session.history.undo_name == "Trim Shot"
    assert bar.box.currentIndex() == 1 and session.duration() == length + 10
    assert window.player.timeline.frames == length + 10
    session.undo()
    assert session.project.find_shot(signing.id).duration_frames == before
    assert session.duration() == length
