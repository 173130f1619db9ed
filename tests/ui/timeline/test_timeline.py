"""The shot timeline on real projects: clicks select, drags reorder and trim the model, zoom keeps
the frame under the mouse, the ruler moves the playhead, thumbnails and waveforms of real files
appear, a 600-shot season paints; and its geometry (state rule, visible range, hit testing,
drop index, waveform columns) without a window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studio.core.model import (
    DialogueLine,
    Episode,
    Project,
    Scene,
    Shot,
    ShotKind,
    Take,
    TakeState,
)
from studio.core.store import create_project
from studio.core.voicing import VoiceClip
from studio.media.audio import write_wav
from studio.media.ffmpeg import VideoWriter
from studio.ui.session import Session
from studio.ui.timeline import timeline_layout as tl
from studio.ui.timeline.thumbnails import Envelope
from studio.ui.timeline.timeline import TimelineCanvas, TimelineView
from studio.ui.timeline.timeline_paint import AUDIO_FG, STATE_COLOURS

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def shot(i: int, frames: int = 60, **fields: object) -> Shot:
    return Shot(f"sh-{i}", ShotKind.ACTION, f"shot {i}", frames, **fields)  # type: ignore[arg-type]


def open_session(root: Path, episodes: list[Episode]) -> Session:
    create_project(root, Project("Timeline test", episodes=episodes)).close()
    session = Session()
    session.open(root)
    return session


def show(qtbot, session: Session, width: int = 600) -> TimelineView:
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(width, 230)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def timeline(qtbot, tmp_path: Path) -> Iterator[TimelineView]:
    """Episode 1: four 60-frame shots in two scenes at 2 px a frame; episode 2: two shots."""
    one = Episode(1, "Pilot", [Scene("INT. A", 1, shots=[shot(0), shot(1)]),
                               Scene("EXT. B", 2, shots=[shot(2), shot(3)])])  # fmt: skip
    two = Episode(2, "Next", [Scene("INT. C", 1, shots=[shot(4), shot(5)])])
    session = open_session(tmp_path / "t.mdstudio", [one, two])
    view = show(qtbot, session)
    view.canvas.set_view(2.0)
    yield view
    session.close()


def at(canvas: TimelineCanvas, index: int, fraction: float = 0.5) -> QPoint:
    """A point on shot ``index``'s video track, ``fraction`` of the way along it."""
    s = canvas.starts
    x = canvas.view.x(s[index] + (s[index + 1] - s[index]) * fraction)
    return QPoint(round(x), round(tl.VIDEO.top + tl.VIDEO.height / 2))


def ids(session: Session) -> list[str]:
    return [s.id for s in session.shots()]


# -- the widget -----------------------------------------------------------------------------------


def test_click_selects_ctrl_adds_shift_extends_empty_clears(timeline: TimelineView) -> None:
    canvas, session = timeline.canvas, timeline.session
    QTest.mouseClick(canvas, LEFT, NONE, at(canvas, 1))
    assert session.selected == ["sh-1"]
    QTest.mouseClick(canvas, LEFT, CTRL, at(canvas, 3))
    assert session.selected == ["sh-1", "sh-3"]
    QTest.mouseClick(canvas, LEFT, CTRL, at(canvas, 1))
    assert session.selected == ["sh-3"]
    QTest.mouseClick(canvas, LEFT, SHIFT, at(canvas, 0))  # from the last clicked
    assert session.selected == ["sh-0", "sh-1"]
    QTest.mouseClick(canvas, LEFT, NONE, at(canvas, 3))
    QTest.mouseClick(canvas, LEFT, SHIFT, at(canvas, 1))
    assert session.selected == ["sh-1", "sh-2", "sh-3"]
    QTest.mouseClick(canvas, LEFT, NONE, at(canvas, 2))  # a plain click in a selection
    assert session.selected == ["sh-2"]
    past_end = QPoint(round(canvas.view.x(canvas.starts[-1]) + 40), at(canvas, 0).y())
    QTest.mouseClick(canvas, LEFT, NONE, past_end)
    assert session.selected == []


