"""The preview player on a real project: real H.264 takes whose frames carry their index as a
flat colour, driven through the widget (keys, the session's playhead), muted on purpose."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

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
from studio.media.ffmpeg import VideoWriter
from studio.ui.player.audio_out import AudioOut, mix_episode
from studio.ui.player.player import PlayerView
from studio.ui.session import Session

TAGS = {"takes/a.mp4": 1, "takes/b.mp4": 3}  # the take's green level, in 60s


def colour(index: int, tag: int) -> tuple[int, int, int]:
    return 10 + 8 * index, 60 * tag, 128


def read_colour(image: np.ndarray) -> tuple[int, int]:
    """(frame index, tag) of a frame drawn by :func:`colour`."""
    h, w = image.shape[:2]
    r, g, _ = image[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].reshape(-1, 3).mean(axis=0)
    return round((r - 10) / 8), round(g / 60)


def make_take(path: Path, frames: int, tag: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with VideoWriter(path, 180, 320) as writer:
        for i in range(frames):
            writer.write(np.full((320, 180, 3), colour(i, tag), np.uint8))


@pytest.fixture
def session(tmp_path) -> Session:
    """Shot a: 20 frames, no dialogue; shot b: 30 frames with a line not voiced yet (its
    caption is spread over the shot)."""
    DONE = TakeState.DONE
    shots = [
        Shot("sh-a", ShotKind.ACTION, "", 20, takes=[Take("a", "takes/a.mp4", None, DONE)]),
        Shot(
            "sh-b", ShotKind.DIALOGUE, "", 30,
            dialogue=[DialogueLine("MAYA", "Hello there")],
            takes=[Take("b", "takes/b.mp4", None, TakeState.APPROVED)],
        ),
    ]  # fmt: skip
    episode = Episode(1, scenes=[Scene("INT. ROOM - DAY", 1, shots=shots)])
    root = tmp_path / "Player.mdstudio"
    folder = create_project(root, Project("Player test", episodes=[episode]))
    make_take(root / "takes/a.mp4", 20, 1)
    make_take(root / "takes/b.mp4", 30, 3)
    folder.close()
    opened = Session()
    opened.open(root)
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot, session) -> PlayerView:
    player = PlayerView(session, muted=True)
    qtbot.addWidget(player)
    player.resize(300, 620)
    player.show()
    qtbot.waitExposed(player)
    player.setFocus()
    return player


def shows(qtbot, view: PlayerView, frame: int) -> tuple[int, int]:
    qtbot.waitUntil(lambda: view.shown_frame == frame, timeout=20_000)
    return read_colour(view.current_frame)


def expected(frame: int) -> tuple[int, int]:
    return (frame, 1) if frame < 20 else (frame - 20, 3)


def test_seeks_to_exact_frames(qtbot, view, session):
    for frame in (37, 3, 19, 20, 49, 0, 26):
        session.set_playhead(frame)
        assert shows(qtbot, view, frame) == expected(frame)
    h, w = view.current_frame.shape[:2]
    assert abs(w / h - 9 / 16) < 0.02


def test_keys_step_and_jump(qtbot, view, session):
    session.set_playhead(10)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert session.playhead == 11 and shows(qtbot, view, 11) == (11, 1)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert session.playhead == 10 and shows(qtbot, view, 10) == (10, 1)
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert session.playhead == 49 and shows(qtbot, view, 49) == (29, 3)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert session.playhead == 0


def test_plays_muted_and_says_so(qtbot, view, session):
    with qtbot.waitSignal(view.status, timeout=5000) as said:
        qtbot.keyClick(view, Qt.Key.Key_Space)
    assert "muted" in said.args[0]
    assert view.playing
    qtbot.waitUntil(lambda: session.playhead >= 6, timeout=20_000)
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert not view.playing
    stopped = session.playhead
    assert shows(qtbot, view, stopped) == expected(stopped)
    assert view.dropped_frames >= 0


def test_jkl_change_speed_and_direction(qtbot, view, session):
    session.set_playhead(25)
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert view.rate == 1.0
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert view.rate == 2.0
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.rate == -1.0
    qtbot.waitUntil(lambda: session.playhead < 22, timeout=20_000)
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert view.rate == 0.0


def test_loop_shot_stays_in_the_shot(qtbot, view, session):
    seen: list[int] = []
    session.set_playhead(14)
    view.set_loop_shot(True)
    session.playheadChanged.connect(seen.append)
    view.play()
    qtbot.waitUntil(lambda: any(b < a for a, b in itertools.pairwise(seen)), timeout=20_000)
    view.pause()
    assert seen and all(0 <= f < 20 for f in seen)


def white_pixels(view: PlayerView) -> int:
    image = view.screen_area.grab().toImage()
    image = image.convertToFormat(image.Format.Format_RGB888)
    bits = np.frombuffer(image.constBits(), np.uint8)
    rows = bits.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
    pixels = rows.reshape(image.height(), image.width(), 3)
    return int(np.all(pixels > 235, axis=2).sum())


def test_captions_drawn_while_a_cue_is_on(qtbot, view, session):
    session.set_playhead(5)
    shows(qtbot, view, 5)
    assert view.caption_lines == () and white_pixels(view) == 0
    session.set_playhead(30)
    shows(qtbot, view, 30)
    assert " ".join(view.caption_lines) == "Hello there"
    assert white_pixels(view) > 50


def test_safe_zone_overlay_toggles(qtbot, view, session):
    shows(qtbot, view, 0)
    plain = view.screen_area.grab().toImage()
    for name in ("TikTok", "Reels"):
        view.set_safe_zone(name)
        assert view.safe_zone == name
        assert view.screen_area.grab().toImage() != plain
    view.set_safe_zone("")
    assert view.screen_area.grab().toImage() == plain
    view.safe_zone_action.trigger()  # the View menu's toggle: the platform chosen last
    assert view.safe_zone == "Reels" and view.screen_area.grab().toImage() != plain
    view.safe_zone_action.trigger()
    assert view.safe_zone == "" and view.screen_area.grab().toImage() == plain


def test_actions_for_the_menus(qtbot, view, session):
    play, _pause, _reverse, _fast, back, forward, _start, _end, loop = view.actions()
    session.set_playhead(10)
    forward.trigger()
    forward.trigger()
    back.trigger()
    assert session.playhead == 11
    loop.trigger()
    assert view.loop_shot and loop.isChecked()
    play.trigger()
    assert view.playing
    play.trigger()
    assert not view.playing


def test_muted_audio_clock_runs_on_the_wall():
    audio = AudioOut(muted=True)
    assert not audio.available and "muted" in audio.reason
    audio.start(2.0)
    time.sleep(0.05)
    assert audio.position() > 2.0 and not audio.sounding
    audio.stop()
    held = audio.position()
    time.sleep(0.02)
    assert audio.position() == held
    audio.start(3.0, rate=-2.0)
    time.sleep(0.05)
    assert audio.position() < 3.0


def test_muted_by_the_environment_says_so(qtbot, session, monkeypatch):
    monkeypatch.setenv("STUDIO_MUTED", "1")
    player = PlayerView(session)
    qtbot.addWidget(player)
    with qtbot.waitSignal(player.status, timeout=5000) as said:
        player.play()
    assert "muted" in said.args[0] and not player.audio.sounding
    player.pause()


def test_the_episode_mix_is_made_in_the_background(qtbot, session):
    samples, warning = mix_episode(session.root, session.project.fps, session.episode())
    assert samples.dtype == np.float32 and samples.shape == (50 * 48_000 // 30, 2)
    assert warning == ""
    player = PlayerView(session)
    qtbot.addWidget(player)
    player.audio._sd = object()  # as if there were a sound device: the player mixes
    player._mix()
    qtbot.waitUntil(lambda: player.audio._samples is not None, timeout=20_000)
    assert player.audio._samples.shape == samples.shape
    player.stop()


# -- editor habits: the right-click menu, the shuttle speed, pressed toggles, a steady clock ----


def pixel(image: QImage) -> tuple[int, int, int]:
    colour = image.pixelColor(image.width() // 2, image.height() // 2)
    return colour.red(), colour.green(), colour.blue()


def test_right_click_offers_toggles_copy_and_export(qtbot, view, session, tmp_path, monkeypatch):
    session.set_playhead(30)
    shows(qtbot, view, 30)
    centre = view.screen_area.rect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre,
                              view.screen_area.mapToGlobal(centre))  # fmt: skip
    QApplication.sendEvent(view.screen_area, event)  # the picture passes it to the player
    menu = view.menu.menu
    assert menu is not None and menu.isVisible()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Safe Zone Overlay", "Loop Shot", "Copy Frame", "Export Still…"]
    assert all(a.isCheckable() for a in menu.actions()[:2])
    menu.actions()[1].trigger()  # Loop Shot, from the menu: the button shows it pressed
    assert view.loop_shot and view.controls.loop_button.isChecked()
    menu.close()

    shown = view.current_frame
    view.menu.copy_action.trigger()
    copied = QGuiApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (shown.shape[1], shown.shape[0])
    assert max(abs(a - b) for a, b in zip(pixel(copied), colour(10, 3), strict=True)) <= 6

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "s"), ""))
    view.menu.export_action.trigger()  # asks where (the dialog answered above), adds .png
    still = QImage(str(tmp_path / "s.png"))
    assert not still.isNull() and pixel(still) == pixel(copied)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))  # cancelled
    assert view.menu.export_still() is None
    assert view.menu.export_still(tmp_path / "given.png") == tmp_path / "given.png"


def test_the_shuttle_speed_shows_beside_the_clock(qtbot, view, session):
    session.set_playhead(25)
    assert view.controls.speed.text() == ""
    width = view.controls.speed.width()
    presses = [("L", "1×"), ("L", "2×"), ("L", "4×"), ("J", "−1×"), ("J", "−2×"), ("K", "")]
    for letter, text in presses:
        key = getattr(Qt.Key, f"Key_{letter}")
        qtbot.keyClick(view, key)
        assert view.controls.speed.text() == text
        assert view.controls.speed.width() == width


def test_toggle_buttons_look_pressed_whoever_switches_them(qtbot, view, session):
    loop, zone = view.controls.loop_button, view.controls.safe_zone_button
    assert loop.isCheckable() and zone.isCheckable() and not loop.isChecked()
    qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # its key
    assert view.loop_shot and loop.isChecked()
    qtbot.mouseClick(loop, Qt.MouseButton.LeftButton)  # the button itself
    assert not view.loop_shot and not view.controls.loop_action.isChecked()
    view.safe_zone_action.trigger()  # the View menu
    assert view.safe_zone and zone.isChecked()
    view.set_safe_zone("")  # switched off elsewhere
    assert not zone.isChecked() and not view.safe_zone_action.isChecked()


def test_the_clock_keeps_its_width_while_it_plays(qtbot, view, session):
    clock = view.controls.clock
    shows(qtbot, view, 0)
    first_text, width = clock.text(), clock.width()
    session.set_playhead(49)
    shows(qtbot, view, 49)
    assert clock.text() != first_text and clock.text().endswith("50/50")
    assert clock.width() == width
    assert clock.fontMetrics().horizontalAdvance(clock.text()) <= width
