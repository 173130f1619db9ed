"""The worker keeps a picture take's first frame as its poster in the project's proxies folder
(so the window shows the take at once), except where the project folder is a farm worker's
scratch copy, which goes away with the poster."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from studio.core.request import ImageRequest
from studio.engine.worker import Runner, RunOrder, WorkerConfig
from studio.media.ffmpeg import read_frames
from studio.media.frame_proxies import PROXIES
from studio.media.posters import read_poster


def run(root: Path, name: str, *, poster: bool) -> Path:
    """An animatic take made by the worker's runner in ``root``; its file."""
    request = ImageRequest(shot_id="sh-1", width=64, height=112, frames=6, fps="30/1", seed=3,
                           steps=1)  # fmt: skip
    sent: list[tuple] = []
    runner = Runner(WorkerConfig(models_dir=str(root / "models")), threading.Event())
    order = RunOrder(name, request.to_json(), str(root), f"takes/{name}.mp4", poster=poster)
    runner.run(order, sent.append)
    assert sent[-1][0] == "done", sent[-1]
    return root / "takes" / f"{name}.mp4"


def test_a_picture_take_gets_its_poster_and_a_scratch_copy_none(tmp_path: Path) -> None:
    media = run(tmp_path, "tk-1", poster=True)
    poster = read_poster(tmp_path / PROXIES, media)
    first = next(read_frames(media))[..., ::-1]  # RGB to BGR, as the poster is kept
    assert poster is not None and poster.shape == first.shape  # 112 high: never enlarged
    assert np.abs(poster.astype(int) - first).mean() < 12

    scratch = tmp_path / "scratch"
    run(scratch, "tk-2", poster=False)
    assert not (scratch / PROXIES).exists()
