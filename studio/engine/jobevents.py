"""The job queue's events: what subscribers are told, and how it reaches them. No Qt, no torch.

Subscribers are never called with the queue's lock held: events are queued under it and
delivered in order by whichever thread is delivering, so a subscriber may call back into the
queue. A subscriber that raises is logged and skipped. :class:`EventKind` and :class:`JobEvent`
are imported from :mod:`studio.engine.jobs` by callers.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from studio.engine.jobfile import Job


class EventKind(StrEnum):
    QUEUED = "queued"  # submitted, or back in the queue (a retried failure; ``error`` says why)
    STARTED = "started"
    PROGRESS = "progress"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    CHANGED = "changed"  # moved, priority, held/released, cancel requested; job None: paused


@dataclass(frozen=True, slots=True)
class JobEvent:
    kind: EventKind
    job: Job | None  # a snapshot of the job after the change; None when the queue changed
    step: int = 0
    total: int = 0
    preview: Any = None  # progress only: whatever the executor sent (a frame)
    error: str = ""


Subscriber = Callable[[JobEvent], object]


def job_event(kind: EventKind, job: Job, **fields: Any) -> JobEvent:
    """An event about ``job``, carrying a snapshot of it."""
    return JobEvent(kind, replace(job), **fields)


class Delivery:
    """A queue's subscribers and the events on their way to them, guarded by the queue's lock
    (never held while a subscriber runs); failures go to the queue's log."""

    def __init__(self, lock: threading.Lock, log: logging.Logger) -> None:
        self._lock = lock
        self._log = log
        self._subscribers: list[Subscriber] = []
        self._pending: deque[JobEvent] = deque()
        self._delivering = False

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, events: list[JobEvent]) -> None:
        """Deliver ``events`` (call without the lock held)."""
        with self._lock:
            self._pending.extend(events)
            if self._delivering:
                return  # the thread delivering now sends these too, in order
            self._delivering = True
        try:
            while True:
                with self._lock:
                    if not self._pending:
                        self._delivering = False
                        return
                    event = self._pending.popleft()
                    subscribers = list(self._subscribers)
                for callback in subscribers:
                    try:
                        callback(event)
                    except Exception:
                        self._log.exception(
                            "a job queue subscriber failed on a %s event", event.kind
                        )
        except BaseException:
            with self._lock:
                self._delivering = False
            raise
