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
    assert pick_job(jobs, [idle_b], []) == jobs[0].id, "nobody holds the head's model"
    assert pick_job(jobs, [idle_b, holding("w2")], [busy_a]) == jobs[0].id, "a free one loads it"
    assert pick_job(jobs, [busy_a], [idle_b]) == jobs[0].id, "the head's holder is idle"


def test_an_idle_worker_waits_when_every_waiting_job_is_a_busy_holders_next():
    idle_a, busy_b = holding("w0", diffusers="a"), holding("w1", diffusers="b")
    last = waiting("b")
    assert pick_job(last, [idle_a], [busy_b]) is None, "the holder takes it within one job"
    two = waiting("b", "b")
    assert pick_job(two, [idle_a], [busy_b]) == two[0].id, "one holder takes one: load it here"
    both_b = holding("w2", diffusers="b")
    assert pick_job(two, [idle_a], [busy_b, both_b]) is None
    other = waiting("b", "c", "b")
    assert pick_job(other, [idle_a], [busy_b]) == other[1].id, "c needs a load wherever it runs"
    many = waiting("b", "c", "c")
    assert pick_job(many, [idle_a], [busy_b]) == many[1].id, "the first of the model"


def test_a_busy_worker_holding_two_backends_takes_only_one_of_their_jobs():
    queue = JobQueue()
    queue.submit(ImageRequest(shot_id="sh-1", backend="diffusers", model="b", seed=1))
    queue.submit(ImageRequest(shot_id="sh-2", backend="animatic", model="animatic", seed=2))
    jobs = [job for job in queue.jobs() if job.state is JobState.QUEUED]
    busy = holding("w1", diffusers="b", animatic="animatic")
    idle = holding("w0", diffusers="a", animatic="another")
    assert pick_job(jobs, [idle], [busy]) == jobs[1].id, "w1 takes the b job, w0 the other"


def test_affinity_never_jumps_a_higher_priority():
    jobs = waiting("a", "b", priorities=(5, 0))
    assert [job.priority for job in jobs] == [5, 0]
    idle_b, busy_a = holding("w1", diffusers="b"), holding("w0", diffusers="a")
    assert pick_job(jobs, [idle_b], [busy_a]) == jobs[0].id, "not b before the urgent a"
    alone = waiting("a", priorities=(5,))
    assert pick_job(alone, [idle_b], [busy_a]) is None, "nothing lower waits: a waits for w0"


def test_a_worker_holds_one_model_per_backend():
    worker = holding("w0")
    a, b = waiting("a", "b")
    worker.ran(model_key(a))
    worker.ran(("animatic", "animatic"))
    worker.ran(model_key(b))
    assert worker.holds(model_key(b)) and not worker.holds(model_key(a))
    assert worker.holds(("animatic", "animatic"))
