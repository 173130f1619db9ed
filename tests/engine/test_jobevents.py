"""The job queue's events: order, snapshots, other threads, subscribers that raise or call back."""

import logging
import threading
from pathlib import Path

from job_helpers import Recorder, req

from studio.engine.jobs import EventKind, JobEvent, JobQueue, JobState


def test_events_in_order_with_snapshots_from_another_thread():
    queue = JobQueue()
    rec = Recorder()
    unsubscribe = queue.subscribe(rec)
    job = queue.submit(req(1))

    def executor() -> None:
        claimed = queue.next_job()
        for step in (1, 2, 3):
            queue.progress(claimed.id, step, 3, preview=f"frame {step}")
        queue.finished(claimed.id, "tk-1")

    thread = threading.Thread(target=executor, name="executor")
    thread.start()
    rec.wait_for(lambda events: events[-1].kind is EventKind.FINISHED)
    thread.join(5)
    assert rec.kinds() == ["queued", "started", "progress", "progress", "progress", "finished"]
    assert "executor" in rec.threads
    assert all(e.job.id == job.id for e in rec.events)
    assert [e.job.state.value for e in rec.events] == ["queued"] + ["running"] * 4 + ["done"]
    progress = [e for e in rec.events if e.kind is EventKind.PROGRESS]
    assert [(e.step, e.total, e.preview) for e in progress] == [
        (1, 3, "frame 1"),
        (2, 3, "frame 2"),
        (3, 3, "frame 3"),
    ]
    assert progress[0].job.progress == (1, 3)  # a snapshot, not the live job
    assert rec.events[-1].job.take_id == "tk-1"
    unsubscribe()
    unsubscribe()
    queue.submit(req(2))
    assert len(rec.events) == 6


def test_a_raising_subscriber_breaks_nothing(caplog):
    queue = JobQueue()
    rec = Recorder()

    def broken(event: JobEvent) -> None:
        raise RuntimeError("subscriber bug")

    queue.subscribe(broken)
    queue.subscribe(rec)
    with caplog.at_level(logging.ERROR, logger="studio.engine.jobs"):
        job = queue.submit(req(1))
        queue.next_job()
        queue.finished(job.id, "tk-1")
    assert rec.kinds() == ["queued", "started", "finished"]
    assert caplog.text.count("subscriber failed") == 3
    assert queue.get(job.id).state is JobState.DONE


def test_a_subscriber_may_call_back_into_the_queue():
    queue = JobQueue()
    rec = Recorder()

    def chain(event: JobEvent) -> None:  # each finished take queues a variation once
        if event.kind is EventKind.FINISHED and event.job.request.seed == 1:
            queue.submit(event.job.request.with_seed(2))

    queue.subscribe(chain)
    queue.subscribe(rec)
    job = queue.submit(req(1))
    queue.next_job()
    queue.finished(job.id, "tk-1")
    assert rec.kinds() == ["queued", "started", "finished", "queued"]
    assert queue.next_job().request.seed == 2


def test_concurrent_submits_lose_nothing(tmp_path: Path):
    queue = JobQueue.open(tmp_path)
    rec = Recorder()
    queue.subscribe(rec)
    start = threading.Barrier(4)

    def submit(t: int) -> None:
        start.wait()
        for n in range(25):
            queue.submit(req(100 * t + n), priority=n % 3)

    threads = [threading.Thread(target=submit, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    ids = {j.id for j in queue.jobs()}
    assert len(ids) == 100
    assert {e.job.id for e in rec.events if e.kind is EventKind.QUEUED} == ids
    assert {j.id for j in JobQueue.open(tmp_path).jobs()} == ids
