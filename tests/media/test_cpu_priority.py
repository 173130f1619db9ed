"""Decoding nobody waits for runs below the decode the artist waits for: the frame server's
proxy builders and first-frame reader are lowered threads, and their ffmpeg runs lowered."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from studio.core.time import FrameRate
from studio.media.cpu_priority import (
    AHEAD,
    BACKGROUND,
    URGENT,
    lower_process,
    lower_this_thread,
)
from studio.media.episode_timeline import EpisodeTimeline
from studio.media.frame_server import FrameServer

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux niceness")


def niceness(ident: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, ident)


def test_a_lowered_thread_leaves_the_others_and_its_children_inherit_it() -> None:
    base = niceness(threading.get_native_id())
    seen: dict[str, int] = {}

    def lowered() -> None:
        lower_this_thread(base + 3)
        seen["thread"] = niceness(threading.get_native_id())
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpriority(os.PRIO_PROCESS, 0))"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        seen["child"] = int(child.stdout)
        lower_this_thread(base + 1)  # never raised back
        seen["again"] = niceness(threading.get_native_id())

    worker = threading.Thread(target=lowered)
    worker.start()
    worker.join()
    assert seen == {"thread": base + 3, "child": base + 3, "again": base + 3}
    assert niceness(threading.get_native_id()) == base


def test_a_child_process_is_lowered_after_it_started() -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"]) as proc:
        try:
            lower_process(proc, niceness(0) + 4)
            assert niceness(proc.pid) == niceness(0) + 4
        finally:
            proc.kill()
    lower_process(proc, 19)  # gone already: nothing to do, no error


def test_the_frame_servers_background_threads_run_lowered(tmp_path) -> None:
    base = niceness(threading.get_native_id())
    before = set(threading.enumerate())
    server = FrameServer(EpisodeTimeline(FrameRate(30), []), cache_dir=tmp_path / "proxies")
    try:
        threads = {t.name: t for t in set(threading.enumerate()) - before}
        wanted = {"proxy": BACKGROUND, "proxy-now": URGENT, "first-frames-1": AHEAD}
        wanted["first-frames-2"] = AHEAD
        for name, level in wanted.items():
            thread = threads[name]
            for _ in range(100):  # the thread lowers itself as it starts
                if niceness(thread.native_id) != base:
                    break
                threading.Event().wait(0.01)
            assert niceness(thread.native_id) == max(base, level), name
    finally:
        server.close()
    assert niceness(threading.get_native_id()) == base
