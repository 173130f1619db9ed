"""The job queue: one project's generation jobs, in the order they will run. No Qt, no torch.

**Order.** Waiting jobs run highest ``priority`` first, then in the *manual order* (submission
order until the user changes it); ``move(job_id, index)`` puts a waiting job at ``index`` among
the waiting jobs (the waiting part of :meth:`JobQueue.jobs`) and the drop always wins. The rules,
and which job runs next: :mod:`studio.engine.job_order`. A job sent back to the queue (a retried
failure, a running job found on open) goes to the front of its priority.

**Threads.** Every method may be called from any thread; one lock guards the state. Subscribers
are never called with the lock held: events are queued under it and delivered in order by
whichever thread is delivering, so a subscriber may call back into the queue. A subscriber that
raises is logged and skipped (:mod:`studio.engine.jobevents`).

**Persistence.** ``JobQueue.open(project_dir)`` keeps ``jobs.json`` there (its layout, and what
becomes of a bad one: :mod:`studio.engine.jobfile`). Every change but progress is saved
atomically before the method returns (concurrent changes share one write), so a job is on disk
once ``submit`` returns; 1,000 jobs (0.8 MB) take about 8 ms a save. On open, running jobs are
queued again (attempts kept), done and cancelled jobs beyond the newest ``keep_finished`` are
dropped, and a damaged file or one of an unknown version is kept as ``jobs.json.broken-<time>``
with a line in ``problems``. :meth:`JobQueue.clear_finished` drops every ended job when asked.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from studio.core.atomic import describe
from studio.core.request import Request
from studio.engine import job_order, jobfile
from studio.engine.job_order import WAITING
from studio.engine.jobevents import Delivery, EventKind, JobEvent, Subscriber, job_event
from studio.engine.jobfile import JOBS_FILE, KEEP_FINISHED, Job, JobState, now, request_text

__all__ = ["EventKind", "Job", "JobError", "JobEvent", "JobQueue", "JobState"]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a failure reported with retry=True is retried once
_ERROR_CHARS = 500
ENDED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class JobError(ValueError):
    """No such job, or the job is in a state that does not allow the operation."""


class JobQueue:
    """The jobs of one project. ``JobQueue()`` keeps them in memory only."""

    def __init__(self, path: Path | None = None, *, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.path = path  # jobs.json, or None
        self.max_attempts = max_attempts
        self.problems: list[str] = []  # one line each, for the user
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._order: list[str] = []  # the manual order of every job id
        self._requests: dict[str, str] = {}  # job id -> its request as JSON text, for saving
        self._paused = False
        self._delivery = Delivery(self._lock, log)
        self._changes = 0  # counts changes worth saving
        self._save_lock = threading.Lock()  # taken before ``_lock``, never after
        self._saved = 0  # the change count the file on disk holds

    @classmethod
    def open(
        cls,
        project_dir: Path,
        *,
        keep_finished: int = KEEP_FINISHED,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> JobQueue:
        """The queue saved in ``project_dir``; never raises for a bad file (see ``problems``)."""
        queue = cls(Path(project_dir) / JOBS_FILE, max_attempts=max_attempts)
        if queue._load(keep_finished):
            queue._changes += 1
            queue._save(queue._changes)
        return queue

    # -- what the user does ------------------------------------------------------------------

    def submit(self, request: Request, *, priority: int = 0) -> Job:
        return self.submit_many([request], priority=priority)[0]

    def submit_many(self, requests: Iterable[Request], priority: int = 0) -> list[Job]:
        texts = [(r, request_text(r)) for r in requests]  # encoded outside the lock
        with self._changing() as events:
            jobs = [self._add(r, text, priority) for r, text in texts]
            events.extend(job_event(EventKind.QUEUED, j) for j in jobs)
            return [replace(j) for j in jobs]

    def move(self, job_id: str, index: int) -> Job:
        """Put a waiting job at ``index`` among the waiting jobs (module docstring)."""
        with self._changing() as events:
            job = self._get(job_id, WAITING, "move")
            job.priority = job_order.move(self._jobs, self._order, job, index)
            events.append(job_event(EventKind.CHANGED, job))
            return replace(job)

    def set_priority(self, job_id: str, priority: int) -> Job:
        with self._changing() as events:
            job = self._get(job_id)
            if job.priority != priority:
                job.priority = priority
                events.append(job_event(EventKind.CHANGED, job))
            return replace(job)

    def cancel(self, job_id: str) -> Job:
        """A waiting job is cancelled now; a running one is flagged ``cancel_requested`` (a
        ``changed`` event tells the executor, which reports ``cancelled``). Finished: no-op."""
        with self._changing() as events:
            job = self._get(job_id)
            if job.state in WAITING:
                events.append(self._end(job, JobState.CANCELLED))
            elif job.state is JobState.RUNNING and not job.cancel_requested:
                job.cancel_requested = True
                events.append(job_event(EventKind.CHANGED, job))
            return replace(job)

    def pause(self) -> None:
        """``next_job`` gives nothing until :meth:`resume`; running jobs finish."""
        self._set_paused(True)

    def resume(self) -> None:
        self._set_paused(False)

    @property
    def paused(self) -> bool:
        return self._paused

    def hold(self, job_id: str) -> Job:
        """Keep a queued job from starting (state ``paused``); it keeps its place."""
        return self._switch(job_id, JobState.QUEUED, JobState.PAUSED, "hold")

    def release(self, job_id: str) -> Job:
        return self._switch(job_id, JobState.PAUSED, JobState.QUEUED, "release")

    def retry(self, job_id: str) -> Job:
        """Submit a failed or cancelled job's request again as a new job (``retry_of`` set)."""
        with self._changing() as events:
            old = self._get(job_id, (JobState.FAILED, JobState.CANCELLED), "retry")
            job = self._add(old.request, self._requests[old.id], old.priority)
            job.retry_of = old.id
            events.append(job_event(EventKind.QUEUED, job))
            return replace(job)

    def clear_finished(self) -> list[str]:
        """Drop the done, failed and cancelled jobs from the queue (and its file); the ids
        dropped. Their takes and files stay; a ``changed`` event with no job says so."""
        with self._changing() as events:
            ended = [i for i in self._order if self._jobs[i].state in ENDED]
            for job_id in ended:
                del self._jobs[job_id], self._requests[job_id]
                self._order.remove(job_id)
            if ended:
                events.append(JobEvent(EventKind.CHANGED, None))
            return ended

    # -- what the executor does --------------------------------------------------------------

    def next_job(self, only: Collection[str] | None = None) -> Job | None:
        """Claim the job to run next (None while paused or empty): it becomes running.
        ``only``: claim none but these jobs (a command runs its own, not others left queued)."""
        with self._changing() as events:
            best = None if self._paused else job_order.next_queued(self._jobs, self._order, only)
            if best is None:
                return None
            best.state, best.started, best.finished = JobState.RUNNING, now(), ""
            best.attempts += 1
            best.progress, best.cancel_requested, best.worker = None, False, ""
            events.append(job_event(EventKind.STARTED, best))
            return replace(best)

    def is_cancel_requested(self, job_id: str) -> bool:
        """True when the job is no longer wanted: cancel requested, cancelled or unknown."""
        with self._lock:
            job = self._jobs.get(job_id)
            return job is None or job.cancel_requested or job.state is JobState.CANCELLED

    def started(self, job_id: str, worker: str = "") -> None:
        """Optional: the device really began a job claimed earlier (a remote worker picked it
        up); restamps ``started``, names the ``worker`` running it (saved when it ends) and sends
        ``changed``. ``next_job`` made it running."""
        with self._changing() as events:
            if job := self._running(job_id, "started"):
                job.started = now()
                job.worker = worker or job.worker
                events.append(job_event(EventKind.CHANGED, job))

    def progress(self, job_id: str, step: int, total: int, preview: Any = None) -> None:
        """Step ``step`` of ``total`` is done; not saved to disk."""
        with self._changing(persist=False) as events:
            if job := self._running(job_id, "progress"):
                job.progress = (step, total)
                kw = {"step": step, "total": total, "preview": preview}
                events.append(job_event(EventKind.PROGRESS, job, **kw))

    def finished(self, job_id: str, take_id: str) -> None:
        with self._changing() as events:
            if job := self._running(job_id, "finished"):
                job.take_id, job.error = take_id, ""
                events.append(self._end(job, JobState.DONE))

    def failed(self, job_id: str, error: str, *, retry: bool = False) -> None:
        """The attempt failed. With ``retry`` and attempts left the job is queued again at the
        front of its priority (a ``queued`` event with ``error``); otherwise it is failed. A
        job whose cancel was requested becomes cancelled."""
        line = _one_line(error)
        with self._changing() as events:
            if job := self._running(job_id, "failed"):
                job.error = line
                if job.cancel_requested:
                    events.append(self._end(job, JobState.CANCELLED, error=line))
                elif retry and job.attempts < self.max_attempts:
                    events.append(self._requeue(job, error=line))
                else:
                    events.append(self._end(job, JobState.FAILED, error=line))

    def cancelled(self, job_id: str) -> None:
        """The executor stopped a running job (after ``cancel``): it becomes cancelled."""
        with self._changing() as events:
            if job := self._running(job_id, "cancelled"):
                events.append(self._end(job, JobState.CANCELLED))

    def requeue(self, job_id: str) -> None:
        """The executor gives a running job back unfinished (it is shutting down): queued again
        at the front of its priority, attempts kept; cancelled if its cancel was requested."""
        with self._changing() as events:
            if job := self._running(job_id, "requeue"):
                cancel = job.cancel_requested
                events.append(self._end(job, JobState.CANCELLED) if cancel else self._requeue(job))

    # -- reading and events ------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        """Snapshots in display order: running (by start), waiting (in the order they will
        run, held jobs in their place), then finished ones (by finish time)."""
        with self._lock:
            return [replace(j) for j in job_order.listed(self._jobs, self._order)]

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else replace(job)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` after every change, from whichever thread made it or is
        delivering; returns the function that unsubscribes."""
        return self._delivery.subscribe(callback)

    # -- inside the lock ---------------------------------------------------------------------

    def _add(self, request: Request, text: str, priority: int) -> Job:
        job_id = f"jb-{secrets.token_hex(4)}"
        while job_id in self._jobs:
            job_id = f"jb-{secrets.token_hex(4)}"
        job = Job(id=job_id, request=request, priority=priority, created=now())
        self._jobs[job_id] = job
        self._order.append(job_id)
        self._requests[job_id] = text
        return job

    def _get(self, job_id: str, states: tuple[JobState, ...] = (), action: str = "") -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise JobError(f"no job {job_id!r}")
        if states and job.state not in states:
            raise JobError(f"cannot {action} job {job_id}: it is {job.state.value}")
        return job

    def _running(self, job_id: str, report: str) -> Job | None:
        job = self._jobs.get(job_id)
        if job is None or job.state is not JobState.RUNNING:
            state = "unknown" if job is None else job.state.value
            log.warning("ignored %s report for job %s: it is %s", report, job_id, state)
            return None
        return job

    def _end(self, job: Job, state: JobState, error: str = "") -> JobEvent:
        job.state, job.finished, job.progress = state, now(), None
        self._order.remove(job.id)
        self._order.append(job.id)  # ended jobs list in the order they ended, even in one ms
        kind = EventKind.FINISHED if state is JobState.DONE else EventKind(state.value)
        return job_event(kind, job, error=error)

    def _requeue(self, job: Job, error: str = "") -> JobEvent:
        job.state, job.progress = JobState.QUEUED, None
        self._order.remove(job.id)
        self._order.insert(0, job.id)  # first in the manual order: first of its priority
        return job_event(EventKind.QUEUED, job, error=error)

    def _switch(self, job_id: str, old: JobState, new: JobState, action: str) -> Job:
        with self._changing() as events:
            job = self._get(job_id, (old, new), action)
            if job.state is old:
                job.state = new
                events.append(job_event(EventKind.CHANGED, job))
            return replace(job)

    def _set_paused(self, paused: bool) -> None:
        with self._changing() as events:
            if self._paused != paused:
                self._paused = paused
                events.append(JobEvent(EventKind.CHANGED, None))

    # -- changes, saving and delivery --------------------------------------------------------

    @contextlib.contextmanager
    def _changing(self, *, persist: bool = True) -> Iterator[list[JobEvent]]:
        """Hold the lock while the body changes state and lists its events; then (lock
        released) save if it listed any and ``persist``, and deliver them. No events, no
        change; an exception in the body changes nothing either (bodies check, then act)."""
        events: list[JobEvent] = []
        with self._lock:
            yield events
            if events and persist:
                self._changes += 1
            mark = self._changes if events and persist else 0
        if mark:
            self._save(mark)
        if events:
            self._delivery.emit(events)

    def _save(self, mark: int) -> None:
        """Write the file if it does not yet hold change ``mark``; one writer at a time, and
        each writes the newest state, so changes made meanwhile share the write."""
        if self.path is None:
            return
        with self._save_lock:
            if self._saved >= mark:
                return
            with self._lock:
                rows = [(jobfile.row(self._jobs[i]), self._requests[i]) for i in self._order]
                paused, mark = self._paused, self._changes
            try:
                jobfile.save(self.path, rows, paused)
            except OSError as exc:
                line = f"cannot save {self.path}: {describe(exc)}"
                log.error("%s", line)
                if line not in self.problems:
                    self.problems.append(line)
                return
            self._saved = mark

    # -- loading -----------------------------------------------------------------------------

    def _load(self, keep_finished: int) -> bool:
        """Read the file; True when what was read differs from what should be on disk."""
        assert self.path is not None
        loaded = jobfile.read(self.path)
        self.problems.extend(loaded.problems)
        if not loaded.writable:
            self.path = None  # never write over a file that could not be read or kept aside
        for job, text in loaded.jobs:
            self._jobs[job.id], self._requests[job.id] = job, text
            self._order.append(job.id)
        self._paused = loaded.paused
        was_running = [j for j in self._jobs.values() if j.state is JobState.RUNNING]
        for job in reversed(was_running):  # front of their priority, in their old order
            job.worker = ""  # whoever ran it is gone
            if job.cancel_requested:
                self._end(job, JobState.CANCELLED)
            else:
                self._requeue(job)
        dropped = jobfile.prune(self._jobs.values(), keep_finished)
        for job in dropped:
            del self._jobs[job.id], self._requests[job.id]
            self._order.remove(job.id)
        return bool(loaded.left_out or was_running or dropped)


def _one_line(error: str) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    line = lines[0] if lines else "unknown error"
    return line if len(line) <= _ERROR_CHARS else line[: _ERROR_CHARS - 1] + "…"
