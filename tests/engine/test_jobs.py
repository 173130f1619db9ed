"""The job queue: order, user actions and executor reports (events and threads:
test_jobevents.py; jobs.json: test_jobfile.py)."""

import random

import pytest
from job_helpers import Recorder, order, req

from studio.engine.jobs import EventKind, JobError, JobQueue, JobState


def drain(queue: JobQueue) -> list[str]:
    out = []
    while (job := queue.next_job()) is not None:
        out.append(job.request.prompt)
        queue.finished(job.id, "tk-" + job.id)
    return out


# -- order ---------------------------------------------------------------------------------


def test_job_fields_and_ids():
    queue = JobQueue()
    job = queue.submit(req(1), priority=3)
    assert job.id.startswith("jb-") and len(job.id) == 11
    int(job.id[3:], 16)
    assert (job.state, job.priority, job.attempts, job.retry_of) == (JobState.QUEUED, 3, 0, "")
    assert job.created.endswith("+00:00") and job.started == job.finished == ""
    assert queue.get(job.id) == job and queue.get("jb-nothere") is None


def test_priority_first_then_fifo():
    queue = JobQueue()
    queue.submit(req(1))
    queue.submit(req(2), priority=5)
    queue.submit_many([req(3), req(4)], priority=1)
    queue.submit(req(5))
    queue.submit(req(6), priority=5)
    assert order(queue) == ["shot 2", "shot 6", "shot 3", "shot 4", "shot 1", "shot 5"]
    assert drain(queue) == ["shot 2", "shot 6", "shot 3", "shot 4", "shot 1", "shot 5"]


def test_move_within_a_priority():
    queue = JobQueue()
    jobs = queue.submit_many([req(n) for n in range(1, 5)])
    moved = queue.move(jobs[3].id, 0)
    assert moved.priority == 0
    assert order(queue) == ["shot 4", "shot 1", "shot 2", "shot 3"]
    queue.move(jobs[3].id, 99)  # past the end: last
    assert order(queue) == ["shot 1", "shot 2", "shot 3", "shot 4"]
    queue.move(jobs[0].id, 2)
    assert order(queue) == ["shot 2", "shot 3", "shot 1", "shot 4"]


def test_move_across_priorities_takes_the_neighbours_priority():
    queue = JobQueue()
    high = queue.submit_many([req(1), req(2)], priority=5)
    low = queue.submit_many([req(3), req(4)], priority=0)
    assert queue.move(low[1].id, 1).priority == 5  # between two priority-5 jobs
    assert order(queue) == ["shot 1", "shot 4", "shot 2", "shot 3"]
    assert queue.move(high[0].id, 3).priority == 0  # dropped at the end, below a 0
    assert order(queue) == ["shot 4", "shot 2", "shot 3", "shot 1"]
    # between a 5 and a 0 a priority-2 job keeps its own priority
    mid = queue.submit(req(5), priority=2)
    assert order(queue)[2] == "shot 5"
    assert queue.move(mid.id, 2).priority == 2
    assert queue.move(mid.id, 0).priority == 5
    assert order(queue)[0] == "shot 5"


def test_move_puts_the_job_exactly_there_and_keeps_the_others():
    rng = random.Random(7)
    queue = JobQueue()
    for n in range(30):
        queue.submit(req(n), priority=rng.choice([0, 1, 2, 5]))
    for job in rng.sample(queue.jobs(), 5):
        queue.hold(job.id)  # held jobs count in the order and can be moved too
    for _ in range(200):
        before = [j.id for j in queue.jobs()]
        job_id, index = rng.choice(before), rng.randrange(len(before) + 2)
        queue.move(job_id, index)
        after = [j.id for j in queue.jobs()]
        assert after.index(job_id) == min(index, len(before) - 1)
        assert [i for i in after if i != job_id] == [i for i in before if i != job_id]
        priorities = [j.priority for j in queue.jobs()]
        assert priorities == sorted(priorities, reverse=True)


def test_set_priority_keeps_the_manual_order():
    queue = JobQueue()
    a, _, c = queue.submit_many([req(1), req(2), req(3)])
    queue.submit(req(4), priority=3)
    queue.set_priority(c.id, 3)  # submitted before shot 4: runs before it
    assert order(queue) == ["shot 3", "shot 4", "shot 1", "shot 2"]
    queue.set_priority(a.id, -1)
    assert order(queue) == ["shot 3", "shot 4", "shot 2", "shot 1"]
    queue.set_priority(a.id, 0)
    assert order(queue) == ["shot 3", "shot 4", "shot 1", "shot 2"]
    with pytest.raises(JobError, match="no job"):
        queue.set_priority("jb-00000000", 1)


def test_move_refuses_a_job_that_is_not_waiting():
    queue = JobQueue()
    job = queue.submit(req(1))
    queue.next_job()
    with pytest.raises(JobError, match="it is running"):
        queue.move(job.id, 0)


def test_jobs_lists_running_then_waiting_then_finished():
    queue = JobQueue()
    jobs = queue.submit_many([req(n) for n in range(1, 5)])
    first = queue.next_job()
    queue.finished(first.id, "tk-1")
    queue.next_job()
    queue.cancel(jobs[3].id)
    states = [(j.request.prompt, j.state.value) for j in queue.jobs()]
    assert states == [
        ("shot 2", "running"),
        ("shot 3", "queued"),
        ("shot 1", "done"),
        ("shot 4", "cancelled"),
    ]


# -- user actions --------------------------------------------------------------------------


def test_cancel_a_queued_job_at_once():
    queue = JobQueue()
    rec = Recorder()
    a, b = queue.submit_many([req(1), req(2)])
    queue.subscribe(rec)
    job = queue.cancel(a.id)
    assert job.state is JobState.CANCELLED and job.finished
    assert rec.kinds() == ["cancelled"]
    assert queue.cancel(a.id).state is JobState.CANCELLED  # again: nothing happens
    assert rec.kinds() == ["cancelled"]
    assert queue.next_job().id == b.id


