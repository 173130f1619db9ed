"""A seek into a take whose proxy is not made yet: a stand-in at once (marked approximate, at
or before the frame asked), then the exact frame; and the proxies are made in the order of
the takes' distance from the playhead."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from studio.core.model import Episode, Project, Scene, Shot, ShotKind, Take, TakeState
from studio.core.time import FrameRate
from studio.media import posters
from studio.media.episode_timeline import EpisodeTimeline, Span
from studio.media.ffmpeg import VideoWriter, run_ffmpeg
from studio.media.frame_glance import build_order, first_frame
from studio.media.frame_proxies import prune
from studio.media.frame_server import FrameServer
from studio.media.posters import read_poster, save_poster

SIZE = (90, 160)


def write_take(path: Path, frames: int, tag: int) -> None:
    """Frame i is flat: red 10 + 8 i, green 60 × ``tag``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with VideoWriter(path, 180, 320) as writer:
        for i in range(frames):
            writer.write(np.full((320, 180, 3), (10 + 8 * i, 60 * tag, 128), np.uint8))


def read_pattern(image: np.ndarray) -> tuple[int, int]:
    """(frame index, tag) of a frame written by :func:`write_take`."""
    h, w = image.shape[:2]
    r, g, _ = image[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].reshape(-1, 3).mean(axis=0)
    return round((r - 10) / 8), round(g / 60)


def shot(shot_id: str, frames: int, media: str) -> Shot:
    take = Take(shot_id, media, None, TakeState.DONE)
    return Shot(shot_id, ShotKind.ACTION, "", frames, takes=[take])


def test_a_cold_seek_answers_at_once_with_an_earlier_frame_then_the_exact_one(tmp_path):
    write_take(tmp_path / "takes/a.mp4", 20, 1)
    write_take(tmp_path / "takes/b.mp4", 30, 2)
    shots = [shot("sh-a", 20, "takes/a.mp4"), shot("sh-b", 30, "takes/b.mp4")]
    scene = Scene("INT. TEST - DAY", 1, shots=shots)
    project = Project("Test", FrameRate(30), 1080, 1920, episodes=[Episode(1, scenes=[scene])])
    timeline = EpisodeTimeline.from_project(tmp_path, project, 1)
    ready = {}
    arrived = threading.Event()

    def on_ready(frame: int) -> None:
        ready[frame] = True
        if frame == 45:
            arrived.set()

    server = FrameServer(timeline, SIZE, cache_dir=tmp_path / "proxies", on_ready=on_ready)
    try:
        glance = server.glance(45)  # frame 25 of take b, which has no proxy yet
        assert not glance.exact
        assert 20 <= glance.frame < 45  # in take b, before the frame asked
        assert glance.image.shape == (SIZE[1], SIZE[0], 3)
        assert read_pattern(glance.image) == (glance.frame - 20, 2)  # the frame it says it is
        server.prefetch(45)
        assert arrived.wait(30)
        exact = server.cached(45)
        assert exact is not None and read_pattern(exact) == (25, 2)
        again = server.glance(45)
        assert again.exact and again.frame == 45 and read_pattern(again.image) == (25, 2)
    finally:
        server.close()


@pytest.mark.parametrize(
    ("name", "codec"),
    [("a.mp4", "copy"), ("a.mkv", "copy"), ("a.mov", "mjpeg"), ("a.mpg", "mpeg2video")],
)
def test_a_take_s_first_frame_whatever_holds_it(tmp_path, name, codec):
    """An MPEG program stream names its codec only in its packets: asked to skip probing,
    ffmpeg cannot open it, and the frame is asked for again with probing."""
    write_take(tmp_path / "take.mp4", 6, tag=3)
    other = tmp_path / name
    run_ffmpeg(
        ["-i", str(tmp_path / "take.mp4"), "-c:v", codec, "-q:v", "2", str(other)], "convert"
    )
    image = first_frame(other)
    assert image is not None and image.shape == (320, 180, 3)  # not enlarged: under 720 high
    assert read_pattern(image[..., ::-1]) == (0, 3)  # BGR


def test_no_first_frame_from_a_file_that_is_no_video(tmp_path):
    (tmp_path / "broken.mp4").write_bytes(b"not a video at all" * 100)
    assert first_frame(tmp_path / "broken.mp4") is None


def span(name: str, start: int, frames: int) -> Span:
    return Span(f"sh-{name}", start, frames, Path(f"/takes/{name}.mp4"), name)