def test_dragging_shot_0_after_shot_2_reorders_the_model(timeline: TimelineView) -> None:
    canvas, session = timeline.canvas, timeline.session
    assert not session.dirty
    QTest.mousePress(canvas, LEFT, NONE, at(canvas, 0))
    QTest.mouseMove(canvas, at(canvas, 1))
    QTest.mouseMove(canvas, at(canvas, 2, 0.8))
    assert ids(session) == ["sh-0", "sh-1", "sh-2", "sh-3"]  # nothing moves before the drop
    QTest.mouseRelease(canvas, LEFT, NONE, at(canvas, 2, 0.8))
    assert ids(session) == ["sh-1", "sh-2", "sh-0", "sh-3"]
    assert session.dirty
    assert canvas.starts == [0, 60, 120, 180, 240]


def test_dragging_a_multi_selection_moves_it_whole(timeline: TimelineView) -> None:
    canvas, session = timeline.canvas, timeline.session
    QTest.mouseClick(canvas, LEFT, NONE, at(canvas, 0))
    QTest.mouseClick(canvas, LEFT, CTRL, at(canvas, 1))
    QTest.mousePress(canvas, LEFT, NONE, at(canvas, 1))
    QTest.mouseMove(canvas, at(canvas, 3, 0.9))
    QTest.mouseRelease(canvas, LEFT, NONE, at(canvas, 3, 0.9))
    assert ids(session) == ["sh-2", "sh-3", "sh-0", "sh-1"]
    assert session.selected == ["sh-0", "sh-1"]


def test_a_drop_where_it_was_changes_nothing(timeline: TimelineView) -> None:
    canvas, session = timeline.canvas, timeline.session
    QTest.mousePress(canvas, LEFT, NONE, at(canvas, 1, 0.2))
    QTest.mouseMove(canvas, at(canvas, 1, 0.8))
    QTest.mouseRelease(canvas, LEFT, NONE, at(canvas, 1, 0.8))
    assert ids(session) == ["sh-0", "sh-1", "sh-2", "sh-3"]
    assert not session.dirty


def test_dragging_a_right_edge_trims_with_live_feedback_and_one_edit(
    timeline: TimelineView,
) -> None:
    canvas, session = timeline.canvas, timeline.session
    canvas.set_view(3.0)
    edits: list[None] = []
    session.shotsChanged.connect(lambda: edits.append(None))
    y = at(canvas, 0).y()
    edge = QPoint(round(canvas.view.x(canvas.starts[2])) - 2, y)  # inside shot 1's right edge
    QTest.mouseMove(canvas, edge)
    assert canvas.cursor().shape() == Qt.CursorShape.SizeHorCursor
    QTest.mousePress(canvas, LEFT, NONE, edge)
    QTest.mouseMove(canvas, edge + QPoint(15, 0))
    QTest.mouseMove(canvas, edge + QPoint(30, 0))
    assert session.shots()[1].duration_frames == 60 and not edits  # not yet in the model
    assert canvas.starts[2] == 130  # but shown: 30 px at 3 px a frame = 10 frames
    QTest.mouseRelease(canvas, LEFT, NONE, edge + QPoint(30, 0))
    trimmed = session.shots()[1]
    assert (trimmed.duration_frames, trimmed.duration_locked) == (70, True)
    assert len(edits) == 1 and session.dirty
    QTest.mouseMove(canvas, at(canvas, 1))
    assert canvas.cursor().shape() == Qt.CursorShape.ArrowCursor


def test_a_trim_stops_at_one_frame(timeline: TimelineView) -> None:
    canvas, session = timeline.canvas, timeline.session
    edge = QPoint(round(canvas.view.x(canvas.starts[1])) - 1, at(canvas, 0).y())
    QTest.mousePress(canvas, LEFT, NONE, edge)
    QTest.mouseMove(canvas, QPoint(0, edge.y()))
    QTest.mouseRelease(canvas, LEFT, NONE, QPoint(0, edge.y()))
    assert session.shots()[0].duration_frames == 1


