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
from studio.engine.jobs import Job, JobQueue


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
        ``executor``: where the jobs run (default: the local worker). FarmUnavailable when the
        farm is chosen and Ray is not installed."""
        super().__init__(parent)
        self.production = Production(folder, models_dir, notify=self._wake.emit, after=after,
                                     executor=executor)  # fmt: skip
        self._wake.connect(self._deliver)  # queued: the signal crosses threads
        self.production.listen(self._forward)
        self.production.start()

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


def open_runner(
    folder: ProjectFolder,
    models_dir: Path,
    parent: QObject,
    after: Stopping | None,
    executor: ExecutorChoice,
) -> tuple[JobRunner, list[str]]:
    """The runner of ``folder``'s jobs on ``executor``; when that is the farm and Ray is not
    installed, the local worker, with a line saying so."""
    from studio.engine.ray_cluster import FarmUnavailable

    try:
        return JobRunner(folder, models_dir, parent, after, executor), []
    except FarmUnavailable as exc:
        line = f"{exc}; jobs run on this machine's worker"
        return JobRunner(folder, models_dir, parent, after=after), [line]
