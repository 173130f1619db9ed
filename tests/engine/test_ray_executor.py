"""The Ray render farm for real, on this machine: a local Ray with two fake GPUs (Ray gives each
actor its own ``CUDA_VISIBLE_DEVICES``), real actors running the worker's own code, real takes.

One Ray serves the module, and two farms of two actors each serve most tests: ``real_farm``
(the animatic and the diffusers backend, on tiny random-weight models saved with
save_pretrained) and ``doubles_farm`` (the executor-test doubles: slow steps to cancel or kill).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backends_for_tests import TEST_DOUBLES
from tiny_pipelines import save_tiny_sd15
from worker_harness import WAIT_S, Harness

from studio.core.request import CameraMotion, ImageRequest
from studio.engine.jobs import EventKind, JobQueue, JobState
from studio.engine.ray_executor import OBJECT_STORE, WAKE_S, RayExecutor
from studio.media.ffmpeg import probe, read_frames

pytestmark = [pytest.mark.slow, pytest.mark.ray]
ray = pytest.importorskip("ray")

HERE = Path(__file__).resolve().parent
ENDED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@pytest.fixture(scope="module")
def ray_local() -> Iterator[None]:
    """A local Ray with 2 CPUs and 2 fake GPUs; its workers import ``studio`` from this
    checkout and the test backends from this folder, and run torch on one thread."""
    paths = [str(HERE.parents[1]), str(HERE), os.environ.get("PYTHONPATH", "")]
    with pytest.MonkeyPatch.context() as mp:  # the raylet, so every worker, inherits these
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))
        mp.setenv("OMP_NUM_THREADS", "1")
        ray.init(num_cpus=2, num_gpus=8, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.ERROR)  # fmt: skip
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two tiny SD 1.5 models, ``tiny-a`` and ``tiny-b`` (the same weights, two names)."""
    root = tmp_path_factory.mktemp("models")
    save_tiny_sd15(root / "tiny-a")
    save_tiny_sd15(root / "tiny-b")
    return root


@contextlib.contextmanager
def farm(root: Path, models: Path, backends: dict[str, str], **options: Any) -> Iterator[Harness]:
    options.setdefault("workers", 2)
    h = Harness(root, models, backends, executor=RayExecutor, **options)
    h.executor.start()
    try:
        started = h.executor.wait_workers(WAIT_S)
        assert started, h.executor.error or [s.start_error for s in h.executor.slots]
        yield h
    finally:
        h.executor.stop()


@pytest.fixture(scope="module")
def real_farm(ray_local, tmp_path_factory, models) -> Iterator[Harness]:
    with farm(tmp_path_factory.mktemp("farm") / "P.mdstudio", models, {}) as h:
        yield h


@pytest.fixture(scope="module")
def doubles_farm(ray_local, tmp_path_factory) -> Iterator[Harness]:
    with farm(tmp_path_factory.mktemp("doubles") / "P.mdstudio", HERE, TEST_DOUBLES) as h:
        yield h


def shot(n: int) -> ImageRequest:
    """An animatic shot of one second at 64×112."""
    return ImageRequest(shot_id=f"sh-{n}", width=64, height=112, frames=30, fps="30/1", seed=n,
                        steps=1)  # fmt: skip


def image(model: str, seed: int, steps: int = 2) -> ImageRequest:
    """A tiny diffusers keyframe held for 12 frames."""
    return ImageRequest(shot_id=f"sh-{model}-{seed}", backend="diffusers", model=model,
                        prompt="rain on a window", seed=seed, steps=steps, width=64, height=96,
                        frames=12, fps="30/1", camera_motion=CameraMotion.PAN_LEFT)  # fmt: skip


def double(model: str, seed: int, steps: int = 3) -> ImageRequest:
    return ImageRequest(shot_id=f"sh-{seed}", backend="diffusers", model=model, seed=seed,
                        steps=steps)  # fmt: skip


def run_all(h: Harness, requests: list[ImageRequest]) -> list[Any]:
    jobs = h.queue.submit_many(requests)
    h.executor.wake()
    for job in jobs:
        h.wait_until(job.id, *ENDED)
    ended = [h.queue.get(job.id) for job in jobs]
    assert all(job.state is JobState.DONE for job in ended), [job.error for job in ended]
    return ended


def wait_for(h: Harness, ready: Callable[[], bool]) -> None:
    """Wait until ``ready()`` holds, checking at every queue event."""
    seen = threading.Event()

    def check(_event: Any = None) -> None:
        if ready():
            seen.set()

    unsubscribe = h.queue.subscribe(check)
    check()
    try:
        assert seen.wait(WAIT_S), [(e.kind.value, e.error) for e in h.events[-5:]]
    finally:
        unsubscribe()


