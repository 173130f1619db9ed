"""The rows of the Jobs panel: a list model over the queue's job snapshots with each job's latest
preview image (or its result's still, once there is one), and the delegate that paints a row
(thumbnail, what the job makes, its state, a progress bar or its error, and a Cancel or Retry
button).

:meth:`JobListModel.set_jobs` takes the jobs in ``runner.jobs()`` order and changes rows in
place (removed, moved, inserted), so the view keeps its selection and scroll position. Preview
PNGs are kept as bytes and decoded when a row is painted, at most once per new preview. Dropping
dragged rows asks for a move among the waiting jobs through ``moveRequested``.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QEvent,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from studio.core.request_makes import makes
from studio.core.targets import ReferenceTarget
from studio.engine.jobs import Job, JobState

JOB_ROLE = Qt.ItemDataRole.UserRole + 1  # the Job snapshot
PREVIEW_ROLE = Qt.ItemDataRole.UserRole + 2  # the latest preview as a QImage, or None
MIME = "application/x-studio-job-ids"
THUMB = 48  # thumbnail box, px
ROW_HEIGHT = 58
WAITING = (JobState.QUEUED, JobState.PAUSED)
FAILED_COLOUR = QColor(0xE0, 0x5A, 0x4F)
Index = QModelIndex | QPersistentModelIndex


def summary(job: Job) -> str:
    """What the job makes (take, keyframe, voice, lip-sync, reference), its shot (or
    character) and the start of its prompt or line: "take · sh-0003 · rain on glass"."""
    request = job.request
    text = getattr(request, "prompt", "") or getattr(request, "text", "")
    text = " ".join(str(text).split())
    target = request.target
    whose = target.character if isinstance(target, ReferenceTarget) else target.label
    head = f"{makes(request)} · {whose}"
    return f"{head} · {text}" if text else head


def state_text(job: Job) -> str:
    """The job's state, and the worker (with its GPU) that runs or ran it, when known:
    "running 3/20 · ray-1 (GPU 1)" (a job waiting again after a failure names none)."""
    shown = job.worker and job.state not in WAITING
    return _state(job) + (f" · {job.worker}" if shown else "")


def _state(job: Job) -> str:
    if job.state is JobState.RUNNING:
        if job.cancel_requested:
            return "cancelling…"
        return f"running {job.progress[0]}/{job.progress[1]}" if job.progress else "running"
    if job.state is JobState.PAUSED:
        return "held"
    return job.state.value


def button_for(job: Job) -> str:
    """The row's button: "Retry" (failed or cancelled), "Cancel" (waiting or running), or ""."""
    if job.state in (JobState.FAILED, JobState.CANCELLED):
        return "Retry"
    if job.state in WAITING or (job.state is JobState.RUNNING and not job.cancel_requested):
        return "Cancel"
    return ""


