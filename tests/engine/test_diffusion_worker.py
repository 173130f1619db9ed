"""The diffusers backend in a real worker process, on the tiny SD 1.5 pipeline: a take lands
under its final name, the pipeline stays warm between jobs, a cancel stops the run within a
step, and out-of-memory errors step the placement down a tier (or end in a clear failure).

One worker serves the module (starting one imports torch and diffusers: seconds); each
out-of-memory test has one of its own, whose diffusers backend pretends to be on a GPU."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from diffusion_backends_for_tests import PLACEMENTS_LOG
from tiny_pipelines import TINY_SD15
from worker_harness import Harness

from studio.core.request import CameraMotion, ImageRequest
from studio.engine.jobs import JobState
from studio.media.ffmpeg import probe

pytestmark = pytest.mark.slow


@contextlib.contextmanager
def worker(root: Path, models_dir: Path, backends: dict[str, str]) -> Iterator[Harness]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OMP_NUM_THREADS", "1")  # tiny models: one thread is fastest on a busy CI box
        h = Harness(root / "P.mdstudio", models_dir, backends)
        h.executor.start()
        try:
            yield h
        finally:
            h.executor.stop()


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory, models_dir: Path):
    with worker(tmp_path_factory.mktemp("w"), models_dir, {}) as h:
        yield h


@pytest.fixture
def pretend_gpu(request: pytest.FixtureRequest, tmp_path: Path, models_dir: Path):
    """A worker whose diffusers backend is the ``diffusion_backends_for_tests`` class named by
    the test's parameter."""
    backends = {"diffusers": f"diffusion_backends_for_tests:{request.param}"}
    with worker(tmp_path, models_dir, backends) as h:
        yield h


def image(seed: int = 3, **changes) -> ImageRequest:
    values = {
        "shot_id": "sh-2",
        "backend": "diffusers",
        "model": TINY_SD15,
        "prompt": "rain on a window",
        "seed": seed,
        "steps": 2,
        "width": 64,
        "height": 96,
        "frames": 12,
        "fps": "30/1",
        "camera_motion": CameraMotion.PAN_LEFT,
    }
    return ImageRequest(**(values | changes))


def test_an_image_take_lands_and_the_pipeline_stays_warm_for_the_next(harness):
    first = harness.run(image())
    take_id, result = harness.results[first.id]
    info = probe(harness.root / result.media)
    assert (info.width, info.height, info.frames, info.fps) == (64, 96, 12, "30/1")
    assert result.keyframe == f"takes/sh-2/{take_id}.png"
    assert (harness.root / result.keyframe).stat().st_size > 0
    assert result.rendered.timings.load > 0 and result.device == "cpu"
    second = harness.run(image(seed=4))
    assert harness.results[second.id][1].rendered.timings.load == 0, "warm: nothing loaded"
    assert harness.progress_of(second.id) == [(1, 2), (2, 2)]
    assert not list(harness.root.rglob("*.part*"))


def test_a_cancel_mid_run_stops_within_a_step_and_leaves_no_file(harness):
    harness.progressed.clear()
    job = harness.submit(image(seed=5, steps=900, shot_id="sh-cancel"))  # DDIM: < 1000
    while not harness.progressed.wait(0.2):
        assert harness.queue.get(job.id).state in (JobState.QUEUED, JobState.RUNNING), (
            harness.queue.get(job.id).error
        )
    pid = harness.executor.worker_pid
    seen = len(harness.progress_of(job.id))
    asked = time.monotonic()
    harness.executor.cancel(job.id)
    harness.wait_until(job.id, JobState.CANCELLED)
    assert time.monotonic() - asked < 15, "stopped at the next step, not after 900"
    steps = harness.progress_of(job.id)
    assert len(steps) - seen <= 2, "at most the step running and one in flight"
    assert steps[-1][0] < 100
    assert not any(p.is_file() for p in (harness.root / "takes" / "sh-cancel").rglob("*"))
    assert harness.executor.worker_pid == pid, "a cancel does not cost the warm worker"


def test_more_steps_than_the_schedule_has_fails_saying_how_many_it_runs(harness):
    job = harness.run(image(steps=1000, shot_id="sh-steps"), JobState.FAILED)
    assert job.error == "tiny-sd15 with DDIMScheduler runs at most 999 steps, got 1000"
    assert job.attempts == 1, "a clear error is not retried"


@pytest.mark.parametrize("pretend_gpu", ["OomOnceBackend"], indirect=True)
def test_out_of_memory_once_steps_down_a_tier_and_succeeds(pretend_gpu):
    harness = pretend_gpu
    job = harness.run(image())
    tiers = (harness.root / PLACEMENTS_LOG).read_text().splitlines()[-1]
    assert tiers == "FULL MODEL_OFFLOAD", "loaded, ran out of memory, reloaded a tier down"
    result = harness.results[job.id][1]
    assert result.rendered.timings.load > 0
    assert probe(harness.root / result.media).frames == 12


@pytest.mark.parametrize("pretend_gpu", ["OomAlwaysBackend"], indirect=True)
def test_out_of_memory_at_every_tier_fails_saying_what_to_change(pretend_gpu):
    harness = pretend_gpu
    job = harness.run(image(shot_id="sh-oom"), JobState.FAILED)
    assert job.error.startswith("out of memory running tiny-sd15 at 64×96")
    assert "try a smaller size, fewer frames, closing other programs, or a smaller model" in (
        job.error
    )
    assert job.attempts == 1, "a clear error is not retried"
    tiers = (harness.root / PLACEMENTS_LOG).read_text().splitlines()[-1]
    assert tiers == "FULL MODEL_OFFLOAD GROUP_OFFLOAD SEQUENTIAL"
    assert not (harness.root / "takes" / "sh-oom").exists() or not any(
        (harness.root / "takes" / "sh-oom").iterdir()
    )
