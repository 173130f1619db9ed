"""Moving about an episode in the window as in an editor: a click on a shot puts the playhead on
its first frame, a double-click plays it from there, the counter runs 1/N…N/N, Ctrl+A in the
timeline selects every shot, and one selected shot is a batch of one ("Generate 1 shot")."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from workflow_window import Windows

from studio.ui.main_window import MainWindow
from studio.ui.timeline import timeline_layout as tl

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, tmp_path: Path, project: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened.open(project)
    opened.close_all()


def on_shot(window: MainWindow, index: int) -> QPoint:
    """A point in the middle of shot ``index`` on the video track."""
    canvas = window.timeline.canvas
    middle = (canvas.starts[index] + canvas.starts[index + 1]) / 2
    return QPoint(round(canvas.view.x(middle)), round(tl.VIDEO.top + tl.VIDEO.height / 2))


def counter(window: MainWindow) -> str:
    return window.player.controls.clock.text().split()[-1]


def test_a_click_on_a_shot_moves_the_playhead_to_its_first_frame(window: MainWindow) -> None:
    session, canvas = window.session, window.timeline.canvas
    shots = session.timeline_shots()
    for index in (2, 0, 1):
        QTest.mouseClick(canvas, LEFT, pos=on_shot(window, index))
        assert session.selected == [shots[index].id]
        assert session.playhead == session.shot_start(shots[index].id)
        assert counter(window) == f"{session.playhead + 1}/{session.duration()}"
    assert not window.player.playing


def test_a_double_click_plays_the_shot_from_its_first_frame(window: MainWindow) -> None:
    session, canvas = window.session, window.timeline.canvas
    shot = session.timeline_shots()[1]
    session.set_playhead(session.duration() - 1)
    QTest.mouseClick(canvas, LEFT, pos=on_shot(window, 1))
    QTest.mouseDClick(canvas, LEFT, pos=on_shot(window, 1))
    assert window.player.playing
    assert window.player.rate == 1.0
    assert session.playhead == session.shot_start(shot.id)  # it plays from there
    window.player.pause()


def test_the_frame_counter_runs_from_1_to_the_frame_count(window: MainWindow) -> None:
    frames = window.session.duration()
    assert frames > 1
    assert counter(window) == f"1/{frames}"
    window.session.set_playhead(frames - 1)
    assert counter(window) == f"{frames}/{frames}"
    window.session.set_playhead(10**6)  # clamped to the last frame
    assert counter(window) == f"{frames}/{frames}"
    assert window.player.controls.slider.maximum() == frames - 1


def test_ctrl_a_in_the_timeline_selects_every_shot(window: MainWindow) -> None:
    canvas = window.timeline.canvas
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert window.session.selected == [s.id for s in window.session.timeline_shots()]
    assert window.review.act["generate_selected"].text() == "Generate 3 shots"


def test_one_selected_shot_enables_the_batch_actions(window: MainWindow) -> None:
    act = window.review.act
    window.session.select([])
    assert not act["generate_selected"].isEnabled()
    QTest.mouseClick(window.timeline.canvas, LEFT, pos=on_shot(window, 0))
    assert act["generate_selected"].isEnabled() and act["voice_selected"].isEnabled()
    assert act["generate_selected"].text() == "Generate 1 shot"
    assert window.review.batch_row.isVisible()
