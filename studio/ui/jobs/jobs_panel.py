"""The Jobs panel: the open project's generation queue, one row a job with what it makes, its
progress bar and latest preview (its result's still once done), and the actions on it — cancel,
retry, hold/release, move up/down (or drag), pause the whole queue, clear the finished jobs from
the queue, reveal a finished job's take in the take review (also on a row's right-click menu) —
over the device's GPU/VRAM meter. The list scrolls to jobs as they are queued.

The panel only reads the queue (``runner.jobs()``, a quick copy under the queue's lock) and sends
it commands; the worker runs elsewhere. Job events mark the panel stale and a 100 ms single-shot
timer reads the queue once, so a burst of progress events costs one refresh. Rows are painted by
:mod:`studio.ui.jobs.job_rows`, the meter is :mod:`studio.ui.jobs.gpu_meter`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from studio.core.request_makes import makes
from studio.core.targets import ShotTarget
from studio.engine.jobs import EventKind, Job, JobError, JobEvent, JobState
from studio.ui import keymap
from studio.ui.jobs.gpu_meter import GpuMeter
from studio.ui.jobs.job_rows import (
    WAITING,
    JobDelegate,
    JobListModel,
    button_for,
    result_thumbnail,
)
from studio.ui.session import Session
from studio.ui.tasks import run_in_background

REFRESH_MS = 100  # job events are gathered this long before the queue is read again
FINISHED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)
TAKES = ("take", "keyframe", "lip-sync")  # what a job makes that is a take of its shot


class JobsPanel(QWidget):
    """The queue of ``session``'s open project (none, or read-only: an empty, disabled list).
    ``takeRevealed(take_id)``: Reveal Take selected the take's shot; show the take."""

    takeRevealed = Signal(str)

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
        self.menu: QMenu | None = None  # a row's right-click menu, while open (or last)
        self._queued: list[str] = []  # jobs queued since the last refresh: scrolled to
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
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self.row_menu)
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
                                 "Remove the done, failed and cancelled jobs from the queue "
                                 "(their takes stay)")  # fmt: skip
        self.reveal_action = make("Reveal Take", self.reveal_take, "",
                                  "Show the take this job made in the take review")  # fmt: skip
        return [self.pause_action, self.cancel_action, self.retry_action, self.hold_action,
                self.up_action, self.down_action, self.clear_action,
                self.reveal_action]  # fmt: skip

    # -- reading the queue ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the queue now and show it."""
        self._timer.stop()
        runner = self.session.runner
        jobs = [] if runner is None else runner.jobs()
        self.model.set_jobs(jobs)
        self._show_results(jobs)
        if self._queued and (row := max(map(self.model.row_of, self._queued))) >= 0:
            self.view.scrollTo(self.model.index(row))  # the newest queued job comes into view
        self._queued.clear()
        if runner is not None:  # the farm has no one device: its workers show in the status
            self.meter.set_device(getattr(runner.executor, "device", ""))
            self.pause_action.setChecked(runner.queue.paused)
        self.status.setText(self._status_text(jobs))
        self._update_actions()

    def _on_event(self, event: JobEvent) -> None:
        if event.job is not None and isinstance(event.preview, bytes | bytearray):
            self.model.set_preview(event.job.id, bytes(event.preview))
        if event.job is not None and event.kind is EventKind.QUEUED:
            self._queued.append(event.job.id)
        if not self._timer.isActive():
            self._timer.start()

    def _project_changed(self) -> None:
        self._queued.clear()
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
        self.reveal_action.setEnabled(len(jobs) == 1 and _made_take(jobs[0]))
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
        """Remove the done, failed and cancelled jobs from the queue and its file."""
        runner = self.session.runner
        if runner is not None:
            runner.queue.clear_finished()
            self.refresh()

    def reveal_take(self) -> None:
        """Select the shot of the one selected job's take, and ask for the take shown."""
        jobs = self.selected_jobs()
        if len(jobs) != 1 or not _made_take(jobs[0]):
            return
        job = jobs[0]
        if not self._select_shot(job):
            self.session.message.emit(f"Reveal Take: the shot of take {job.take_id} is gone")
            return
        self.takeRevealed.emit(job.take_id)

    def row_menu(self, at: QPoint) -> QMenu:
        """The right-click menu of the row at ``at`` (viewport position): cancel, retry,
        hold and reveal its job (the row is selected first unless it already is)."""
        index = self.view.indexAt(at)
        if index.isValid() and not self.view.selectionModel().isSelected(index):
            job = self.model.job(index.row())
            self.select_jobs([job.id] if job is not None else [])
        self._update_actions()
        self.menu = QMenu(self)
        self.menu.addActions([self.cancel_action, self.retry_action, self.hold_action])
        self.menu.addSeparator()
        self.menu.addAction(self.reveal_action)
        self.menu.popup(self.view.viewport().mapToGlobal(at))
        return self.menu

    def _show_results(self, jobs: list[Job]) -> None:
        """Give each newly done job its result's still (a keyframe or a reference) as its
        thumbnail, when it made one and the file is there (decoded in the background)."""
        from studio.app.results import job_outputs

        folder = self.session.folder
        for job in jobs:
            if folder is None or not self.model.wants_result(job) or not job.take_id:
                continue
            try:
                still = job_outputs(folder)(job, job.take_id)[1]
            except (ValueError, KeyError):  # its character or shot is gone
                still = ""
            self.model.set_result(job.id, None)  # looked for: its preview shows meanwhile
            if still:
                path, done = str(folder.root / still), partial(self.model.set_result, job.id)
                run_in_background(self, partial(result_thumbnail, path), done, name="job-still")

    def _button(self, job_id: str, what: str) -> None:
        self.select_jobs([job_id])
        if what == "Retry":
            self.retry_selected()
        elif what == "Cancel":
            self.cancel_selected()

    def _show_shot(self, index: QModelIndex) -> None:
        """Activating a row shows its shot on the timeline."""
        job = self.model.job(index.row())
        if job is not None:
            self._select_shot(job)

    def _select_shot(self, job: Job) -> bool:
        """Show the job's shot in its episode, selected; whether it is still there."""
        try:
            episode = self.session.episode_of(job.request.shot_id)
        except KeyError:
            return False  # a character's reference, or a shot gone since
        self.session.set_episode(episode)
        self.session.select([job.request.shot_id])
        return True


def _made_take(job: Job) -> bool:
    """Whether ``job`` is done and made a take of its shot (not a voice or a reference)."""
    made = job.state is JobState.DONE and bool(job.take_id)
    return made and isinstance(job.request.target, ShotTarget) and makes(job.request) in TAKES
