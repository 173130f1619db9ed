"""Model affinity: which waiting job a farm worker takes, and which idle worker takes it, so a
loaded model is reused rather than loaded again on another worker. No Ray, no threads.

A worker keeps one warm model per backend (the diffusers backend swaps its pipeline when another
model is asked for), so what it *holds* is a map backend -> model, learnt from the jobs it ran.

- :func:`pick_worker`: a job goes to an idle worker already holding its model; else to an idle
  worker holding nothing for its backend (no model to let go); else to the first idle one
  (which swaps models).
- :func:`pick_job`: the queue's next job is taken, unless its model is warm only on a busy worker
  and every idle worker holds another model of its backend. Then an idle worker takes the first
  waiting job of the same priority whose model it holds; else the first job that no busy holder
  of its model will take when free (each busy worker takes one); else, when every waiting job
  is such a busy worker's next, it stays idle: the holder is free within one job, whereas loading
  the model again costs a load now and another when the worker's own model is wanted back.
  Priorities always win: a job never starts before a waiting job of a higher priority that an
  idle worker could run; within one priority, affinity may run a later job first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import takewhile
from typing import TypeVar

from studio.engine.jobs import Job

ModelKey = tuple[str, str]  # (backend, model)
W = TypeVar("W", bound="Holding")


def model_key(job: Job) -> ModelKey:
    request = job.request
    return request.backend.value, request.model


@dataclass(eq=False)
class Holding:
    """What one worker has warm."""

    name: str
    warm: dict[str, str] = field(default_factory=dict)  # backend -> model

    def holds(self, key: ModelKey) -> bool:
        return self.warm.get(key[0]) == key[1]

    def free_for(self, key: ModelKey) -> bool:
        """It holds no model of ``key``'s backend: loading one lets nothing go."""
        return key[0] not in self.warm

    def ran(self, key: ModelKey) -> None:
        """It ran (so now holds) ``key``'s model: its backend's previous one was let go."""
        self.warm[key[0]] = key[1]


def pick_worker(job: Job, idle: Sequence[W]) -> W:
    """The idle worker to run ``job`` (``idle`` is not empty)."""
    key = model_key(job)
    for worker in idle:
        if worker.holds(key):
            return worker
    for worker in idle:
        if worker.free_for(key):
            return worker
    return idle[0]


def pick_job(
    waiting: Sequence[Job], idle: Sequence[Holding], busy: Sequence[Holding]
) -> str | None:
    """The id of the waiting job an idle worker claims next; None: they stay idle, every waiting
    job being the next of a busy worker holding its model. ``waiting``: the queued jobs in the
    order they will run."""
    if not waiting or not idle:
        return None
    head = waiting[0]
    key = model_key(head)
    if any(w.holds(key) or w.free_for(key) for w in idle) or not any(w.holds(key) for w in busy):
        return head.id
    same = list(takewhile(lambda job: job.priority == head.priority, waiting))
    for job in same[1:]:
        if any(w.holds(model_key(job)) for w in idle):
            return job.id
    holders = list(busy)
    for job in waiting:
        holder = next((w for w in holders if w.holds(model_key(job))), None)
        if holder is not None:
            holders.remove(holder)  # it takes this job when free, and only this one
            continue
        if job.priority != head.priority:
            return head.id  # an idle worker runs the higher priority, loading its model
        return next(j.id for j in same if model_key(j) == model_key(job))
    return None