def wheel(canvas: TimelineCanvas, x: float, notches: int, modifiers: Qt.KeyboardModifier) -> None:
    pos = QPointF(x, tl.VIDEO.top + 10)
    event = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase,
                        False)  # fmt: skip
    QApplication.sendEvent(canvas, event)


def test_ctrl_wheel_zooms_around_the_mouse_and_keys_around_the_playhead(
    timeline: TimelineView,
) -> None:
    canvas, view = timeline.canvas, timeline.canvas.view
    canvas.set_view(2.0, 50.0)
    under_mouse = view.frame_at(300)
    wheel(canvas, 300, 1, CTRL)
    assert view.px_per_frame == pytest.approx(2.5)
    assert view.frame_at(300) == pytest.approx(under_mouse)
    assert timeline.scrollbar.value() == round(view.scroll)
    wheel(canvas, 300, -1, CTRL)
    assert view.px_per_frame == pytest.approx(2.0)
    assert view.frame_at(300) == pytest.approx(under_mouse)
    scroll = view.scroll
    wheel(canvas, 300, -1, NONE)  # a plain wheel scrolls
    assert view.scroll > scroll and view.px_per_frame == pytest.approx(2.0)

    timeline.session.set_playhead(100)
    x = view.x(100)
    QTest.keyClick(canvas, Qt.Key.Key_Plus)
    assert view.px_per_frame == pytest.approx(2.5)
    assert view.x(100) == pytest.approx(x)
    QTest.keyClick(canvas, Qt.Key.Key_Minus)
    assert view.px_per_frame == pytest.approx(2.0)


def test_clicking_and_dragging_on_the_ruler_moves_the_playhead(timeline: TimelineView) -> None:
    canvas, session = timeline.canvas, timeline.session
    y = round(tl.RULER.top + tl.RULER.height / 2)
    QTest.mouseClick(canvas, LEFT, NONE, QPoint(round(canvas.view.x(75)), y))
    assert session.playhead == 75
    QTest.mousePress(canvas, LEFT, NONE, QPoint(round(canvas.view.x(10)), y))
    assert session.playhead == 10
    QTest.mouseMove(canvas, QPoint(round(canvas.view.x(40)), y))
    assert session.playhead == 40
    QTest.mouseRelease(canvas, LEFT, NONE, QPoint(round(canvas.view.x(40)), y))
    assert session.selected == [] and not session.dirty


def test_the_episode_selector_and_the_session_follow_each_other(timeline: TimelineView) -> None:
    box, session = timeline.episode_box, timeline.session
    assert [box.itemText(i) for i in range(box.count())] == [
        "Episode 1 — Pilot",
        "Episode 2 — Next",
    ]
    QTest.keyClick(box, Qt.Key.Key_Down)
    assert session.episode_number == 2
    assert timeline.canvas.starts == [0, 60, 120]
    session.set_episode(1)
    assert box.currentIndex() == 0
    assert len(timeline.canvas.starts) == 5


def pixel(view: TimelineView, x: float, y: float) -> QColor:
    return view.canvas.grab().toImage().pixelColor(round(x), round(y))


def near(colour: QColor, rgb: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour.getRgb()[:3], rgb, strict=True))


def test_take_thumbnails_and_waveforms_appear(qtbot, tmp_path: Path) -> None:
    root = tmp_path / "t.mdstudio"
    take = Take("tk-1", media="takes/a.mp4", state=TakeState.DONE)
    clip = VoiceClip(0, "ANNA", "audio/line.wav", "", start=4800, samples=24000)
    voiced = shot(0, takes=[take], voice=[clip], dialogue=[DialogueLine("ANNA", "Hello there")])
    episode = Episode(1, scenes=[Scene("A", 1, shots=[voiced])])
    create_project(root, Project("T", episodes=[episode])).close()
    with VideoWriter(root / "takes" / "a.mp4", 64, 112) as video:
        for _ in range(3):
            video.write(np.full((112, 64, 3), (200, 40, 40), np.uint8))
    t = np.arange(24000) / 48000
    write_wav(root / "audio" / "line.wav", 0.5 * np.sin(2 * np.pi * 220 * t))
    session = Session()
    session.open(root)
    view = show(qtbot, session)
    view.canvas.set_view(4.0)
    x0 = view.canvas.view.x(0)
    red = (200, 40, 40)  # the take's picture, on the amber of a shot waiting for review
    qtbot.waitUntil(lambda: near(pixel(view, x0 + 14, tl.VIDEO.top + 30), red), timeout=30_000)
    mid = tl.AUDIO.top + tl.AUDIO.height / 2
    in_clip = view.canvas.view.x(3 + 7)  # the line starts 0.1 s (3 frames) in and lasts 15
    fg = AUDIO_FG.getRgb()[:3]
    qtbot.waitUntil(lambda: near(pixel(view, in_clip, mid - 4), fg, 4), timeout=30_000)
    envelope = view.media.waveform(root / "audio" / "line.wav")
    assert envelope is not None and envelope.peak == pytest.approx(0.5, abs=0.01)
    assert not view.media.busy()
    session.close()


