"""Editing on the timeline of a project without a script, by keys and mouse: zoom with = and -,
zoom to fit with Shift+Z and \\, a trimmed edge snaps to the playhead and to shot edges and a
scrubbed playhead to shot edges (Shift or the Snap button: not), Ctrl+K splits the shot under
the playhead, Delete removes the selected shots and closes the gap, each one undoable edit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.core.model import Episode, Project, Scene, Shot, ShotKind
from studio.core.store import create_project
from studio.ui.session import Session
from studio.ui.timeline import timeline_layout as tl
from studio.ui.timeline.timeline import TimelineView

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def timeline(qtbot, tmp_path: Path) -> Iterator[TimelineView]:
    """One episode of three 60-frame action shots (no script) at 2 px a frame."""
    shots = [Shot(f"sh-{i}", ShotKind.ACTION, f"shot {i}", 60) for i in range(3)]
    root = tmp_path / "k.mdstudio"
    create_project(
        root, Project("Keys", episodes=[Episode(1, "", [Scene("INT. A", 1, shots=shots)])])
    ).close()
    session = Session()
    session.open(root)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(600, 230)
    view.show()
    qtbot.waitExposed(view)
    view.canvas.set_view(2.0)
    view.canvas.setFocus()
    yield view
    session.close()


def ids(session: Session) -> list[str]:
    return [s.id for s in session.shots()]


def durations(session: Session) -> list[int]:
    return [s.duration_frames for s in session.shots()]


def test_zoom_keys_and_zoom_to_fit(timeline: TimelineView) -> None:
    canvas, view = timeline.canvas, timeline.canvas.view
    QTest.keyClick(canvas, Qt.Key.Key_Equal)
    assert view.px_per_frame == pytest.approx(2.5)
    QTest.keyClick(canvas, Qt.Key.Key_Minus)
    QTest.keyClick(canvas, Qt.Key.Key_Minus)
    assert view.px_per_frame == pytest.approx(1.6)
    fitted = (view.width - 2 * tl.LEFT) / 180
    QTest.keyClick(canvas, Qt.Key.Key_Z, SHIFT)
    assert view.px_per_frame == pytest.approx(fitted) and view.scroll == 0
    canvas.set_view(5.0, 300)
    QTest.keyClick(canvas, Qt.Key.Key_Backslash)
    assert view.px_per_frame == pytest.approx(fitted)
    QTest.keyClick(canvas, Qt.Key.Key_Z)  # Z alone is not a timeline key
    assert view.px_per_frame == pytest.approx(fitted)


def test_a_trimmed_edge_snaps_to_the_playhead_unless_shift_or_snap_off(
    timeline: TimelineView,
) -> None:
    canvas, session = timeline.canvas, timeline.session
    session.set_playhead(130)  # 10 frames into shot 2
    y = round(tl.VIDEO.top + tl.VIDEO.height / 2)
    edge = QPoint(round(canvas.view.x(120)) - 3, y)  # shot 1's right edge: the 8 px handle
    QTest.mouseMove(canvas, edge)
    assert canvas.cursor().shape() == Qt.CursorShape.SizeHorCursor

    def trim(dx: int, modifiers: Qt.KeyboardModifier = NONE) -> None:
        QTest.mousePress(canvas, LEFT, modifiers, edge)
        QTest.mouseMove(canvas, edge + QPoint(dx, 0))
        QTest.mouseRelease(canvas, LEFT, modifiers, edge + QPoint(dx, 0))

    trim(16)  # 8 frames: 4 px from the playhead, which it snaps to
    assert durations(session) == [60, 70, 60]
    session.undo()
    trim(16, SHIFT)  # Shift held: no snapping
    assert durations(session) == [60, 68, 60]
    session.undo()
    timeline.snap_button.click()
    trim(16)
    assert durations(session) == [60, 68, 60] and not canvas.snapping


def test_ctrl_k_splits_the_shot_under_the_playhead_and_undo_joins_it(
    timeline: TimelineView,
) -> None:
    canvas, session = timeline.canvas, timeline.session
    session.set_playhead(60)  # the first frame of shot 1: nothing to split
    QTest.keyClick(canvas, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert ids(session) == ["sh-0", "sh-1", "sh-2"]
    session.set_playhead(85)
    QTest.keyClick(canvas, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert durations(session) == [60, 25, 35, 60]
    assert ids(session)[:2] == ["sh-0", "sh-1"] and len(set(ids(session))) == 4
    assert canvas.starts == [0, 60, 85, 120, 180]
    assert session.history.undo_name == "Split Shot"
    session.undo()
    assert ids(session) == ["sh-0", "sh-1", "sh-2"] and durations(session) == [60, 60, 60]


def test_delete_removes_the_selected_shots_and_closes_the_gap(timeline: TimelineView) -> None:
    canvas, session = timeline.canvas, timeline.session
    session.select(["sh-1"])
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert ids(session) == ["sh-0", "sh-2"] and canvas.starts == [0, 60, 120]
    assert [s.id for s in session.project.archived_shots] == ["sh-1"]
    assert session.playhead == 60  # where the shot was
    session.select(["sh-0", "sh-2"])
    QTest.keyClick(canvas, Qt.Key.Key_Delete, SHIFT)
    assert ids(session) == []
    session.undo()
    session.undo()
    assert ids(session) == ["sh-0", "sh-1", "sh-2"] and session.project.archived_shots == []


def test_edges_snap_to_other_shot_edges_on_a_trim_and_on_the_ruler(timeline: TimelineView) -> None:
    canvas, session = timeline.canvas, timeline.session
    y = round(tl.VIDEO.top + tl.VIDEO.height / 2)
    edge = QPoint(round(canvas.view.x(60)) - 3, y)  # shot 0's right edge
    QTest.mousePress(canvas, LEFT, NONE, edge)
    QTest.mouseMove(canvas, edge + QPoint(118, 0))  # to frame 119: 2 px from shot 1's end
    assert canvas.starts[1] == 120  # shown snapped while dragging
    QTest.mouseRelease(canvas, LEFT, NONE, edge + QPoint(118, 0))
    assert durations(session) == [120, 60, 60]
    ruler = round(tl.RULER.top + tl.RULER.height / 2)
    QTest.mouseClick(canvas, LEFT, NONE, QPoint(round(canvas.view.x(182)), ruler))
    assert session.playhead == 180  # the edge between shots 1 and 2
    QTest.mouseClick(canvas, LEFT, SHIFT, QPoint(round(canvas.view.x(182)), ruler))
    assert session.playhead == 182
