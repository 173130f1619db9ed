"""The worker process, for real: spawned, fed from the queue, cancelled, killed, crashed."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from backends_for_tests import TEST_DOUBLES
from worker_harness import WAIT_S, Harness

from studio.core.request import ImageRequest, VideoRequest, VoiceRequest
from studio.engine.device import surely_no_gpu
from studio.engine.jobs import EventKind, JobState
from studio.media.cpu_priority import WORKER

pytestmark = pytest.mark.slow


def worker_pid(harness: Harness) -> int:
    pid = harness.executor.worker_pid
    assert pid is not None
    return pid


@pytest.fixture
def harness(tmp_path: Path):
    h = Harness(tmp_path / "P.mdstudio", tmp_path / "models", TEST_DOUBLES)
    yield h
    h.executor.stop()


def slow(seed: int, steps: int = 5) -> ImageRequest:
    return ImageRequest(shot_id="sh-1", backend="diffusers", model="slow", seed=seed, steps=steps)


def test_jobs_run_in_a_warm_worker_and_land_under_their_final_names(harness):
    first = harness.submit(slow(1))
    harness.wait_until(first.id, JobState.DONE)
    pid = worker_pid(harness)
    assert pid != os.getpid()
    if sys.platform.startswith("linux"):  # the window's GUI thread runs before generation
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == max(ours, WORKER)
    second = harness.submit(slow(2))
    harness.wait_until(second.id, JobState.DONE)
    assert worker_pid(harness) == pid, "the worker stays up between jobs"

    take_id, result = harness.results[second.id]
    assert harness.queue.get(second.id).take_id == take_id
    written = (harness.root / result.media).read_text()
    assert written == f"2 run 2 pid {pid}", "the same backend instance, kept warm"
    assert result.media == f"takes/sh-1/{take_id}.mp4"
    assert not list(harness.root.rglob("*.part*")), "no temporary file is left"
    steps = [e.step for e in harness.events if e.kind is EventKind.PROGRESS]
    assert steps[:5] == [1, 2, 3, 4, 5]


def test_cancel_mid_run_stops_within_a_step_and_leaves_no_file(harness):
    job = harness.submit(slow(1, steps=500))
    assert harness.progressed.wait(WAIT_S)
    pid = worker_pid(harness)
    harness.executor.cancel(job.id)
    harness.wait_until(job.id, JobState.CANCELLED)
    assert not any(p.is_file() for p in (harness.root / "takes").rglob("*"))
    after = harness.submit(slow(2))
    harness.wait_until(after.id, JobState.DONE)
    assert worker_pid(harness) == pid, "a cancel does not cost the warm worker"


def test_killed_worker_fails_the_job_with_the_reason_retries_once_and_the_queue_goes_on(harness):
    job = harness.submit(slow(1, steps=500))
    rest = harness.queue.submit(slow(2))
    for attempt in (1, 2):
        harness.progressed.clear()
        assert harness.progressed.wait(WAIT_S)
        assert harness.queue.get(job.id).attempts == attempt
        os.kill(worker_pid(harness), signal.SIGKILL)
    harness.wait_until(job.id, JobState.FAILED)
    failed = harness.queue.get(job.id)
    assert failed.error == "the generation worker was killed by SIGKILL (out of memory?)"
    harness.wait_until(rest.id, JobState.DONE)
    assert not list(harness.root.rglob("*.part*"))


def test_a_crash_inside_the_backend_is_reported_and_a_fresh_worker_takes_the_next_job(harness):
    crash = harness.submit(VideoRequest(shot_id="sh-1", backend="diffusers", model="crash"))
    harness.wait_until(crash.id, JobState.FAILED)
    assert "SIGSEGV" in harness.queue.get(crash.id).error
    assert harness.queue.get(crash.id).attempts == 2
    after = harness.submit(slow(3))
    harness.wait_until(after.id, JobState.DONE)


def test_a_backend_error_fails_only_that_job(harness):
    # The voice backends are registered by the app (studio.voice.models), not by this worker.
    spoken = VoiceRequest(shot_id="sh-1", line=0, character="MAYA", text="Hello.")
    bad = harness.submit(spoken)
    harness.wait_until(bad.id, JobState.FAILED)
    assert harness.queue.get(bad.id).error.startswith("unknown backend 'espeak' (have: ")
    assert harness.queue.get(bad.id).attempts == 1, "a clear error is not retried"


def test_stop_hands_the_running_job_back_to_the_queue(harness):
    job = harness.submit(slow(1, steps=500))
    assert harness.progressed.wait(WAIT_S)
    harness.executor.stop()
    assert harness.queue.get(job.id).state is JobState.QUEUED


def test_the_animatic_renders_a_real_take_through_the_worker(harness):
    from studio.media.ffmpeg import probe

    request = ImageRequest(
        shot_id="sh-9", width=288, height=512, frames=45, fps="30/1", seed=4, steps=1
    )
    job = harness.submit(request)
    harness.wait_until(job.id, JobState.DONE)
    take_id, result = harness.results[job.id]
    info = probe(harness.root / result.media)
    assert (info.width, info.height, info.frames, info.fps) == (288, 512, 45, "30/1")
    assert result.keyframe == f"takes/sh-9/{take_id}.png"
    assert (harness.root / result.keyframe).stat().st_size > 0
    assert result.rendered.timings.encode > 0
    assert result.device == "cpu"
    if surely_no_gpu():  # the worker knew its device without torch, and the animatic needs none
        maps = Path(f"/proc/{worker_pid(harness)}/maps").read_text()
        assert "libtorch" not in maps and "libc10" not in maps


def test_a_shot_folder_linked_outside_after_opening_fails_the_job_and_writes_nothing(
    harness, tmp_path: Path
):
    outside = tmp_path / "outside"
    outside.mkdir()
    (harness.root / "takes").mkdir(parents=True, exist_ok=True)
    (harness.root / "takes" / "sh-1").symlink_to(outside, target_is_directory=True)
    job = harness.submit(slow(1))
    harness.wait_until(job.id, JobState.FAILED)
    assert "outside the project folder" in harness.queue.get(job.id).error
    assert not list(outside.iterdir())