def test_the_proxies_are_made_nearest_the_playhead_first():
    spans = [span("a", 0, 10), span("b", 10, 10), span("c", 20, 10), span("d", 30, 10)]
    spans.append(span("a", 40, 5))  # take a shows again at the end
    timeline = EpisodeTimeline(FrameRate(30), spans)
    names = lambda playhead: [p.stem for p in build_order(timeline, playhead)]  # noqa: E731
    assert names(0) == ["a", "b", "c", "d"]
    assert names(25) == ["c", "d", "b", "a"]  # d starts 5 frames ahead, b ended 6 behind
    assert names(24) == ["c", "b", "d", "a"]  # the playhead moved: b is 5 behind, d 6 ahead
    assert names(38) == ["d", "a", "c", "b"]  # a shows again 2 frames ahead


def two_takes(root: Path) -> EpisodeTimeline:
    write_take(root / "takes/a.mp4", 20, 1)
    write_take(root / "takes/b.mp4", 30, 2)
    shots = [shot("sh-a", 20, "takes/a.mp4"), shot("sh-b", 30, "takes/b.mp4")]
    scene = Scene("INT. TEST - DAY", 1, shots=shots)
    project = Project("Test", FrameRate(30), 1080, 1920, episodes=[Episode(1, scenes=[scene])])
    return EpisodeTimeline.from_project(root, project, 1)


def test_a_first_frame_decoded_is_kept_as_the_take_s_poster(tmp_path):
    timeline, folder = two_takes(tmp_path), tmp_path / "proxies"
    server = FrameServer(timeline, SIZE, cache_dir=folder)
    try:
        server.glance(45)  # take b has no proxy yet: its first frame is decoded
    finally:
        server.close()
    poster = read_poster(folder, tmp_path / "takes/b.mp4")
    assert poster is not None and read_pattern(poster[..., ::-1]) == (0, 2)  # BGR on disk


def test_a_seek_shows_the_poster_without_decoding_the_take(tmp_path, monkeypatch):
    """The worker (or an earlier session) left a poster: a fresh server's first seek into the
    take shows it, and no ffmpeg decodes a first frame."""
    timeline, folder = two_takes(tmp_path), tmp_path / "proxies"
    marked = np.full((720, 405, 3), (128, 60 * 3, 10), np.uint8)  # BGR of pattern (0, 3)
    save_poster(folder, tmp_path / "takes/b.mp4", marked)
    decoded: list[Path] = []
    monkeypatch.setattr(posters, "first_frame", lambda media, *_: decoded.append(media))
    server = FrameServer(timeline, SIZE, cache_dir=folder)
    try:
        glance = server.glance(45, decode=False)  # reading a poster is no decode: shown
    finally:
        server.close()
    assert glance is not None and not glance.exact and glance.frame == 20
    assert read_pattern(glance.image) == (0, 3)  # the poster, not the take's own frame
    assert tmp_path / "takes/b.mp4" not in decoded


def test_each_first_frame_is_decoded_once_two_takes_at_a_time(tmp_path, monkeypatch):
    """Two threads decode the takes' first frames ahead, each its own take; a seek into a
    take whose first frame one of them is decoding waits for that decode."""
    timeline, folder = two_takes(tmp_path), tmp_path / "proxies"
    decodes: list[tuple[str, float, float]] = []  # (take, start, end)
    began = threading.Event()

    def slower(media: Path, *args) -> np.ndarray | None:  # long enough to be met
        start = time.monotonic()
        began.set()
        time.sleep(0.5)
        image = first_frame(media, *args)
        decodes.append((media.name, start, time.monotonic()))
        return image

    monkeypatch.setattr(posters, "first_frame", slower)
    server = FrameServer(timeline, SIZE, cache_dir=folder)
    try:
        assert began.wait(10)  # take a, nearest the playhead, is being decoded
        image = server._first.get(tmp_path / "takes/a.mp4")  # a seek's
        waited = time.monotonic()
        for _ in range(200):
            if len(decodes) == 2:
                break
            time.sleep(0.05)
    finally:
        server.close()
    assert image is not None and read_pattern(image[..., ::-1]) == (0, 1)
    assert sorted(name for name, *_ in decodes) == ["a.mp4", "b.mp4"]  # once each
    (_, a_start, a_end), (_, b_start, b_end) = sorted(decodes)
    assert a_end <= waited  # the seek had the decode it waited for
    assert a_start < b_end and b_start < a_end  # at the same time
    assert read_poster(folder, tmp_path / "takes/a.mp4") is not None


