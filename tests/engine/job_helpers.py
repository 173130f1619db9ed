"""Helpers the job queue and executor tests share: requests, the waiting order, an event recorder.

Use it from any test under ``tests/engine`` (``from job_helpers import Recorder, order, req``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from studio.core.request import ImageRequest
from studio.engine.jobs import EventKind, JobEvent, JobQueue, JobState

TIMEOUT = 5.0  # seconds a test waits for an event or a thread


def req(n: int = 1, **kw) -> ImageRequest:
    """Image request number ``n``: shot ``sh-n``, prompt ``shot n``, seed ``n``."""
    kw.setdefault("prompt", f"shot {n}")
    return ImageRequest(shot_id=f"sh-{n}", seed=n, **kw)


def order(queue: JobQueue) -> list[str]:
    """The prompts of the waiting jobs, in the order they will run."""
    waiting = (JobState.QUEUED, JobState.PAUSED)
    return [j.request.prompt for j in queue.jobs() if j.state in waiting]


class Recorder:
    """A subscriber that keeps every event (and the threads they came on) and lets a test wait
    for one."""

    def __init__(self) -> None:
        self.events: list[JobEvent] = []
        self.threads: set[str] = set()
        self._cond = threading.Condition()

    def __call__(self, event: JobEvent) -> None:
        with self._cond:
            self.events.append(event)
            self.threads.add(threading.current_thread().name)
            self._cond.notify_all()

    def kinds(self) -> list[str]:
        return [e.kind.value for e in self.events]

    def ended(self, *kinds: EventKind) -> list[str]:
        """The prompts of the jobs whose events are of ``kinds``, in event order."""
        return [e.job.request.prompt for e in self.events if e.kind in kinds]

    def wait_for(
        self, predicate: Callable[[list[JobEvent]], bool], timeout: float = TIMEOUT
    ) -> None:
        """Wait until ``predicate(events)`` holds; fail, listing the events, after ``timeout``."""
        with self._cond:
            ok = self._cond.wait_for(lambda: predicate(self.events), timeout)
            assert ok, [(e.kind.value, e.job and e.job.request.prompt) for e in self.events]
