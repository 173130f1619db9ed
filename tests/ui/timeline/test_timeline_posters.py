"""The timeline's thumbnail of a take is its poster (the first frame the worker or the preview
kept beside the proxies): read rather than decoded again, and kept when it had to be decoded."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.core.model import Episode, Project, Scene, Shot, ShotKind, Take, TakeState
from studio.core.store import create_project
from studio.media.ffmpeg import VideoWriter
from studio.media.frame_proxies import PROXIES
from studio.media.posters import read_poster, save_poster
from studio.ui.session import Session
from studio.ui.timeline import timeline_layout as tl
from studio.ui.timeline.timeline import TimelineView

RED, GREEN = (200, 40, 40), (40, 200, 40)  # RGB


def one_take(root: Path) -> Path:
    """A project of one shot whose take is red; the take's file."""
    take = Take("tk-1", media="takes/a.mp4", state=TakeState.DONE)
    shot = Shot("sh-0", ShotKind.ACTION, "shot 0", 60, takes=[take])
    scene = Scene("A", 1, shots=[shot])
    create_project(root, Project("T", episodes=[Episode(1, scenes=[scene])])).close()
    media = root / "takes" / "a.mp4"
    with VideoWriter(media, 64, 112) as video:
        for _ in range(3):
            video.write(np.full((112, 64, 3), RED, np.uint8))
    return media


def thumbnail_colour(qtbot, root: Path, wanted: tuple[int, int, int]) -> None:
    """Open the project in a timeline and wait until the take's thumbnail shows ``wanted``."""
    session = Session()
    session.open(root)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(600, 230)
    view.show()
    qtbot.waitExposed(view)
    view.canvas.set_view(4.0)
    x, y = round(view.canvas.view.x(0) + 14), round(tl.VIDEO.top + 30)

    def shows() -> bool:
        colour = view.canvas.grab().toImage().pixelColor(x, y).getRgb()[:3]
        return all(abs(a - b) <= 24 for a, b in zip(colour, wanted, strict=True))

    try:
        qtbot.waitUntil(shows, timeout=30_000)
    finally:
        session.close()


def test_a_take_without_a_poster_is_decoded_and_its_poster_kept(qtbot, tmp_path: Path) -> None:
    root = tmp_path / "t.mdstudio"
    media = one_take(root)
    thumbnail_colour(qtbot, root, RED)
    kept = read_poster(root / PROXIES, media)  # for the player's cold seeks, and next time
    assert kept is not None
    assert np.abs(kept[0, 0, ::-1].astype(int) - RED).max() <= 24  # BGR on disk


def test_a_take_s_poster_is_shown_without_decoding_the_take(qtbot, tmp_path: Path) -> None:
    """The worker kept a poster (green here, so the test sees which one is shown)."""
    root = tmp_path / "t.mdstudio"
    media = one_take(root)
    save_poster(root / PROXIES, media, np.full((112, 64, 3), GREEN[::-1], np.uint8))
    thumbnail_colour(qtbot, root, GREEN)
