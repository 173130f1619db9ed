"""The preview's frame server: exact frames from real H.264 takes (made with our VideoWriter,
each frame drawing its own index as blocks), across shot boundaries, conformed, fitted around
the focus, with placeholders for what cannot be shown."""

from __future__ import annotations

import os
import random
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

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
from studio.core.time import FrameRate
from studio.media.captions import Cue
from studio.media.conform import source_index
from studio.media.episode_timeline import EpisodeTimeline, Span, crop_box
from studio.media.ffmpeg import VideoWriter
from studio.media.frame_proxies import proxy_key, prune
from studio.media.frame_server import PLACEHOLDER_RGB, FrameServer

W, H = 180, 320  # takes: 9:16, each frame 8 bits of its index in a 2×4 grid of blocks
SIZE = (90, 160)  # the display size asked for


def pattern(index: int, tag: int, width: int = W, height: int = H) -> np.ndarray:
    """Red blocks are the bits of ``index``; green says which take (``tag``)."""
    frame = np.zeros((height, width, 3), np.uint8)
    frame[..., 1] = 40 * tag
    frame[..., 2] = 128
    bw, bh = width // 2, height // 4
    for bit in range(8):
        if index >> bit & 1:
            row, col = divmod(bit, 2)
            frame[row * bh : (row + 1) * bh, col * bw : (col + 1) * bw, 0] = 230
    return frame


