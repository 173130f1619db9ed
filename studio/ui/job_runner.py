"""The window's generation jobs: the project's job queue, fed to a worker process, with the
queue's events and each finished result brought to the GUI thread.

The worker process owns the device; a thread of this process feeds it (see
:mod:`studio.engine.process_executor`), so nothing here ever waits on the GPU. Results are
recorded in the project on the GUI thread, where every other change to the model happens: the
feeding thread hands each result over and waits until it is stored, so a job is only reported
done once its take is in the project (and a failure to record fails the job with the reason).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.app.models import worker_config
from studio.app.results import Recorded, job_outputs
from studio.core.request import Request
from studio.core.result import TakeResult
from studio.core.store import ProjectFolder
from studio.engine.jobs import Job, JobEvent, JobQueue
from studio.engine.process_executor import ProcessExecutor

# Stores a result in the project (on the GUI thread) and says what it added.
Recorder = Callable[[Job, str, TakeResult], Recorded]


class _Handover:
    """One result waiting for the GUI thread to record it."""

    def __init__(self, job: Job, take_id: str, result: TakeResult) -> None:
        self.args = (job, take_id, result)
        self.done = threading.Event()
        self.error: BaseException | None = None


class JobRunner(QObject):
    """The jobs of one open project. ``event`` carries every :class:`JobEvent` and
    ``recorded`` every :class:`Recorded`, both on the GUI thread."""

    event = Signal(object)
    recorded = Signal(object)
    _wake = Signal()  # a result or an event is waiting: sent from other threads

    def __init__(
        self,
        folder: ProjectFolder,
        record: Recorder,
        models_dir: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.queue = JobQueue.open(folder.root)
        self._record = record
        self._handovers: deque[_Handover] = deque()
        self._events: deque[JobEvent] = deque()
        self._closed = False
        self._wake.connect(self._deliver)  # queued: the signal crosses threads
        self._unsubscribe = self.queue.subscribe(self._on_event)
        config = worker_config(models_dir)
        self.executor = ProcessExecutor(
            self.queue, folder.root, self._on_result, config, job_outputs(folder)
        )
        self.executor.start()

    @property
    def problems(self) -> list[str]:
        """Lines about the saved queue (a damaged ``jobs.json`` kept aside…)."""
        return list(self.queue.problems)

    def submit(self, requests: Iterable[Request], priority: int = 0) -> list[Job]:
        jobs = self.queue.submit_many(requests, priority=priority)
        self.executor.wake()
        return jobs

    def jobs(self) -> list[Job]:
        return self.queue.jobs()

    def cancel(self, job_id: str) -> None:
        self.queue.cancel(job_id)

    def retry(self, job_id: str) -> Job:
        job = self.queue.retry(job_id)
        self.executor.wake()
        return job

    def move(self, job_id: str, index: int) -> None:
        self.queue.move(job_id, index)

    def set_paused(self, paused: bool) -> None:
        if paused:
            self.queue.pause()
        else:
            self.queue.resume()
            self.executor.wake()

    def set_held(self, job_id: str, held: bool) -> None:
        if held:
            self.queue.hold(job_id)
        else:
            self.queue.release(job_id)
            self.executor.wake()

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop the worker; a running job goes back to the queue for next time. Results that
        arrive meanwhile are still recorded (this thread is the GUI thread)."""
        if self._closed:
            return
        self._closed = True
        stopper = threading.Thread(target=self.executor.stop, args=(timeout,), daemon=True)
        stopper.start()
        while stopper.is_alive():
            self._record_waiting()
            stopper.join(0.02)
        self._deliver()
        self._unsubscribe()

    # -- other threads ------------------------------------------------------------------------

    def _on_event(self, event: JobEvent) -> None:
        self._events.append(event)
        self._wake.emit()

    def _on_result(self, job: Job, take_id: str, result: TakeResult) -> None:
        """Called on the feeding thread: wait until the GUI thread has recorded the result."""
        handover = _Handover(job, take_id, result)
        self._handovers.append(handover)
        self._wake.emit()
        handover.done.wait()
        if handover.error is not None:
            raise handover.error

    # -- the GUI thread -----------------------------------------------------------------------

    def _deliver(self) -> None:
        self._record_waiting()
        while self._events:
            self.event.emit(self._events.popleft())

    def _record_waiting(self) -> None:
        while self._handovers:
            handover = self._handovers.popleft()
            try:
                recorded: Any = self._record(*handover.args)
            except Exception as exc:  # the job fails with the reason; the window goes on
                handover.error = exc
            else:
                self.recorded.emit(recorded)
            finally:
                handover.done.set()