class JobListModel(QAbstractListModel):
    """The jobs shown, in queue order; ``moveRequested(job_id, index among waiting jobs)``."""

    moveRequested = Signal(str, int)

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._jobs: list[Job] = []
        self._png: dict[str, bytes] = {}  # job id -> latest preview, not yet decoded
        self._images: dict[str, QImage] = {}  # job id -> decoded preview, scaled to THUMB
        self._results: dict[str, QImage | None] = {}  # job id -> its result's still (or none)

    # -- reading ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[index.row()]
        if role == JOB_ROLE:
            return job
        if role == PREVIEW_ROLE:
            return self.preview(job.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{summary(job)} — {state_text(job)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(job)
        return None

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def job(self, row: int) -> Job | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def row_of(self, job_id: str) -> int:
        return next((i for i, j in enumerate(self._jobs) if j.id == job_id), -1)

    def preview(self, job_id: str) -> QImage | None:
        """The job's thumbnail: its result's still when it has one, else its latest preview
        (decoded now if it is new)."""
        if (result := self._results.get(job_id)) is not None:
            return result
        png = self._png.pop(job_id, None)
        if png is not None:
            image = QImage.fromData(QByteArray(png), "PNG")
            if not image.isNull():
                self._images[job_id] = _thumbnail(image)
        return self._images.get(job_id)

    def wants_result(self, job: Job) -> bool:
        """Whether ``job`` is done and its result's still was not looked for yet."""
        return job.state is JobState.DONE and job.id not in self._results

    # -- changing --------------------------------------------------------------------------------

    def set_preview(self, job_id: str, png: bytes) -> None:
        """Keep ``png`` as the job's latest preview (decoded when painted)."""
        self._png[job_id] = png

    def set_result(self, job_id: str, thumbnail: QImage | None) -> None:
        """The still of the job's result (a keyframe, a reference) made a thumbnail by
        :func:`result_thumbnail`: the row's thumbnail from now on (None: the preview stays)."""
        row = self.row_of(job_id)
        if row >= 0:  # (not a row cleared meanwhile)
            self._results[job_id] = thumbnail
            self.dataChanged.emit(self.index(row), self.index(row))

    def set_jobs(self, jobs: list[Job]) -> None:
        """Show ``jobs`` in this order: rows gone are removed, rows kept move, new rows are
        inserted, and every row is repainted."""
        new_ids = [j.id for j in jobs]
        wanted = set(new_ids)
        for row in reversed(range(len(self._jobs))):
            if self._jobs[row].id not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._jobs[row]
                self.endRemoveRows()
        kept = {j.id for j in self._jobs}
        self._reorder([i for i in new_ids if i in kept])
        by_id = {j.id: j for j in jobs}
        for row, job_id in enumerate(new_ids):
            if row >= len(self._jobs) or self._jobs[row].id != job_id:
                self.beginInsertRows(QModelIndex(), row, row)
                self._jobs.insert(row, by_id[job_id])
                self.endInsertRows()
            else:
                self._jobs[row] = by_id[job_id]
        for gone in [i for i in (*self._png, *self._images, *self._results) if i not in wanted]:
            self._png.pop(gone, None)
            self._images.pop(gone, None)
            self._results.pop(gone, None)
        if self._jobs:
            self.dataChanged.emit(self.index(0), self.index(len(self._jobs) - 1))

    def _reorder(self, order: list[str]) -> None:
        """Put the rows (the same ids) in ``order``, keeping persistent indexes on their jobs."""
        if [j.id for j in self._jobs] == order:
            return
        self.layoutAboutToBeChanged.emit()
        place = {job_id: row for row, job_id in enumerate(order)}
        by_id = {j.id: j for j in self._jobs}
        moved_from, moved_to = [], []
        for index in self.persistentIndexList():
            job_id = self._jobs[index.row()].id
            moved_from.append(index)
            moved_to.append(self.index(place[job_id]))
        self._jobs = [by_id[i] for i in order]
        self.changePersistentIndexList(moved_from, moved_to)
        self.layoutChanged.emit()

    # -- drag and drop ---------------------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        job = self.job(index.row()) if index.isValid() else None
        if job is None:
            return base | Qt.ItemFlag.ItemIsDropEnabled
        if job.state in WAITING:
            base |= Qt.ItemFlag.ItemIsDragEnabled
        return base

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        data = QMimeData()
        ids = [j.id for i in indexes if (j := self.job(i.row())) and j.state in WAITING]
        data.setData(MIME, QByteArray("\n".join(ids).encode()))
        return data

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """Ask to move the dragged waiting jobs to where they were dropped (before ``row``);
        False, so the view removes nothing: the rows move when the queue says so."""
        if not data.hasFormat(MIME):
            return False
        ids = [i for i in bytes(data.data(MIME).data()).decode().split("\n") if i]
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._jobs)
        above = [j for j in self._jobs[:row] if j.state in WAITING and j.id not in ids]
        for offset, job_id in enumerate(ids):
            self.moveRequested.emit(job_id, len(above) + offset)
        return False


def result_thumbnail(path: str) -> QImage | None:
    """The still at ``path`` as a row's thumbnail; None when it cannot be read. For a thread
    other than the GUI's: a full-size keyframe takes tens of milliseconds to decode."""
    image = QImage(path)
    return None if image.isNull() else _thumbnail(image)


def _thumbnail(image: QImage) -> QImage:
    return image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)  # fmt: skip