def read_pattern(frame: np.ndarray) -> tuple[int, int]:
    """(index, tag) drawn in a frame by :func:`pattern` (at any size)."""
    h, w = frame.shape[:2]
    bw, bh = w // 2, h // 4
    index = 0
    for bit in range(8):
        row, col = divmod(bit, 2)
        block = frame[row * bh + bh // 4 : (row + 1) * bh - bh // 4,
                      col * bw + bw // 4 : (col + 1) * bw - bw // 4, 0]  # fmt: skip
        index |= (int(block.mean()) > 128) << bit
    return index, round(float(frame[h // 2, w // 2, 1]) / 40)


def write_take(path: Path, frames: int, tag: int, fps: str = "30/1") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with VideoWriter(path, W, H, fps) as writer:
        for i in range(frames):
            writer.write(pattern(i, tag))
    return path


def shot(shot_id: str, frames: int, *takes: Take, focus=(0.5, 0.5)) -> Shot:
    return Shot(shot_id, ShotKind.ACTION, "", frames, takes=list(takes), focus=focus)


def take(take_id: str, media: str, state: TakeState = TakeState.DONE) -> Take:
    return Take(take_id, media, None, state)


def project_of(*shots: Shot) -> Project:
    scene = Scene("INT. TEST - DAY", 1, shots=list(shots))
    return Project("Test", FrameRate(30), 1080, 1920, episodes=[Episode(1, scenes=[scene])])


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    """Shots: an approved 30 fps take (a later take not approved), a take of 5 frames in a
    shot of 12, a 24 fps take in the 30 fps project, a broken file, no take at all."""
    root = tmp_path_factory.mktemp("project")
    write_take(root / "takes/a1.mp4", 10, 1)
    write_take(root / "takes/a2.mp4", 10, 5)
    write_take(root / "takes/b.mp4", 5, 2)
    write_take(root / "takes/c.mp4", 12, 3, "24/1")
    (root / "takes/d.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 this is not a movie" * 20)
    project = project_of(
        shot(
            "sh-a", 10, take("a1", "takes/a1.mp4", TakeState.APPROVED), take("a2", "takes/a2.mp4")
        ),
        shot("sh-b", 12, take("b", "takes/b.mp4")),
        shot("sh-c", 15, take("c", "takes/c.mp4")),
        shot("sh-d", 6, take("d", "takes/d.mp4")),
        shot("sh-e", 4),
    )
    timeline = EpisodeTimeline.from_project(root, project, 1)
    server = FrameServer(timeline, SIZE, cache_dir=root / "exports/.cache/proxies")
    yield root, timeline, server
    server.close()


def expected(frame: int) -> tuple[int, int] | None:
    """(source index, tag) shown at episode ``frame``; None for a placeholder."""
    if frame < 10:
        return frame, 1
    if frame < 22:
        return min(frame - 10, 4), 2
    if frame < 37:
        return source_index(frame - 22, FrameRate(24), FrameRate(30), 12), 3
    return None


def test_exact_frames_in_random_order_across_shots(episode):
    _, timeline, server = episode
    assert timeline.frames == 47
    frames = list(range(37))
    random.Random(7).shuffle(frames)
    for k in frames:
        image = server.frame(k)
        assert image.shape == (SIZE[1], SIZE[0], 3) and image.dtype == np.uint8
        assert read_pattern(image) == expected(k), f"frame {k}"
        assert server.problem(k) == ""


def test_short_take_holds_its_last_frame_and_24fps_take_is_conformed(episode):
    _, _, server = episode
    assert [read_pattern(server.frame(k))[0] for k in range(14, 22)] == [4] * 8
    shown = [read_pattern(server.frame(k))[0] for k in range(22, 37)]
    assert shown == [0, 1, 2, 2, 3, 4, 5, 6, 6, 7, 8, 9, 10, 10, 11]  # 24 → 30: every 4th repeats


def test_unshowable_frames_are_marked_placeholders(episode):
    _, _, server = episode
    for k in (37, 42, 46):
        image = server.frame(k)
        assert image.shape == (SIZE[1], SIZE[0], 3)
        background = np.all(image == PLACEHOLDER_RGB, axis=2).mean()
        assert background > 0.5, f"frame {k} is not a placeholder"
    assert "d.mp4" in server.problem(40)
    assert server.problem(44) == "no finished take"


def test_prefetch_reads_ahead_and_proxies_are_kept_on_disk(episode):
    root, timeline, server = episode
    server.prefetch(0)
    assert server.prepare(timeout=60)
    for _ in range(200):
        if all(server.cached(k) is not None for k in range(30)):
            break
        time.sleep(0.02)
    assert all(server.cached(k) is not None for k in range(30))
    folder = root / "exports/.cache/proxies"
    assert len(list(folder.glob("*.jpgs"))) == 3 and len(list(folder.glob("*.json"))) == 3
    again = FrameServer(timeline, (45, 80), cache_dir=folder)
    try:
        assert read_pattern(again.frame(25)) == expected(25)
    finally:
        again.close()


def test_set_size_serves_the_new_size(episode):
    _, _, server = episode
    server.set_size(54, 96)
    try:
        image = server.frame(5)
        assert image.shape == (96, 54, 3) and read_pattern(image) == (5, 1)
    finally:
        server.set_size(*SIZE)


def test_the_crop_follows_the_shots_focus(tmp_path):
    wide = tmp_path / "takes/wide.mp4"
    wide.parent.mkdir(parents=True)
    with VideoWriter(wide, 320, 180) as writer:  # 16:9: left half red, right half blue
        frame = np.zeros((180, 320, 3), np.uint8)
        frame[:, :160, 0], frame[:, 160:, 2] = 220, 220
        for _ in range(3):
            writer.write(frame)
    project = project_of(
        shot("left", 2, take("t", "takes/wide.mp4"), focus=(0.0, 0.5)),
        shot("right", 2, take("t", "takes/wide.mp4"), focus=(1.0, 0.5)),
    )
    server = FrameServer(
        EpisodeTimeline.from_project(tmp_path, project, 1), SIZE, cache_dir=tmp_path / "cache"
    )
    try:
        left, right = server.frame(0).astype(int), server.frame(3).astype(int)
    finally:
        server.close()
    assert left[..., 0].mean() > 180 and left[..., 2].mean() < 40
    assert right[..., 2].mean() > 180 and right[..., 0].mean() < 40
    assert crop_box((320, 180), (0.0, 0.5)) == pytest.approx((0, 0, 101.25, 180), abs=0.05)


def test_timeline_places_frames_and_captions():
    cue = Cue(Fraction(1, 2), Fraction(1), ("Hello",))
    spans = [Span("a", 0, 10, None), Span("b", 10, 20, None)]
    timeline = EpisodeTimeline(FrameRate(30), spans, (cue,))
    place = timeline.locate(12)
    assert place is not None and (place.span.shot_id, place.local) == ("b", 2)
    assert timeline.locate(30) is None and timeline.shot_range(12) == (10, 30)
    assert timeline.cues_at(14) == () and timeline.cues_at(15) == (cue,)
    assert timeline.cues_at(29) == (cue,) and timeline.cues_at(30) == ()
    assert timeline.frame_at(0.5) == 15


def test_captions_even_when_a_shot_has_no_take(tmp_path):
    line = Shot("sh-x", ShotKind.DIALOGUE, "", 60, dialogue=[DialogueLine("MAYA", "Hi there")])
    timeline = EpisodeTimeline.from_project(tmp_path, project_of(line), 1)
    assert timeline.spans[0].problem == "no finished take"
    assert [c.lines for c in timeline.cues] == [("Hi there",)]
    assert any("no finished take" in w for w in timeline.warnings)


def test_prune_keeps_only_the_proxies_of_takes_still_there(tmp_path):
    a = write_take(tmp_path / "takes/a.mp4", 4, 1)
    b = write_take(tmp_path / "takes/b.mp4", 4, 2)
    project = project_of(
        shot("sh-a", 4, take("a", "takes/a.mp4")), shot("sh-b", 4, take("b", "takes/b.mp4"))
    )
    folder = tmp_path / "exports/.cache/proxies"
    server = FrameServer(EpisodeTimeline.from_project(tmp_path, project, 1), SIZE, cache_dir=folder)
    try:
        assert server.prepare(timeout=60)
    finally:
        server.close()
    assert len(list(folder.glob("*.jpgs"))) == 2
    old_part = folder / ".leftover.part"
    old_part.write_bytes(b"half a proxy")
    os.utime(old_part, (time.time() - 7200, time.time() - 7200))
    fresh_part = folder / ".building.part"
    fresh_part.write_bytes(b"being built")
    posters = {m: (folder / f"{proxy_key(m)}.first.jpg").is_file() for m in (a, b)}
    b.write_bytes(a.read_bytes())  # b re-rendered: its old proxy (and poster) is stale

    # b's data and index (and poster, where one was made), and the old leftover
    assert prune(folder, [a, b]) == 3 + posters[b]
    left = sorted(p.name for p in folder.iterdir())
    kept = [f"{proxy_key(a)}.jpgs", f"{proxy_key(a)}.json", ".building.part"]
    assert left == sorted(kept + [f"{proxy_key(a)}.first.jpg"] * posters[a])
    assert prune(folder, [a]) == 0  # nothing else to delete
