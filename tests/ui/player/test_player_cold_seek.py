"""A seek in the player before the take's proxy exists: a stand-in frame at once, marked
approximate, then the exact frame without the user doing anything."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.core.model import Episode, Project, Scene, Shot, ShotKind, Take, TakeState
from studio.core.store import create_project
from studio.media.ffmpeg import VideoWriter
from studio.ui.player.player import PlayerView
from studio.ui.session import Session


def make_take(path: Path, frames: int, tag: int) -> None:
    """Frame i is flat: red 10 + 8 i, green 60 × ``tag``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with VideoWriter(path, 180, 320) as writer:
        for i in range(frames):
            writer.write(np.full((320, 180, 3), (10 + 8 * i, 60 * tag, 128), np.uint8))


def read_colour(image: np.ndarray) -> tuple[int, int]:
    h, w = image.shape[:2]
    r, g, _ = image[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].reshape(-1, 3).mean(axis=0)
    return round((r - 10) / 8), round(g / 60)


def test_a_cold_seek_shows_a_stand_in_then_the_exact_frame(qtbot, tmp_path):
    takes = {n: Take(n, f"takes/{n}.mp4", None, TakeState.DONE) for n in ("a", "b")}
    shots = [Shot(f"sh-{n}", ShotKind.ACTION, "", 30, takes=[t]) for n, t in takes.items()]
    root = tmp_path / "Cold.mdstudio"
    episode = Episode(1, scenes=[Scene("INT. ROOM - DAY", 1, shots=shots)])
    create_project(root, Project("Cold", episodes=[episode])).close()
    make_take(root / "takes/a.mp4", 30, 1)
    make_take(root / "takes/b.mp4", 30, 3)
    session = Session()
    session.open(root)
    view = PlayerView(session, muted=True)
    qtbot.addWidget(view)
    view.resize(300, 620)
    try:
        session.set_playhead(55)  # frame 25 of take b: no proxy of it yet
        assert not view.shown_exact
        assert 30 <= view.shown_frame < 55
        assert read_colour(view.current_frame) == (view.shown_frame - 30, 3)
        qtbot.waitUntil(lambda: view.shown_exact and view.shown_frame == 55, timeout=20_000)
        assert read_colour(view.current_frame) == (25, 3)
    finally:
        view.stop()
        session.close()