def _tooltip(job: Job) -> str:
    request = job.request
    lines = [
        f"{job.id} · {summary(job)}",
        f"state: {state_text(job)}",
        f"prompt: {getattr(request, 'prompt', '')}",
        f"model: {request.backend} / {request.model} · seed {request.seed}",
        f"attempts: {job.attempts}" if job.attempts else "",
        f"retry of {job.retry_of}" if job.retry_of else "",
        f"error: {job.error}" if job.error else "",
    ]
    return "\n".join(line for line in lines if line and line != "prompt: ")


class JobDelegate(QStyledItemDelegate):
    """Paints a job row; ``buttonClicked(job_id, "Cancel" | "Retry")`` when its button is hit."""

    buttonClicked = Signal(str, str)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(320, ROW_HEIGHT)

    @staticmethod
    def button_rect(rect: QRect) -> QRect:
        """Where a row's button is, in the view's viewport."""
        return QRect(rect.right() - 78, rect.top() + (rect.height() - 24) // 2, 72, 24)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        job: Job | None = index.data(JOB_ROLE)
        if job is None:
            return
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        rect: QRect = option.rect  # type: ignore[attr-defined]
        painter.save()
        plain = QStyleOptionViewItem(option)
        plain.text = ""  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
        thumb = QRect(rect.left() + 5, rect.top() + (rect.height() - THUMB) // 2, THUMB, THUMB)
        painter.fillRect(thumb, QColor(0, 0, 0, 60))
        image: QImage | None = index.data(PREVIEW_ROLE)
        if image is not None:
            x = thumb.left() + (THUMB - image.width()) // 2
            y = thumb.top() + (THUMB - image.height()) // 2
            painter.drawImage(x, y, image)
        button = button_for(job)
        right = self.button_rect(rect).left() - 8 if button else rect.right() - 6
        text = QRect(thumb.right() + 8, rect.top() + 5, right - thumb.right() - 8, 20)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        pen = palette.highlightedText() if selected else palette.text()
        painter.setPen(pen.color())
        metrics = painter.fontMetrics()
        state = state_text(job) + (f" · attempt {job.attempts}" if job.attempts > 1 else "")
        state_width = metrics.horizontalAdvance(state) + 4
        head = metrics.elidedText(summary(job), Qt.TextElideMode.ElideRight,
                                  text.width() - state_width - 8)  # fmt: skip
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(text, align | Qt.AlignmentFlag.AlignLeft, head)
        painter.drawText(text, align | Qt.AlignmentFlag.AlignRight, state)
        line = QRect(text.left(), text.bottom() + 6, text.width(), 18)
        if job.state is JobState.RUNNING:
            self._progress(painter, style, widget, line, job)
        elif job.error:
            painter.setPen(pen.color() if selected else FAILED_COLOUR)
            prefix = "" if job.state is JobState.FAILED else "last try: "
            error = metrics.elidedText(prefix + job.error, Qt.TextElideMode.ElideRight,
                                       line.width())  # fmt: skip
            painter.drawText(line, align | Qt.AlignmentFlag.AlignLeft, error)
        if button:
            push = QStyleOptionButton()
            push.rect = self.button_rect(rect)  # type: ignore[attr-defined]
            push.text = button  # type: ignore[attr-defined]
            push.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised  # type: ignore[attr-defined]
            style.drawControl(QStyle.ControlElement.CE_PushButton, push, painter, widget)
        painter.restore()

    @staticmethod
    def _progress(painter: QPainter, style: QStyle, widget: object, rect: QRect, job: Job) -> None:
        bar = QStyleOptionProgressBar()
        bar.rect = rect  # type: ignore[attr-defined]
        step, total = job.progress or (0, 0)
        bar.minimum, bar.maximum, bar.progress = 0, total, step  # type: ignore[attr-defined]
        bar.text = f"{step}/{total}" if total else "starting…"  # type: ignore[attr-defined]
        bar.textVisible = True  # type: ignore[attr-defined]
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)  # type: ignore[arg-type]

    def editorEvent(
        self, event: QEvent, model: object, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            job: Job | None = index.data(JOB_ROLE)
            rect: QRect = option.rect  # type: ignore[attr-defined]
            hit = self.button_rect(rect).contains(event.position().toPoint())
            if job is not None and button_for(job) and hit:
                self.buttonClicked.emit(job.id, button_for(job))
                return True
        return super().editorEvent(event, model, option, index)  # type: ignore[arg-type]