def test_cancel_a_running_job_asks_the_executor():
    queue = JobQueue()
    rec = Recorder()
    job = queue.submit(req(1))
    queue.next_job()
    queue.subscribe(rec)
    flagged = queue.cancel(job.id)
    assert flagged.state is JobState.RUNNING and flagged.cancel_requested
    assert queue.is_cancel_requested(job.id)
    assert rec.events[-1].kind is EventKind.CHANGED and rec.events[-1].job.cancel_requested
    queue.cancel(job.id)  # asked already: no second event
    assert len(rec.events) == 1
    queue.cancelled(job.id)  # the executor stopped it
    assert queue.get(job.id).state is JobState.CANCELLED
    assert rec.kinds() == ["changed", "cancelled"]


def test_pause_and_resume_the_queue():
    queue = JobQueue()
    rec = Recorder()
    queue.subscribe(rec)
    a, b = queue.submit_many([req(1), req(2)])
    running = queue.next_job()
    queue.pause()
    assert queue.paused and queue.next_job() is None
    queue.finished(running.id, "tk-1")  # a running job finishes while paused
    assert queue.get(a.id).state is JobState.DONE
    queue.pause()  # again: no event
    queue.resume()
    assert not queue.paused
    assert queue.next_job().id == b.id
    changed = [e for e in rec.events if e.kind is EventKind.CHANGED]
    assert [e.job for e in changed] == [None, None]


def test_hold_and_release_a_job():
    queue = JobQueue()
    a, b, c = queue.submit_many([req(1), req(2), req(3)])
    held = queue.hold(a.id)
    assert held.state is JobState.PAUSED
    assert order(queue) == ["shot 1", "shot 2", "shot 3"]  # it keeps its place
    assert queue.next_job().id == b.id
    queue.release(a.id)
    assert queue.next_job().id == a.id
    with pytest.raises(JobError, match="cannot hold"):
        queue.hold(a.id)
    assert queue.release(c.id).state is JobState.QUEUED  # not held: nothing to do


def test_retry_a_failed_or_cancelled_job():
    queue = JobQueue()
    a, b = queue.submit_many([req(1), req(2)], priority=4)
    queue.cancel(b.id)
    job = queue.next_job()
    queue.failed(job.id, "CUDA out of memory\nTraceback ...", retry=False)
    failed = queue.get(a.id)
    assert (failed.state, failed.error, failed.attempts) == (
        JobState.FAILED,
        "CUDA out of memory",
        1,
    )
    again = queue.retry(a.id)
    assert again.id != a.id and again.retry_of == a.id
    assert (again.request, again.priority, again.attempts) == (a.request, 4, 0)
    assert queue.retry(b.id).retry_of == b.id
    done = queue.next_job()
    queue.finished(done.id, "tk-9")
    with pytest.raises(JobError, match=r"cannot retry job .*: it is done"):
        queue.retry(done.id)


# -- executor reports ----------------------------------------------------------------------


def test_next_job_marks_it_running():
    queue = JobQueue()
    queue.submit(req(1))
    job = queue.next_job()
    assert (job.state, job.attempts) == (JobState.RUNNING, 1)
    assert job.started and not job.finished
    assert queue.next_job() is None


def test_a_failure_is_retried_once_at_the_front_then_fails():
    queue = JobQueue()
    rec = Recorder()
    queue.subscribe(rec)
    a, b = queue.submit_many([req(1), req(2)])
    queue.submit(req(3), priority=1)
    assert queue.next_job().request.prompt == "shot 3"
    first = queue.next_job()
    assert first.id == a.id
    queue.failed(a.id, "worker died (exit -9)", retry=True)
    back = queue.get(a.id)
    assert (back.state, back.attempts, back.error) == (JobState.QUEUED, 1, "worker died (exit -9)")
    assert rec.events[-1].kind is EventKind.QUEUED and rec.events[-1].error == back.error
    assert queue.next_job().id == a.id  # at the front of its priority, before shot 2
    queue.failed(a.id, "worker died again", retry=True)
    final = queue.get(a.id)
    assert (final.state, final.attempts, final.error) == (JobState.FAILED, 2, "worker died again")
    assert rec.events[-1].kind is EventKind.FAILED and rec.events[-1].error == "worker died again"
    assert queue.next_job().id == b.id


def test_a_failure_after_a_cancel_request_is_a_cancel():
    queue = JobQueue()
    job = queue.submit(req(1))
    queue.next_job()
    queue.cancel(job.id)
    queue.failed(job.id, "interrupted", retry=True)
    assert queue.get(job.id).state is JobState.CANCELLED


def test_progress_finished_and_stray_reports(caplog):
    queue = JobQueue()
    job = queue.submit(req(1))
    queue.progress(job.id, 1, 10)  # not running: ignored, logged
    assert queue.get(job.id).progress is None
    assert "ignored progress report" in caplog.text
    queue.next_job()
    queue.progress(job.id, 3, 10, preview=b"frame")
    assert queue.get(job.id).progress == (3, 10)
    queue.finished(job.id, "tk-7")
    done = queue.get(job.id)
    assert (done.state, done.take_id, done.progress) == (JobState.DONE, "tk-7", None)
    assert done.finished >= done.started
    queue.finished("jb-00000000", "tk-8")  # unknown: ignored


def test_requeue_gives_a_running_job_back():
    queue = JobQueue()
    a, _ = queue.submit_many([req(1), req(2)])
    queue.next_job()
    queue.requeue(a.id)
    job = queue.get(a.id)
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert queue.next_job().id == a.id