def slot_running(h: Harness, job_id: str) -> Any:
    return next(s for s in h.executor.slots if s.job is not None and s.job.id == job_id)


def test_an_episode_runs_on_both_actors_each_on_its_own_gpu(real_farm):
    h = real_farm
    done = run_all(h, [shot(n) for n in range(6)])
    labels = {slot.label for slot in h.executor.slots}
    assert {job.worker for job in done} == labels, "both actors took jobs"
    assert sorted(labels) == sorted(f"{s.name} (GPU {s.gpus[0]})" for s in h.executor.slots)
    workers = h.executor.workers()
    gpus = [g for w in workers for g in w.gpus]
    assert len(gpus) == len(set(gpus)) == 2, "one GPU each, not the same one"
    assert {w.storage for w in workers} == {"shared"}, "the project folder is seen: in place"
    for job in done:
        take_id, result = h.results[job.id]
        info = probe(h.root / result.media)
        assert (info.width, info.height, info.frames, info.fps) == (64, 112, 30, "30/1")
        assert result.media == f"takes/{job.request.shot_id}/{take_id}.mp4"
        assert (h.root / result.keyframe).stat().st_size > 0
        steps = h.progress_of(job.id)
        assert steps and steps[-1][0] == steps[-1][1], "progress streamed to the last step"
    assert not list(h.root.rglob("*.part*")) and not list(h.root.glob(".farm-probe-*"))


def test_each_actor_sees_only_its_own_gpu(doubles_farm):
    h = doubles_farm
    done = run_all(h, [double("where", n) for n in range(4)])
    seen: dict[str, set[str]] = {}
    for job in done:
        place = json.loads((h.root / h.results[job.id][1].media).read_text())
        seen.setdefault(job.worker, set()).add(place["cuda"])
    assert len(seen) == 2 and all(len(cuda) == 1 for cuda in seen.values()), seen
    assert len(set.union(*seen.values())) == 2, "two actors, two different GPUs"
    for worker, cuda in seen.items():
        assert worker.endswith(f"(GPU {next(iter(cuda))})"), "the job names the GPU it ran on"


def test_a_cancel_stops_the_running_step_and_the_actor_stays(doubles_farm):
    h = doubles_farm
    job = h.submit(double("slow", 5, steps=500))
    wait_for(h, lambda: bool(h.progress_of(job.id)))
    slot = slot_running(h, job.id)
    name, pid = slot.name, slot.pid
    h.executor.cancel(job.id)
    h.wait_until(job.id, JobState.CANCELLED)
    assert h.progress_of(job.id)[-1][0] < 500, "stopped at a step, not at the end"
    assert not any(p.is_file() for p in (h.root / "takes" / "sh-5").rglob("*"))
    assert (slot.name, slot.pid) == (name, pid), "a cancel does not cost the warm actor"
    assert h.run(double("slow", 6)).state is JobState.DONE


def test_a_killed_actor_fails_its_job_with_the_reason_and_another_runs_it_again(doubles_farm):
    h = doubles_farm
    long = h.submit(double("slow", 7, steps=100))
    rest = h.queue.submit_many([double("slow", n, steps=2) for n in (8, 9, 10)])
    wait_for(h, lambda: bool(h.progress_of(long.id)))
    slot = slot_running(h, long.id)
    killed, label = slot.name, slot.label
    os.kill(slot.pid, signal.SIGKILL)  # as the kernel's out-of-memory killer does
    h.wait_until(long.id, *ENDED)
    job = h.queue.get(long.id)
    assert job.state is JobState.DONE and job.attempts == 2
    retried = [e for e in h.events if e.kind is EventKind.QUEUED and e.job.id == long.id]
    assert retried[-1].error.startswith(
        f"the farm worker {killed} died: its worker process has died"
    ), retried[-1].error
    assert job.worker != label, "the retry ran on another actor"
    for other in rest:
        h.wait_until(other.id, *ENDED)
        assert h.queue.get(other.id).state is JobState.DONE
    assert h.executor.wait_workers(WAIT_S), "a new actor took the dead one's place"
    workers = h.executor.workers()
    assert [w.name for w in workers if not w.alive] == [killed]
    assert sum(w.alive for w in workers) == 2 and killed not in {s.name for s in h.executor.slots}
    assert not list(h.root.rglob("*.part*"))


