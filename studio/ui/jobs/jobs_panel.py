"""The Jobs panel: the open project's generation queue, one row a job with its progress bar and
latest preview, and the actions on it — cancel, retry, hold/release, move up/down (or drag), pause
the whole queue, clear finished rows — over the device's GPU/VRAM meter.

The panel only reads the queue (``runner.jobs()``, a quick copy under the queue's lock) and sends
it commands; the worker runs elsewhere. Job events mark the panel stale and a 100 ms single-shot
timer reads the queue once, so a burst of progress events costs one refresh. Rows are painted by
:mod:`studio.ui.jobs.job_rows`, the meter is :mod:`studio.ui.jobs.gpu_meter`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from studio.engine.jobs import Job, JobError, JobEvent, JobState
from studio.ui import keymap
from studio.ui.jobs.gpu_meter import GpuMeter
from studio.ui.jobs.job_rows import WAITING, JobDelegate, JobListModel, button_for
from studio.ui.session import Session

REFRESH_MS = 100  # job events are gathered this long before the queue is read again
FINISHED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class JobsPanel(QWidget):
    """The queue of ``session``'s open project (none, or read-only: an empty, disabled list)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = JobListModel(self)
        self.delegate = JobDelegate(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDropIndicatorShown(True)
        self.view.setMouseTracking(True)
        self.status = QLabel()
        self.detail = QLabel()  # the selected job's error, whole
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        self.meter = GpuMeter()
        self._hidden: set[str] = set()  # finished jobs cleared from the view
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._actions = self._make_actions()
        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in self._actions:
            toolbar.addAction(action)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.meter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(toolbar)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        session.jobEvent.connect(self._on_event)
        session.projectChanged.connect(self._project_changed)
        self.model.moveRequested.connect(self._move_to)
        self.delegate.buttonClicked.connect(self._button)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.view.activated.connect(self._show_shot)
        self._project_changed()

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The panel's actions (for menus and the Help dialog); their shortcuts work while the
        panel has focus."""
        return list(self._actions)

    def _make_actions(self) -> list[QAction]:
        def make(text: str, slot: Callable[[], None], name: str = "", tip: str = "") -> QAction:
            action = keymap.bind(QAction(text, self), name)  # keys while the list has focus
            action.setToolTip(tip or text)
            action.triggered.connect(slot)
            self.addAction(action)
            return action

        self.pause_action = make("Pause Queue", self._toggle_pause, "pause_queue",
                                 "Start no new jobs (the running one finishes)")  # fmt: skip
        self.pause_action.setCheckable(True)
        self.cancel_action = make("Cancel Job", self.cancel_selected, "cancel_job")
        self.retry_action = make("Retry Job", self.retry_selected, "retry_job",
                                 "Run a failed or cancelled job again")  # fmt: skip
        self.hold_action = make("Hold", self.hold_selected, "hold_job",
                                "Keep a waiting job from starting, or let it start")  # fmt: skip
        self.up_action = make("Move Up", lambda: self.move_selected(-1), "job_up")
        self.down_action = make("Move Down", lambda: self.move_selected(1), "job_down")
        self.clear_action = make("Clear Finished", self.clear_finished, "",
                                 "Hide the finished jobs from this list")  # fmt: skip
        return [self.pause_action, self.cancel_action, self.retry_action, self.hold_action,
                self.up_action, self.down_action, self.clear_action]  # fmt: skip

    # -- reading the queue ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the queue now and show it."""
        self._timer.stop()
        runner = self.session.runner
        jobs = [] if runner is None else [j for j in runner.jobs() if j.id not in self._hidden]
        self.model.set_jobs(jobs)
        if runner is not None:  # the farm has no one device: its workers show in the status
            self.meter.set_device(getattr(runner.executor, "device", ""))
            self.pause_action.setChecked(runner.queue.paused)
        self.status.setText(self._status_text(jobs))
        self._update_actions()

    def _on_event(self, event: JobEvent) -> None:
        if event.job is not None and isinstance(event.preview, bytes | bytearray):
            self.model.set_preview(event.job.id, bytes(event.preview))
        if not self._timer.isActive():
            self._timer.start()

    def _project_changed(self) -> None:
        self._hidden.clear()
        self.model.set_jobs([])
        enabled = self.session.runner is not None
        self.view.setEnabled(enabled)
        self.meter.set_device("")
        self.refresh()

    def _status_text(self, jobs: list[Job]) -> str:
        runner = self.session.runner
        if runner is None:
            return "read-only: no jobs" if self.session.folder is not None else "no project open"
        counts = {state: 0 for state in JobState}
        for job in jobs:
            counts[job.state] += 1
        parts = [f"{counts[JobState.RUNNING]} running",
                 f"{counts[JobState.QUEUED] + counts[JobState.PAUSED]} waiting"]  # fmt: skip
        if counts[JobState.PAUSED]:
            parts.append(f"{counts[JobState.PAUSED]} held")
        if counts[JobState.FAILED]:
            parts.append(f"{counts[JobState.FAILED]} failed")
        if runner.queue.paused:
            parts.append("queue paused")
        farm = [w for w in runner.executor.workers() if w.alive and w.name != "local"]
        if farm:
            names = ", ".join(f"{w.name} ({'GPU ' + ','.join(w.gpus) if w.gpus else 'cpu'})"
                              for w in farm)  # fmt: skip
            parts.append(f"farm: {names}")
        return " · ".join(parts)

    def selected_jobs(self) -> list[Job]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        return [job for row in rows if (job := self.model.job(row)) is not None]

    def select_jobs(self, job_ids: list[str]) -> None:
        selection = QItemSelection()
        for job_id in job_ids:
            row = self.model.row_of(job_id)
            if row >= 0:
                selection.select(self.model.index(row), self.model.index(row))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.view.selectionModel().select(selection, flags)
        if job_ids and (row := self.model.row_of(job_ids[-1])) >= 0:
            self.view.scrollTo(self.model.index(row))

    def _update_actions(self, *_: object) -> None:
        runner = self.session.runner
        jobs = self.selected_jobs() if runner is not None else []
        states = {j.state for j in jobs}
        cancellable = any(button_for(j) == "Cancel" for j in jobs)
        self.pause_action.setEnabled(runner is not None)
        self.cancel_action.setEnabled(cancellable)
        self.retry_action.setEnabled(bool(states & {JobState.FAILED, JobState.CANCELLED}))
        self.hold_action.setEnabled(bool(states & set(WAITING)))
        self.hold_action.setText("Release" if self._releasing(jobs) else "Hold")
        index, waiting = self._waiting_place(jobs)
        self.up_action.setEnabled(index > 0)
        self.down_action.setEnabled(0 <= index < len(waiting) - 1)
        self.clear_action.setEnabled(any(j.state in FINISHED for j in self.model.jobs()))
        errors = [j.error for j in jobs if j.error]
        self.detail.setText("\n".join(errors))
        self.detail.setVisible(bool(errors))

    @staticmethod
    def _releasing(jobs: list[Job]) -> bool:
        waiting = [j for j in jobs if j.state in WAITING]
        return bool(waiting) and all(j.state is JobState.PAUSED for j in waiting)

    def _waiting_place(self, jobs: list[Job]) -> tuple[int, list[str]]:
        """The one selected job's index among the waiting jobs (-1 if not one waiting job)."""
        waiting = [j.id for j in self.model.jobs() if j.state in WAITING]
        if len(jobs) != 1 or jobs[0].id not in waiting:
            return -1, waiting
        return waiting.index(jobs[0].id), waiting

    # -- commands --------------------------------------------------------------------------------

    def _command(self, what: str, change: Callable[[], object]) -> object:
        """Run a queue command; a job that changed meanwhile is said on the status bar."""
        try:
            return change()
        except JobError as exc:
            self.session.message.emit(f"{what}: {exc}")
            return None

    def cancel_selected(self) -> None:
        runner = self.session.runner
        for job in self.selected_jobs() if runner is not None else []:
            if job.state in WAITING or job.state is JobState.RUNNING:
                self._command("Cancel Job", lambda j=job: runner.cancel(j.id))
        self.refresh()

    def retry_selected(self) -> None:
        runner = self.session.runner
        new: list[str] = []
        for job in self.selected_jobs() if runner is not None else []:
            if job.state in (JobState.FAILED, JobState.CANCELLED):
                retried = self._command("Retry Job", lambda j=job: runner.retry(j.id))
                if isinstance(retried, Job):
                    new.append(retried.id)
        self.refresh()
        if new:
            self.select_jobs(new)

    def hold_selected(self) -> None:
        runner = self.session.runner
        jobs = self.selected_jobs() if runner is not None else []
        release = self._releasing(jobs)
        for job in jobs:
            if job.state in WAITING:
                self._command("Hold", lambda j=job: runner.set_held(j.id, not release))
        self.refresh()

    def move_selected(self, step: int) -> None:
        """Move the one selected waiting job ``step`` places (-1 up, 1 down)."""
        jobs = self.selected_jobs()
        index, waiting = self._waiting_place(jobs)
        if index >= 0 and 0 <= index + step < len(waiting):
            self._move_to(jobs[0].id, index + step)

    def _move_to(self, job_id: str, index: int) -> None:
        runner = self.session.runner
        if runner is not None:
            self._command("Move Job", lambda: runner.move(job_id, index))
            self.refresh()

    def _toggle_pause(self) -> None:
        runner = self.session.runner
        if runner is not None:
            runner.set_paused(self.pause_action.isChecked())
            self.refresh()

    def clear_finished(self) -> None:
        self._hidden.update(j.id for j in self.model.jobs() if j.state in FINISHED)
        self.refresh()

    def _button(self, job_id: str, what: str) -> None:
        self.select_jobs([job_id])
        if what == "Retry":
            self.retry_selected()
        elif what == "Cancel":
            self.cancel_selected()

    def _show_shot(self, index: QModelIndex) -> None:
        """Activating a row shows its shot on the timeline."""
        job = self.model.job(index.row())
        if job is None:
            return
        try:
            episode = self.session.episode_of(job.request.shot_id)
        except KeyError:
            return  # a character's reference, or a shot gone since
        self.session.set_episode(episode)
        self.session.select([job.request.shot_id])