def test_while_the_episode_plays_no_first_frame_is_decoded(tmp_path, monkeypatch):
    """Playing, the proxies come first: the takes' first frames (a seek's stand-ins) are not
    decoded ahead meanwhile, beyond the two begun as the server opened."""
    names = "abcd"
    for tag, name in enumerate(names, 1):
        write_take(tmp_path / f"takes/{name}.mp4", 20, tag)
    shots = [shot(f"sh-{name}", 20, f"takes/{name}.mp4") for name in names]
    scene = Scene("INT. TEST - DAY", 1, shots=shots)
    project = Project("Test", FrameRate(30), 1080, 1920, episodes=[Episode(1, scenes=[scene])])
    timeline = EpisodeTimeline.from_project(tmp_path, project, 1)
    decoded: list[str] = []
    real = posters.first_frame
    monkeypatch.setattr(posters, "first_frame", lambda m, *a: decoded.append(m.name) or real(m, *a))
    server = FrameServer(timeline, SIZE, cache_dir=tmp_path / "proxies")
    try:
        for frame in range(80):  # played through, each frame waited for
            server.prefetch(frame, playing=True)
            assert read_pattern(server.frame(frame))[1] == frame // 20 + 1  # its take
    finally:
        server.close()
    assert set(decoded) <= {"a.mp4", "b.mp4"}  # nearest the playhead as it opened


def test_prune_deletes_the_posters_of_takes_gone(tmp_path):
    folder = tmp_path / "proxies"
    kept, gone = tmp_path / "takes/a.mp4", tmp_path / "takes/b.mp4"
    for media in (kept, gone):
        write_take(media, 2, 1)
        save_poster(folder, media, np.zeros((32, 18, 3), np.uint8))
    assert prune(folder, [kept]) == 1
    assert read_poster(folder, kept) is not None and read_poster(folder, gone) is None
    gone.touch()  # a take written again is a new file: its old poster is not its own
    os.utime(kept, ns=(1, 1))
    assert read_poster(folder, kept) is None


def test_a_glance_without_decode_has_a_thread_decode_the_take_now_and_say_so(tmp_path, monkeypatch):
    """The player's seeks never decode on the GUI thread: None at once, then ``on_ready``
    with the frame sought once the first-frame-now thread has the take's first frame; a take
    that cannot be decoded is then its placeholder (not None again: no second round)."""
    write_take(tmp_path / "takes/a.mp4", 20, 1)
    write_take(tmp_path / "takes/b.mp4", 30, 2)
    (tmp_path / "takes/c.mp4").write_bytes(b"not a video at all" * 100)
    shots = [shot("sh-a", 20, "takes/a.mp4"), shot("sh-b", 30, "takes/b.mp4")]
    shots.append(shot("sh-c", 30, "takes/c.mp4"))
    scene = Scene("INT. TEST - DAY", 1, shots=shots)
    project = Project("Test", FrameRate(30), 1080, 1920, episodes=[Episode(1, scenes=[scene])])
    timeline = EpisodeTimeline.from_project(tmp_path, project, 1)
    threads: list[str] = []
    real = posters.first_frame
    monkeypatch.setattr(
        posters,
        "first_frame",
        lambda m, *a: threads.append(threading.current_thread().name) or real(m, *a),
    )
    monkeypatch.setattr(FrameServer, "_builder", lambda *_: None)  # no proxies, and no first
    monkeypatch.setattr(FrameServer, "_first_frames", lambda *_: None)  # frames decoded ahead
    ready: list[int] = []
    arrived = threading.Condition()

    def on_ready(frame: int) -> None:
        with arrived:
            ready.append(frame)
            arrived.notify_all()

    server = FrameServer(timeline, SIZE, cache_dir=tmp_path / "proxies", on_ready=on_ready)
    try:
        for frame in (45, 65):  # in take b, then in take c
            assert server.glance(frame, decode=False) is None
            with arrived:
                assert arrived.wait_for(lambda frame=frame: frame in ready, 30)
        stand_in = server.glance(45, decode=False)
        assert stand_in is not None and not stand_in.exact and stand_in.frame == 20
        assert read_pattern(stand_in.image) == (0, 2)
        broken = server.glance(65, decode=False)
        assert broken is not None and not broken.exact, "its placeholder, asked no more"
    finally:
        server.close()
    assert threads == ["first-frame-now"] * 2