def test_a_600_shot_season_paints(qtbot, tmp_path: Path) -> None:
    kinds = [
        {},
        {"takes": [Take("q", state=TakeState.RUNNING)]},
        {"takes": [Take("d", state=TakeState.FAILED), Take("e", state=TakeState.DONE)]},
        {"takes": [Take("a", state=TakeState.APPROVED)]},
        {"takes": [Take("c", state=TakeState.DONE)], "changed": True},
    ]
    shots = [shot(i, 45, dialogue=[DialogueLine("A", f"line {i}")], **kinds[i % 5])
             for i in range(600)]  # fmt: skip
    scenes = [Scene(f"S{n}", n + 1, shots=shots[n * 20 : n * 20 + 20]) for n in range(30)]
    session = open_session(tmp_path / "s.mdstudio", [Episode(1, scenes=scenes)])
    view = show(qtbot, session, 900)
    assert [tl.shot_state(s) for s in shots[:5]] == list(tl.STATES)
    view.canvas.fit()
    row = view.canvas.grab().toImage()
    seen = {row.pixelColor(x, round(tl.VIDEO.top + 30)).name() for x in range(900)}
    assert {c.name() for c in STATE_COLOURS.values()} <= seen
    assert view.canvas.paint_seconds > 0
    view.canvas.set_view(2.0, 45 * 2 * 300)  # shot 300 at the left
    first = view.canvas.view.x(view.canvas.starts[300])
    colour = pixel(view, first + 80, tl.VIDEO.bottom - 4)
    assert colour == STATE_COLOURS[tl.NO_TAKE]
    session.close()


# -- the geometry ---------------------------------------------------------------------------------


def test_shot_state_for_each_state() -> None:
    def take(state: TakeState) -> Take:
        return Take(state.value, media="takes/x.mp4", state=state)

    assert tl.shot_state(shot(0)) == tl.NO_TAKE
    assert tl.shot_state(shot(0, takes=[take(TakeState.FAILED)])) == tl.NO_TAKE
    assert tl.shot_state(shot(0, takes=[take(TakeState.DONE), take(TakeState.QUEUED)])) == (
        tl.GENERATING
    )
    assert tl.shot_state(shot(0, takes=[take(TakeState.RUNNING)], changed=True)) == tl.GENERATING
    assert tl.shot_state(shot(0, takes=[take(TakeState.DONE)])) == tl.REVIEW
    assert tl.shot_state(shot(0, takes=[take(TakeState.STARRED)])) == tl.REVIEW
    approved = [take(TakeState.DONE), take(TakeState.APPROVED)]
    assert tl.shot_state(shot(0, takes=approved)) == tl.APPROVED
    assert tl.shot_state(shot(0, takes=approved, changed=True)) == tl.CHANGED
    assert tl.shot_state(shot(0, changed=True)) == tl.NO_TAKE


@given(
    st.lists(st.integers(1, 50), max_size=30),
    st.floats(-100, 1600, allow_nan=False),
    st.floats(0, 800, allow_nan=False),
)
def test_visible_range_is_exactly_the_overlapping_shots(
    durations: list[int], first: float, span: float
) -> None:
    starts = tl.shot_starts(durations)
    last = first + span
    overlapping = [i for i in range(len(durations)) if starts[i] < last and starts[i + 1] > first]
    assert list(tl.visible_range(starts, first, last)) == overlapping


