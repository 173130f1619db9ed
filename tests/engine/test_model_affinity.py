"""Model affinity without Ray: which waiting job an idle farm worker takes, and which idle
worker takes a job. Jobs are real queue jobs; workers are plain holdings."""

from __future__ import annotations

from studio.core.request import ImageRequest
from studio.engine.jobs import JobQueue, JobState
from studio.engine.model_affinity import Holding, model_key, pick_job, pick_worker


def waiting(*models: str, priorities: tuple[int, ...] = ()) -> list:
    """Queued jobs of these diffusers models, in the order they will run."""
    queue = JobQueue()
    for n, model in enumerate(models):
        request = ImageRequest(shot_id=f"sh-{n}", backend="diffusers", model=model, seed=n)
        queue.submit(request, priority=priorities[n] if priorities else 0)
    return [job for job in queue.jobs() if job.state is JobState.QUEUED]


def holding(name: str, **warm: str) -> Holding:
    return Holding(name, dict(warm))


def test_a_job_goes_to_the_idle_worker_holding_its_model_else_one_holding_none():
    job = waiting("a")[0]
    b, a, empty = holding("w0", diffusers="b"), holding("w1", diffusers="a"), holding("w2")
    assert pick_worker(job, [b, a, empty]) is a
    assert pick_worker(job, [b, empty]) is empty
    animatic_only = holding("w3", animatic="animatic")  # nothing of diffusers to let go
    assert pick_worker(job, [b, animatic_only]) is animatic_only
    assert pick_worker(job, [b]) is b, "someone has to load it"


def test_an_idle_worker_takes_a_later_job_of_its_model_while_the_head_waits_for_its_holder():
    jobs = waiting("a", "a", "b", "a", "b")
    idle_b, busy_a = holding("w1", diffusers="b"), holding("w0", diffusers="a")
    assert pick_job(jobs, [idle_b], [busy_a]) == jobs[2].id
    assert pick_job(jobs, [idle_b], []) == "", "nobody holds the head's model: take the head"
    assert pick_job(jobs, [idle_b, holding("w2")], [busy_a]) == "", "a free worker loads it"
    assert pick_job(jobs, [busy_a], [idle_b]) == "", "the head's holder is idle"


def test_affinity_never_jumps_a_higher_priority():
    jobs = waiting("a", "b", priorities=(5, 0))
    assert [job.priority for job in jobs] == [5, 0]
    assert pick_job(jobs, [holding("w1", diffusers="b")], [holding("w0", diffusers="a")]) == ""


def test_a_worker_holds_one_model_per_backend():
    worker = holding("w0")
    a, b = waiting("a", "b")
    worker.ran(model_key(a))
    worker.ran(("animatic", "animatic"))
    worker.ran(model_key(b))
    assert worker.holds(model_key(b)) and not worker.holds(model_key(a))
    assert worker.holds(("animatic", "animatic"))
