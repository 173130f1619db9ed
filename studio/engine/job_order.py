"""The order a project's jobs run and are listed in. No Qt, no torch.

Waiting jobs (queued, or held by the user) run highest ``priority`` first; within one priority
they follow the *manual order*, which is submission order (FIFO) until the user changes it.
:func:`move` puts a waiting job at ``index`` among the waiting jobs and the drop always wins: the
job's priority is clamped between the priorities of its new neighbours, so dragging a job above a
higher-priority job raises it to that priority, dragging it below lower-priority jobs lowers it,
and a move within its own priority leaves it as it was. No other job changes order or priority.
A changed priority keeps the job's place in the manual order, so it joins its new priority where
that order puts it (ahead of jobs submitted after it). Held jobs keep their place and are skipped
by :func:`next_queued`.

The functions read a queue's jobs (id -> job) and its manual order (every job id); the caller,
:class:`studio.engine.jobs.JobQueue`, holds its lock around them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from operator import attrgetter

from studio.engine.jobfile import Job, JobState

WAITING = (JobState.QUEUED, JobState.PAUSED)
FINISHED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


def waiting(jobs: Mapping[str, Job], order: list[str]) -> list[Job]:
    """The waiting jobs in the order they will run (held ones in their place)."""
    found = [jobs[i] for i in order if jobs[i].state in WAITING]
    return sorted(found, key=lambda j: -j.priority)  # stable: manual order kept


def move(jobs: Mapping[str, Job], order: list[str], job: Job, index: int) -> int:
    """Put the waiting ``job`` at ``index`` among the waiting jobs: ``order`` is rearranged in
    place; returns the job's new priority (the caller sets it)."""
    others = [j for j in waiting(jobs, order) if j is not job]
    index = min(max(index, 0), len(others))
    above = others[index - 1] if index > 0 else None
    below = others[index] if index < len(others) else None
    priority = job.priority if below is None else max(job.priority, below.priority)
    priority = priority if above is None else min(priority, above.priority)
    place = order.index(job.id)
    order.remove(job.id)
    if below is not None and priority == below.priority:
        place = order.index(below.id)
    elif above is not None:
        place = order.index(above.id) + 1
    order.insert(place, job.id)
    return priority


def next_queued(
    jobs: Mapping[str, Job], order: list[str], only: Collection[str] | None = None
) -> Job | None:
    """The job to run next: the first queued job of the highest priority (``only``: among
    these ids); None when there is none."""
    best: Job | None = None
    for job_id in order:
        job = jobs[job_id]
        if only is not None and job_id not in only:
            continue
        if job.state is JobState.QUEUED and (best is None or job.priority > best.priority):
            best = job
    return best


def listed(jobs: Mapping[str, Job], order: list[str]) -> list[Job]:
    """Display order: running (by start), waiting (as they will run), then finished ones (by
    finish time; ties in the order they ended)."""
    ordered = [jobs[i] for i in order]
    running = sorted((j for j in ordered if j.state is JobState.RUNNING), key=attrgetter("started"))
    ended = sorted((j for j in ordered if j.state in FINISHED), key=attrgetter("finished"))
    return [*running, *waiting(jobs, order), *ended]