def test_hit_test_parts() -> None:
    view = tl.Viewport(px_per_frame=2.0, scroll=0.0, width=600, frames=120)
    starts = [0, 60, 120]
    y = tl.VIDEO.top + 5
    assert tl.hit_test(view, starts, view.x(30), y) == tl.Hit("shot", 0, 30)
    assert tl.hit_test(view, starts, view.x(60) - 2, y).part == "edge"
    assert tl.hit_test(view, starts, view.x(60) - 2, y).index == 0
    assert tl.hit_test(view, starts, view.x(60) + 1, tl.CAPTIONS.top + 1).index == 1
    assert tl.hit_test(view, starts, view.x(120) + 3, y) == tl.Hit("edge", 1, 121.5)
    assert tl.hit_test(view, starts, view.x(200), y).part == "track"
    assert tl.hit_test(view, starts, view.x(30), 5).part == "ruler"
    assert tl.hit_test(view, starts, view.x(30), tl.HEIGHT + 10).part == "none"
    assert tl.hit_test(view, starts, view.x(60) - 7, y).part == "edge"  # the handle is 8 px
    assert tl.edge_zone(tl.Viewport(px_per_frame=0.1), [0, 30], 0) == pytest.approx(1.5)


def test_drop_index_counts_the_other_shots_before_the_drop() -> None:
    starts = tl.shot_starts([10, 10, 10, 10])  # middles at 5, 15, 25, 35
    assert tl.drop_index(starts, [0], 26) == 3 - 1  # after shots 1 and 2
    assert tl.reordered(["a", "b", "c", "d"], ["a"], 2) == ["b", "c", "a", "d"]
    assert tl.drop_index(starts, [0, 1], 36) == 2
    assert tl.drop_index(starts, [3], 0) == 0
    assert tl.drop_frame(starts, [0], 2) == 30
    assert tl.drop_frame(starts, [1], 0) == 0


def test_viewport_zoom_and_ticks() -> None:
    view = tl.Viewport(px_per_frame=1.0, scroll=100.0, width=500, frames=3000)
    frame = view.frame_at(250)
    view.zoom(3.0, 250)
    assert view.frame_at(250) == pytest.approx(frame)
    view.zoom(1e9, 250)
    assert view.px_per_frame == tl.MAX_PX_PER_FRAME
    view.fit()
    assert view.x(0) == pytest.approx(tl.LEFT) and view.x(3000) <= 500
    major, minor = tl.tick_steps(2.0, 30)
    assert major * 2.0 >= tl.MAJOR_PX and major % 30 == 0 and major % minor == 0
    assert list(tl.ticks(-10, 100, 30)) == [0, 30, 60, 90]


def test_caption_spans_follow_voiced_lines_else_share_the_shot() -> None:
    fps = Project("x").fps  # 30 fps
    lines = [DialogueLine("A", "one"), DialogueLine("B", "two")]
    clip = VoiceClip(1, "B", "audio/b.wav", "", start=48000, samples=24000)
    spans = tl.caption_spans(shot(0, 90, dialogue=lines, voice=[clip]), fps)
    assert spans == [(0.0, 45.0, "one"), (30.0, 45.0, "two")]


def test_envelope_columns_take_min_and_max_per_column() -> None:
    samples = np.zeros(1000, np.float32)
    samples[100] = 0.9
    samples[700] = -0.6
    envelope = Envelope.of(samples, 48000, block=10)
    mins, maxs = envelope.columns(0, 250, 4)
    assert maxs.tolist() == pytest.approx([0.9, 0, 0, 0])
    assert mins.tolist() == pytest.approx([0, 0, -0.6, 0])
    outside, _ = envelope.columns(-600, 100, 3)
    assert outside.tolist() == [0, 0, 0]
    assert Envelope.of(np.zeros((0, 2)), 48000).columns(0, 10, 2)[1].tolist() == [0, 0]