def test_model_affinity_each_actor_keeps_its_model(real_farm):
    h = real_farm
    run_all(h, [image("tiny-a", 1), image("tiny-b", 2)])  # one actor holds each model now
    busy = replace(image("tiny-a", 3, steps=900), width=128, height=192)  # cancelled below
    long = h.submit(busy)  # keeps the actor holding tiny-a busy until cancelled
    wait_for(h, lambda: bool(h.progress_of(long.id)))
    a, b = h.queue.submit_many([image("tiny-a", 4), image("tiny-b", 5)])
    h.executor.wake()
    h.wait_until(b.id, *ENDED)
    deadline = time.monotonic() + WAIT_S
    while sum(slot.idle for slot in h.executor.slots) != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(3 * WAKE_S)  # the dispatcher has looked again with the tiny-b actor idle
    assert h.queue.get(long.id).state is JobState.RUNNING
    assert h.queue.get(a.id).state is JobState.QUEUED, "it waits for the actor holding tiny-a"
    h.queue.cancel(long.id)
    h.wait_until(a.id, *ENDED)
    jobs = [h.queue.get(job.id) for job in (long, b, a)]
    assert [job.state for job in jobs] == [JobState.CANCELLED, JobState.DONE, JobState.DONE]
    loads = [h.results[job.id][1].rendered.timings.load for job in jobs[1:]]
    assert loads == [0.0, 0.0], "no job loaded its model again: each ran where it was warm"
    assert jobs[2].worker == jobs[0].worker != jobs[1].worker


def test_the_object_store_mode_writes_the_same_files(real_farm, models, tmp_path):
    requests = [shot(21), shot(22)]
    in_place = run_all(real_farm, requests)
    with farm(tmp_path / "Q.mdstudio", models, {}, storage=OBJECT_STORE) as shipped:
        assert {w.storage for w in shipped.executor.workers()} == {"object store"}
        sent = run_all(shipped, requests)
        for here, there in zip(in_place, sent, strict=True):
            a, b = real_farm.results[here.id][1], shipped.results[there.id][1]
            for rel_a, rel_b in ((a.media, b.media), (a.keyframe, b.keyframe)):
                assert (shipped.root / rel_b).read_bytes() == (real_farm.root / rel_a).read_bytes()
        assert not list(shipped.root.rglob("*.part*"))


def test_the_same_request_makes_the_same_pixels_locally_and_on_a_ray_actor(
    real_farm, models, tmp_path, monkeypatch
):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # as the farm's actors run
    requests = [shot(31), image("tiny-a", 31)]
    local = Harness(tmp_path / "L.mdstudio", models, {})
    try:
        here = [local.run(r) for r in requests]
    finally:
        local.executor.stop()
    there = run_all(real_farm, requests)
    for a_job, b_job in zip(here, there, strict=True):
        a, b = local.results[a_job.id][1], real_farm.results[b_job.id][1]
        frames_a = list(read_frames(local.root / a.media))
        frames_b = list(read_frames(real_farm.root / b.media))
        assert len(frames_a) == len(frames_b) > 0
        assert all(np.array_equal(x, y) for x, y in zip(frames_a, frames_b, strict=True))
        assert (local.root / a.keyframe).read_bytes() == (real_farm.root / b.keyframe).read_bytes()


def test_the_queue_persists_in_jobs_json_and_a_new_farm_resumes_it(ray_local, tmp_path):
    root = tmp_path / "P.mdstudio"
    root.mkdir()
    queue = JobQueue.open(root)
    first = Harness(root, HERE, TEST_DOUBLES, executor=RayExecutor, queue=queue, workers=1)
    jobs = queue.submit_many([double("slow", n, steps=25) for n in range(1, 5)])
    first.executor.start()
    first.wait_until(jobs[0].id, JobState.DONE)
    wait_for(first, lambda: bool(first.progress_of(jobs[1].id)))
    first.executor.stop()  # the head goes away with a job running
    assert queue.get(jobs[1].id).state is JobState.QUEUED, "the running job was given back"
    on_disk = json.loads((root / "jobs.json").read_text(encoding="utf-8"))
    saved = {row["id"]: row["state"] for row in on_disk["jobs"]}
    assert saved[jobs[0].id] == "done" and "running" not in saved.values()

    again = Harness(root, HERE, TEST_DOUBLES, executor=RayExecutor, queue=JobQueue.open(root),
                    workers=1)  # fmt: skip
    again.executor.start()
    try:
        for job in jobs[1:]:
            again.wait_until(job.id, JobState.DONE)
    finally:
        again.executor.stop()
    on_disk = json.loads((root / "jobs.json").read_text(encoding="utf-8"))
    assert [row["state"] for row in on_disk["jobs"]] == ["done"] * 4
