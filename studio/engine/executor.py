"""Executors run queued jobs: each pulls from a :class:`~studio.engine.jobs.JobQueue` and reports
back to it. Callers only ever hold the :class:`Executor` protocol.

The queue is the single source of truth and the only channel: an executor claims work with
``queue.next_job()`` and reports ``progress``, ``finished``, ``failed(retry=...)``,
``cancelled`` or ``requeue`` for it; callers submit, reorder and cancel through the queue and
call ``wake()`` after submitting (executors also subscribe to the queue's events and wake
themselves). A cancel of a running job reaches the executor as the queue's ``changed`` event
with ``job.cancel_requested`` set, or by polling ``queue.is_cancel_requested(job_id)``.

Implementations: :class:`InlineExecutor` here (a thread of this process: tests, CPU-only
animatics); the worker-process executor (one process per GPU,
:mod:`studio.engine.process_executor`); and the Ray executor (:mod:`studio.engine.ray_executor`:
one Ray actor per GPU of a workstation or a cluster, each running the worker's own code). The
app and the CLI do not change with the executor. An executor that can say who runs its jobs
also offers ``workers() -> list[WorkerInfo]`` and names the worker on each job it starts
(``queue.started(job_id, worker=...)``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from studio.engine.jobs import EventKind, Job, JobEvent, JobQueue

log = logging.getLogger(__name__)

# step, total, preview=None: reported to the queue as progress
ProgressFn = Callable[..., None]
# run(job, progress, cancelled) -> the id of the take it made; when ``cancelled()`` turns true it
# should stop soon (return "" or raise): it is then reported cancelled.
RunFn = Callable[[Job, ProgressFn, Callable[[], bool]], str]


@dataclass(frozen=True)
class WorkerInfo:
    """One worker of an executor and what it has done, for summaries and the Jobs panel."""

    name: str  # "local", "ray-0"
    device: str = ""  # the worker's own description: "cpu", "cuda:0 (NVIDIA H100 …)"
    gpus: tuple[str, ...] = ()  # the GPU ids it owns (Ray's ids: its CUDA_VISIBLE_DEVICES)
    node: str = ""  # the Ray node's address ("" for this machine's worker process)
    storage: str = ""  # "shared": it writes takes in place; "object store": shipped back
    jobs: int = 0  # attempts it ran to an end (done, failed or cancelled)
    busy_s: float = 0.0  # seconds it spent running them
    alive: bool = True

    @property
    def on_gpu(self) -> bool:
        return bool(self.gpus) or self.device.startswith("cuda")


@runtime_checkable
class Executor(Protocol):
    """What every executor offers its callers."""

    def start(self) -> None:
        """Begin taking jobs from the queue (idempotent)."""
        ...

    def stop(self) -> None:
        """Take no more jobs; interrupt running ones and give them back to the queue."""
        ...

    def cancel(self, job_id: str) -> None:
        """Cancel a job: same as ``queue.cancel(job_id)``, which reaches the executor."""
        ...

    def wake(self) -> None:
        """Jobs were queued or released: look for work now."""
        ...


class InlineExecutor:
    """Runs jobs one at a time in a background thread of this process by calling ``run``.

    An exception from ``run`` fails the job (retried once when ``retry_errors``), unless a
    cancel was requested, when the job is cancelled; a take id returned is kept even if a cancel
    came too late to stop it. ``stop`` makes ``cancelled()`` true and puts the job back.
    """

    def __init__(self, queue: JobQueue, run: RunFn, *, retry_errors: bool = False) -> None:
        self.queue = queue
        self._run = run
        self._retry_errors = retry_errors
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._unsubscribe = self.queue.subscribe(self._on_event)
        self._thread = threading.Thread(target=self._loop, name="inline-executor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop; waits up to ``timeout`` seconds for the running job to give up."""
        self._stopping.set()
        self._wake.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("the inline executor's job did not stop within %s s", timeout)

    def cancel(self, job_id: str) -> None:
        self.queue.cancel(job_id)

    def wake(self) -> None:
        self._wake.set()

    def _on_event(self, event: JobEvent) -> None:
        if event.kind not in (EventKind.PROGRESS, EventKind.STARTED):
            self._wake.set()  # queued, released, resumed, or a job ended: look again

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # before looking, so a wake-up while looking is not lost
            try:
                job = self.queue.next_job()
                if job is not None:
                    self._run_one(job)
                    continue
            except Exception:
                log.exception("the inline executor failed")
            self._wake.wait()

    def _run_one(self, job: Job) -> None:
        queue, job_id = self.queue, job.id

        def progress(step: int, total: int, preview: Any = None) -> None:
            queue.progress(job_id, step, total, preview)

        def cancelled() -> bool:
            return self._stopping.is_set() or queue.is_cancel_requested(job_id)

        error = ""
        try:
            take_id = self._run(job, progress, cancelled)
        except Exception as exc:
            take_id, error = "", f"{type(exc).__name__}: {exc}"
            log.debug("job %s raised", job_id, exc_info=True)
        if take_id:
            queue.finished(job_id, take_id)
        elif queue.is_cancel_requested(job_id):
            queue.cancelled(job_id)
        elif self._stopping.is_set():
            queue.requeue(job_id)
        else:
            queue.failed(job_id, error or "the run made no take", retry=self._retry_errors)
