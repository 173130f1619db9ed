"""A seek in the player before the take's proxy exists: the GUI thread never decodes; a
stand-in frame (the take's first, marked approximate) as soon as a thread has decoded it, then
the exact frame, without the user doing anything."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from studio.core.model import Episode, Project, Scene, Shot, ShotKind, Take, TakeState
from studio.core.store import create_project
from studio.media import frame_proxies, posters
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


def test_a_cold_seek_shows_a_stand_in_then_the_exact_frame(qtbot, tmp_path, monkeypatch):
    takes = {n: Take(n, f"takes/{n}.mp4", None, TakeState.DONE) for n in ("a", "b")}
    shots = [Shot(f"sh-{n}", ShotKind.ACTION, "", 30, takes=[t]) for n, t in takes.items()]
    root = tmp_path / "Cold.mdstudio"
    episode = Episode(1, scenes=[Scene("INT. ROOM - DAY", 1, shots=shots)])
    create_project(root, Project("Cold", episodes=[episode])).close()
    make_take(root / "takes/a.mp4", 30, 1)
    make_take(root / "takes/b.mp4", 30, 3)
    first_gate, proxy_gate, decoding = threading.Event(), threading.Event(), []
    real_first, real_build = posters.first_frame, frame_proxies.Proxy.build

    def gated_first(media: Path, *args) -> np.ndarray | None:  # take b's waits for the gate
        decoding.append(threading.current_thread().name)
        if media.name == "b.mp4":
            first_gate.wait(5)
        return real_first(media, *args)

    def gated_build(proxy, *args) -> None:  # no proxy until the stand-in is seen
        proxy_gate.wait(10)
        real_build(proxy, *args)

    monkeypatch.setattr(posters, "first_frame", gated_first)
    monkeypatch.setattr(frame_proxies.Proxy, "build", gated_build)
    session = Session()
    session.open(root)
    view = PlayerView(session, muted=True)
    qtbot.addWidget(view)
    view.resize(300, 620)
    shown: list[tuple[int, bool]] = []
    show = view._show
    monkeypatch.setattr(
        view, "_show", lambda f, i, exact=True: shown.append((f, exact)) or show(f, i, exact)
    )
    try:
        session.set_playhead(55)  # frame 25 of take b: no proxy, no first frame of it yet
        assert not view.shown_exact and not shown, "the picture shown stays meanwhile"
        first_gate.set()
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
        assert shown[0][1] is False and 30 <= shown[0][0] < 55, "a stand-in from take b"
        assert read_colour(view.current_frame) == (view.shown_frame - 30, 3)
        proxy_gate.set()
        qtbot.waitUntil(lambda: view.shown_exact and view.shown_frame == 55, timeout=20_000)
        assert read_colour(view.current_frame) == (25, 3)
        assert decoding and "MainThread" not in decoding, "first frames decode off the GUI thread"
    finally:
        view.stop()
        session.close()
