"""The window's generation jobs: the open project's :class:`~studio.app.production.Production`,
its events and recorded results brought to the GUI thread as Qt signals.

Everything else (the queue, the worker, where each result goes) is the app layer's, shared with
the command line; this adapter only turns "something arrived" into a queued signal, so the
production delivers on the GUI thread, where every change to the project happens.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.app.executors import ExecutorChoice, FeedingExecutor
from studio.app.production import Event, Production, Stopping
from studio.app.results import Recorded
from studio.core.request import Request
from studio.core.store import ProjectFolder
from studio.engine.jobs import EventKind, Job, JobEvent, JobQueue


class JobRunner(QObject):
    """The jobs of one open project. ``event`` carries every :class:`JobEvent` and
    ``recorded`` every :class:`Recorded` (its result already in the project), both on the GUI
    thread."""

    event = Signal(object)
    recorded = Signal(object)
    _wake = Signal()  # something arrived: sent from the worker's feeding thread

    def __init__(
        self,
        folder: ProjectFolder,
        models_dir: Path | None,
        parent: QObject | None = None,
        after: Stopping | None = None,
        executor: ExecutorChoice | None = None,
    ) -> None:
        """``after``: the previous runner of this folder, still stopping (waited for);
        ``executor``: where the jobs run (default: the local worker; when that is the farm and
        Ray is not installed, the local worker, and :attr:`notes` says so)."""
        super().__init__(parent)
        self._folder, self._models_dir = folder, models_dir
        self.notes: list[str] = []  # lines for the user about where the jobs run
        self._wake.connect(self._deliver)  # queued: the signal crosses threads
        self.production = self._produce(after, executor or ExecutorChoice())

    def use(self, executor: ExecutorChoice) -> list[str]:
        """Run the jobs on ``executor`` from now on: the worker or farm stops (a running job
        goes back to the queue, to start again there; waited for, as when the project is opened
        again), and the jobs are read again from the project. Lines for the user."""
        if executor == self.production.choice:
            return []
        paused = self.production.queue.paused  # stays paused there
        stopping = self.production.close()
        self.production = self._produce(stopping, executor, paused)
        self.event.emit(JobEvent(EventKind.CHANGED, None))  # every view reads the jobs again
        return list(self.notes)

    def _produce(
        self, after: Stopping | None, executor: ExecutorChoice, paused: bool = False
    ) -> Production:
        from studio.engine.ray_cluster import FarmUnavailable

        self.notes = []
        try:
            production = Production(self._folder, self._models_dir, notify=self._wake.emit,
                                    after=after, executor=executor)  # fmt: skip
        except FarmUnavailable as exc:
            self.notes = [f"{exc}; jobs run on this machine's worker"]
            production = Production(self._folder, self._models_dir, notify=self._wake.emit)
        production.listen(self._forward)
        if paused:
            production.set_paused(True)
        production.start()
        return production

    @property
    def queue(self) -> JobQueue:
        return self.production.queue

    @property
    def executor(self) -> FeedingExecutor:
        return self.production.executor

    @property
    def problems(self) -> list[str]:
        return self.production.problems

    def submit(self, requests: Iterable[Request], priority: int = 0) -> list[Job]:
        return self.production.submit(list(requests), priority)

    def jobs(self) -> list[Job]:
        return self.production.jobs()

    def cancel(self, job_id: str) -> None:
        self.production.cancel(job_id)

    def retry(self, job_id: str) -> Job:
        return self.production.retry(job_id)

    def move(self, job_id: str, index: int) -> None:
        self.production.move(job_id, index)

    def set_paused(self, paused: bool) -> None:
        self.production.set_paused(paused)

    def set_held(self, job_id: str, held: bool) -> None:
        self.production.set_held(job_id, held)

    def shutdown(self) -> Stopping:
        """Returns at once: the worker stops in the background and a running job goes back
        to the queue for next time."""
        return self.production.close()

    def _deliver(self) -> None:
        self.production.deliver()

    def _forward(self, event: Event) -> None:
        (self.recorded if isinstance(event, Recorded) else self.event).emit(event)
