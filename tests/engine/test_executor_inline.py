"""InlineExecutor: jobs run end to end in a background thread, with cancel, errors and stop."""

import threading
from pathlib import Path

import pytest
from job_helpers import TIMEOUT, Recorder, req

from studio.engine.executor import Executor, InlineExecutor
from studio.engine.jobs import EventKind, Job, JobQueue, JobState


def quick(job: Job, progress, cancelled) -> str:
    for step in (1, 2):
        progress(step, 2)
    return f"tk-{job.request.seed}"


@pytest.fixture
def queue(tmp_path: Path):
    return JobQueue.open(tmp_path)


@pytest.fixture
def rec(queue: JobQueue) -> Recorder:
    recorder = Recorder()
    queue.subscribe(recorder)
    return recorder


def run_executor(queue: JobQueue, run, **kw) -> InlineExecutor:
    executor = InlineExecutor(queue, run, **kw)
    executor.start()
    return executor


def test_it_is_an_executor(queue: JobQueue):
    assert isinstance(InlineExecutor(queue, quick), Executor)


def test_runs_jobs_in_order_end_to_end(queue: JobQueue, rec: Recorder):
    queue.pause()  # queue everything first, so the order is the queue's, not the race's
    queue.submit_many([req(1), req(2)])
    queue.submit(req(3), priority=1)
    executor = run_executor(queue, quick)
    try:
        queue.resume()
        rec.wait_for(lambda events: len([e for e in events if e.kind == "finished"]) == 3)
        assert rec.ended(EventKind.FINISHED) == ["shot 3", "shot 1", "shot 2"]
        kinds = [e.kind.value for e in rec.events if e.job and e.job.request.seed == 1]
        assert kinds == ["queued", "started", "progress", "progress", "finished"]
        assert [j.take_id for j in queue.jobs()] == ["tk-3", "tk-1", "tk-2"]
        queue.submit(req(4))  # the submit wakes the idle executor
        rec.wait_for(lambda events: events[-1].kind is EventKind.FINISHED)
        assert queue.jobs()[-1].take_id == "tk-4"
    finally:
        executor.stop()


def test_cancel_mid_run(queue: JobQueue, rec: Recorder):
    looping = threading.Event()
    steps: list[int] = []

    def slow(job: Job, progress, cancelled) -> str:
        if job.request.seed != 1:
            return quick(job, progress, cancelled)
        step = 0
        while not cancelled():
            step += 1
            steps.append(step)
            progress(step, 0)
            looping.set()
            threading.Event().wait(0.002)
        return ""

    queue.pause()
    first, _ = queue.submit_many([req(1), req(2)])
    executor = run_executor(queue, slow)
    try:
        queue.resume()
        assert looping.wait(TIMEOUT)
        executor.cancel(first.id)
        rec.wait_for(lambda events: events[-1].kind is EventKind.FINISHED)
        assert rec.ended(EventKind.CANCELLED) == ["shot 1"]
        assert rec.ended(EventKind.FINISHED) == ["shot 2"]
        job = queue.get(first.id)
        assert (job.state, job.take_id) == (JobState.CANCELLED, "")
        assert steps and len(steps) < 2000
    finally:
        executor.stop()


def test_an_exception_fails_the_job(queue: JobQueue, rec: Recorder):
    def broken(job: Job, progress, cancelled) -> str:
        if job.request.seed == 1:
            raise RuntimeError("model file missing\nmore detail")
        return "" if job.request.seed == 2 else quick(job, progress, cancelled)

    queue.pause()
    a, b, c = queue.submit_many([req(1), req(2), req(3)])
    executor = run_executor(queue, broken)
    try:
        queue.resume()
        rec.wait_for(lambda events: queue.get(c.id).state is JobState.DONE)
        assert queue.get(a.id).error == "RuntimeError: model file missing"
        assert queue.get(b.id).error == "the run made no take"
        assert [queue.get(j.id).state for j in (a, b)] == [JobState.FAILED] * 2
    finally:
        executor.stop()


def test_retry_errors_runs_a_failing_job_twice(queue: JobQueue, rec: Recorder):
    calls: list[int] = []

    def flaky(job: Job, progress, cancelled) -> str:
        calls.append(job.attempts)
        raise MemoryError("out of memory")

    job = queue.submit(req(1))
    executor = run_executor(queue, flaky, retry_errors=True)
    try:
        rec.wait_for(lambda events: events[-1].kind is EventKind.FAILED)
        assert calls == [1, 2]
        assert queue.get(job.id).state is JobState.FAILED
        assert [e.kind.value for e in rec.events if e.kind != "progress"] == [
            "queued",
            "started",
            "queued",
            "started",
            "failed",
        ]
    finally:
        executor.stop()


def test_stop_gives_the_running_job_back(queue: JobQueue, tmp_path: Path):
    looping = threading.Event()

    def endless(job: Job, progress, cancelled) -> str:
        while not cancelled():
            looping.set()
            threading.Event().wait(0.002)
        raise RuntimeError("interrupted")

    job = queue.submit(req(1))
    executor = run_executor(queue, endless)
    assert looping.wait(TIMEOUT)
    executor.stop()
    back = queue.get(job.id)
    assert (back.state, back.attempts) == (JobState.QUEUED, 1)
    assert JobQueue.open(tmp_path).get(job.id).state is JobState.QUEUED
    executor.stop()  # twice is fine


def test_held_and_paused_jobs_wait_for_release(queue: JobQueue, rec: Recorder):
    executor = run_executor(queue, quick)
    try:
        queue.pause()
        job = queue.submit(req(1))
        queue.hold(job.id)
        queue.resume()
        executor.wake()
        queue.submit(req(2))
        rec.wait_for(lambda events: events[-1].kind is EventKind.FINISHED)
        assert queue.get(job.id).state is JobState.PAUSED
        queue.release(job.id)
        rec.wait_for(lambda events: queue.get(job.id).state is JobState.DONE)
    finally:
        executor.stop()
