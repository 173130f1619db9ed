"""A worker whose parent dies stops rendering and exits: a real parent process runs the real
ProcessExecutor on a long take, and is killed with SIGKILL mid-take. Two backends: the animatic
on a one-hour shot (it reports progress every few frames), and a test backend that reports none
for minutes (as a long decode or a slow step does), so only the worker's watch can stop it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
GONE_WITHIN_S = 8.0

ENGINE_TESTS = Path(__file__).resolve().parent
PARENT = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])  # backends_for_tests, for the worker too (spawn copies sys.path)
from studio.engine.jobs import JobQueue
from studio.engine.process_executor import ProcessExecutor
from studio.core.request import VideoRequest
from studio.engine.worker import WorkerConfig
from backends_for_tests import TEST_DOUBLES

root = Path(sys.argv[1])
queue = JobQueue()
config = WorkerConfig(models_dir=str(root), backends=TEST_DOUBLES)
executor = ProcessExecutor(queue, root, lambda *a: None, config)
backend, model = sys.argv[2].split(":")
shot = VideoRequest(
    shot_id="sh-long", backend=backend, model=model, width=64, height=112,
    frames=30 * 60 * 60, steps=20 * 60 * 60,
)
queue.submit(shot)
executor.start()
executor.wake()
while not list(root.rglob("*.part*")):
    time.sleep(0.05)
print(executor.worker_pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:  # a zombie has exited already
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
@pytest.mark.parametrize("backend", ["animatic:animatic", "diffusers:quiet"])
def test_the_worker_exits_soon_after_its_parent_is_killed(tmp_path: Path, backend: str) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path), backend, str(ENGINE_TESTS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    worker = 0
    try:
        line = parent.stdout.readline()
        assert line.strip().isdigit(), f"the parent printed no worker pid: {line!r}"
        worker = int(line)
        assert _alive(worker)
        time.sleep(0.5)
        assert list(tmp_path.rglob("*.part*")), "the take is being written"
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + GONE_WITHIN_S
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker), f"the orphaned worker {worker} still runs"
        time.sleep(1.0)  # an encoder that was fed by the worker finishes its trailer
        assert not list(tmp_path.rglob("*.part*")), "its temporary take is removed"
    finally:
        if worker and _alive(worker):  # the test failed: leave no stray worker behind
            os.kill(worker, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
