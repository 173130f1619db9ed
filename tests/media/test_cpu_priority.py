"""Decoding nobody waits for runs below the decode the artist waits for: the frame server's
ffmpeg runs lowered, while its threads keep the window's priority."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from studio.core.time import FrameRate
from studio.media.cpu_priority import AHEAD, BACKGROUND, lower_process
from studio.media.episode_timeline import EpisodeTimeline, Span
from studio.media.ffmpeg import VideoWriter
from studio.media.frame_server import FrameServer

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux niceness")


def niceness(ident: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, ident)


def test_a_child_process_is_lowered_after_it_started() -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"]) as proc:
        try:
            lower_process(proc, niceness(0) + 4)
            assert niceness(proc.pid) == niceness(0) + 4
        finally:
            proc.kill()
    lower_process(proc, 19)  # gone already: nothing to do, no error


def test_the_frame_servers_threads_keep_the_window_s_priority_and_their_ffmpeg_runs_lowered(
    tmp_path,
) -> None:
    """A lowered thread the kernel sets aside while it holds the interpreter lock keeps the GUI
    thread waiting (``bench/ui_responsiveness.py``): the threads stay as they are, the decoding
    they start runs lowered."""
    base = niceness(threading.get_native_id())
    spans = []
    for i in range(4):
        media = tmp_path / f"takes/{i}.mp4"
        media.parent.mkdir(exist_ok=True)
        with VideoWriter(media, 360, 640) as writer:
            for k in range(60):
                writer.write(np.full((640, 360, 3), (4 * k, 60 * i, 128), np.uint8))
        spans.append(Span(f"sh-{i}", 60 * i, 60, media))
    before = set(threading.enumerate())
    server = FrameServer(EpisodeTimeline(FrameRate(30), spans), cache_dir=tmp_path / "proxies")
    seen: dict[int, int] = {}  # each ffmpeg the server started: its niceness, read last
    try:
        threads = {t.name: t for t in set(threading.enumerate()) - before}
        assert {"proxy", "proxy-now", "first-frames-1", "first-frames-2"} <= set(threads)
        done = threading.Thread(target=server.prepare, args=(60,))
        done.start()
        while done.is_alive():
            for pid in ffmpeg_children():
                with contextlib.suppress(OSError):
                    seen[pid] = niceness(pid)
            for thread in threads.values():
                assert niceness(thread.native_id) == base, thread.name
            time.sleep(0.002)
    finally:
        server.close()
    assert seen, "no ffmpeg was seen making the proxies"
    assert set(seen.values()) <= {max(base, AHEAD), max(base, BACKGROUND)}, seen
    assert niceness(threading.get_native_id()) == base


def ffmpeg_children() -> list[int]:
    """The ffmpeg processes this one started (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # not a process, or gone
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        if name.startswith("ffmpeg") and int(rest.split()[1]) == os.getpid():
            found.append(int(entry.name))
    return found
