"""An unexpected error in generation fails its job in one line and prints no traceback: the
worker shares the CLI's stderr, so the traceback goes to the log file instead. Run in a real
parent process (its stderr is what a user's terminal would show) with a real worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.engine.crash_log import ENV_LOG_DIR, LOG_FILE

pytestmark = pytest.mark.slow
ENGINE_TESTS = Path(__file__).resolve().parent

PARENT = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from worker_harness import Harness
from studio.engine.jobs import JobState
from studio.core.request import ImageRequest, VideoRequest

def broken_outputs(job, take_id):
    if job.request.seed == 3:
        raise RuntimeError("a bug in the caller")
    from studio.engine.process_executor import take_outputs
    return take_outputs(job, take_id)

if __name__ == "__main__":
    root = Path(sys.argv[1])
    h = Harness(root / "P", root / "models", {"diffusers": "backends_for_tests:DoublesBackend"})
    h.executor.outputs = broken_outputs
    requests = [
        ImageRequest(shot_id="sh-1", backend="diffusers", model="slow", seed=5, steps=2),
        VideoRequest(shot_id="sh-\\x00nul", width=64, height=112, frames=3, seed=1),
        ImageRequest(shot_id="sh-1", backend="diffusers", model="raise", seed=2),
        ImageRequest(shot_id="sh-1", backend="diffusers", model="slow", seed=3, steps=2),
        ImageRequest(shot_id="sh-1", backend="diffusers", model="slow", seed=4, steps=2),
    ]
    pids, report = [], []
    for request in requests:
        job = h.submit(request)
        h.wait_until(job.id, JobState.FAILED, JobState.DONE)
        pids.append(h.executor.worker_pid)
        job = h.queue.get(job.id)
        report.append([job.state.value, job.attempts, job.error])
    h.executor.stop()
    print(json.dumps({"jobs": report, "pids": pids}))
"""


def test_unexpected_errors_fail_the_job_in_one_line_with_the_traceback_in_the_log(tmp_path):
    env = {**os.environ, ENV_LOG_DIR: str(tmp_path / "log")}
    env.pop("STUDIO_DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-c", PARENT, str(tmp_path), str(ENGINE_TESTS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and run.stderr.strip() == "", run.stderr
    out = json.loads(run.stdout)
    (warm, nul, raised, caller, after) = out["jobs"]
    log = tmp_path / "log" / LOG_FILE
    where = f" (details in {log})"
    assert nul[:2] == ["failed", 1], "a NUL in a shot id is refused before the worker runs"
    assert nul[2].startswith("nowhere to put the result: path contains a NUL character: ")
    assert raised == [
        "failed",
        1,
        f"generation failed: ValueError: bad tensor shape (1, 4, 8) vs (1, 4, 9){where}",
    ]
    assert caller == ["failed", 1, f"generation failed: RuntimeError: a bug in the caller{where}"]
    assert after[:2] == ["done", 1], "the queue goes on after a bug"
    assert warm[:2] == ["done", 1]
    assert out["pids"][0] == out["pids"][2], "a failed job does not cost the warm worker"
    text = log.read_text(encoding="utf-8")
    assert text.count("Traceback (most recent call last)") == 2
    assert "bad tensor shape" in text and "a bug in the caller" in text


def test_ctrl_c_reaches_the_app_not_the_worker(tmp_path):
    """Ctrl-C in a terminal signals the whole process group; the worker leaves it to the app
    (which stops it cleanly) instead of dying mid-take with a KeyboardInterrupt traceback."""
    import signal

    sys.path.insert(0, str(ENGINE_TESTS))
    from backends_for_tests import TEST_DOUBLES
    from worker_harness import WAIT_S, Harness

    from studio.core.request import ImageRequest
    from studio.engine.jobs import JobState

    harness = Harness(tmp_path / "P", tmp_path / "models", TEST_DOUBLES)
    try:
        job = harness.submit(
            ImageRequest(shot_id="sh-1", backend="diffusers", model="slow", steps=50)
        )
        assert harness.progressed.wait(WAIT_S)
        pid = harness.executor.worker_pid
        os.kill(pid, signal.SIGINT)
        harness.wait_until(job.id, JobState.DONE, JobState.FAILED)
        assert harness.queue.get(job.id).state is JobState.DONE
        assert harness.queue.get(job.id).attempts == 1
        assert harness.executor.worker_pid == pid
    finally:
        harness.executor.stop()
