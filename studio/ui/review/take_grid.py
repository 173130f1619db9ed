"""The take review's grid: a card per take of a shot, with a looping thumbnail, its review badge
and the request that made it, and a placeholder card per job still making a take for the shot.
Every card has the same fixed height (:func:`card_height`), room for all its labels.

The grid owns no logic: it shows takes and jobs it is given, says which card was clicked, and
marks the current take (and the one marked for comparison). Thumbnails loop at
:data:`LOOP_RATE` frames a second while their card is visible; the frames come from a
:class:`~studio.ui.review.take_loop.LoopFrames`, decoded off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.core.model import Take, TakeState
from studio.core.request import GenerationRequest, Request
from studio.engine.jobs import Job
from studio.ui.review.take_loop import LoopFrames

THUMB = (108, 192)  # a 9:16 thumbnail, in pixels
LOOP_RATE = 10.0  # thumbnail frames a second
CARD_WIDTH = THUMB[0] + 36
CARD_MARGIN = 6
CARD_TEXT_LINES = 7  # under the thumbnail: badge, title (2), request (2), prompt, cost
BADGES = {
    TakeState.APPROVED: ("APPROVED", "#2f9a57"),
    TakeState.REJECTED: ("REJECTED", "#a9472c"),
    TakeState.STARRED: ("★ STARRED", "#c2870f"),
}


def elided(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def card_height(line: int) -> int:
    """A card's fixed height for a font ``line`` pixels high: the thumbnail and its text,
    never clipped (each label has room for its lines)."""
    return THUMB[1] + 2 * CARD_MARGIN + CARD_TEXT_LINES * (line + 2) + 2


def fitted(label: QLabel, text: str, middle: bool = False) -> str:
    """``text`` elided to one line of ``label`` on a card (its full text is the tooltip)."""
    mode = Qt.TextElideMode.ElideMiddle if middle else Qt.TextElideMode.ElideRight
    return label.fontMetrics().elidedText(text, mode, CARD_WIDTH - 2 * CARD_MARGIN - 4)


def request_summary(request: Request | None, model: str = "") -> str:
    """ "model · seed N" of a take's (or job's) request (``model``: its name as shown)."""
    if request is None:
        return "?"
    model = model or model_of(request)
    seed = getattr(request, "seed", None)  # a voiced line has none
    return f"{model} · seed {seed}" if seed is not None else model


def model_of(request: Request | None) -> str:
    """The model that ran ``request`` (its backend's name for a built-in one)."""
    return "?" if request is None else request.model or request.backend.value


def take_prompt(take: Take) -> str:
    """The prompt that made ``take`` ("" for a lip-sync, imported footage or no request)."""
    return take.request.prompt if isinstance(take.request, GenerationRequest) else ""


def take_cost(take: Take) -> str:
    """Where the take was made and its GPU seconds: "cpu · 1.4 s"."""
    device = take.device.split(" (")[0] if take.device else "?"
    return f"{device} · {take.gpu_seconds:.1f} s"


def take_line(take: Take) -> str:
    """One line naming an (archived) take, for lists."""
    prompt = elided(take_prompt(take), 50)
    return f"{take.id} — {request_summary(take.request)} — {prompt}"


class TakeCard(QFrame):
    """One take: its looping thumbnail, badge, request summary and cost."""

    clicked = Signal(str, object)  # take id, Qt.KeyboardModifiers
    menuRequested = Signal(str, QPoint)  # take id, global position

    def __init__(self, take_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.take_id = take_id
        self.media: Path | None = None
        self.problem = ""
        self.current = self.marked = False
        self.shown: tuple[object, int] | None = None  # (loop, image index) on screen
        self.setFixedSize(CARD_WIDTH, card_height(self.fontMetrics().lineSpacing()))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.thumb = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.thumb.setFixedSize(*THUMB)
        self.thumb.setWordWrap(True)
        self.thumb.setStyleSheet("background: #222; color: #bbb;")
        self.badge = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.summary = QLabel()
        self.prompt = QLabel()
        self.cost = QLabel()
        for label in (self.title, self.summary, self.prompt, self.cost):
            label.setWordWrap(label in (self.title, self.summary))  # two lines; others one
            label.setTextFormat(Qt.TextFormat.PlainText if label is not self.title
                                else Qt.TextFormat.RichText)  # fmt: skip
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*(CARD_MARGIN,) * 4)
        layout.setSpacing(2)
        layout.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignHCenter)
        for label in (self.badge, self.title, self.summary, self.prompt, self.cost):
            layout.addWidget(label)
        layout.addStretch(1)
        self._style()

    def show_take(self, take: Take, media: Path | None) -> None:
        """Show ``take`` (``media``: its file, None when it has none usable)."""
        self.media, self.problem = media, take.media_problem
        text, colour = BADGES.get(take.state, ("", ""))
        if take.media_problem:
            text, colour = "MISSING", "#7a1f5c"
        self.badge.setText(text)
        self.badge.setStyleSheet(f"background: {colour}; color: white;" if colour else "")
        self.badge.setVisible(bool(text))
        lipsync = " (lip-sync)" if take.source_take else ""
        self.title.setText(f"<b>{take.id}</b>{lipsync}")
        model = fitted(self.summary, model_of(take.request), middle=True)
        self.summary.setText(request_summary(take.request, model))
        prompt = take_prompt(take)
        self.prompt.setText(fitted(self.prompt, " ".join(prompt.split())))
        self.cost.setText(fitted(self.cost, take_cost(take)))
        self.setToolTip(prompt or "(no prompt)")
        if media is None:
            self.show_image(None, take.media_problem or "no file")

    def show_image(self, image: QImage | None, text: str = "") -> None:
        if image is None:
            self.thumb.setPixmap(QPixmap())
            self.thumb.setText(text)
            self.shown = None
        else:
            self.thumb.setPixmap(QPixmap.fromImage(image))

    def image(self) -> QImage | None:
        """The thumbnail's picture now (None when none is shown)."""
        pixmap = self.thumb.pixmap()
        return pixmap.toImage() if pixmap is not None and not pixmap.isNull() else None

    def set_current(self, current: bool, marked: bool) -> None:
        if (current, marked) != (self.current, self.marked):
            self.current, self.marked = current, marked
            self._style()

    def _style(self) -> None:
        colour = "#4aa3ff" if self.current else "#d0a020" if self.marked else "#555"
        width = 3 if self.current or self.marked else 1
        self.setStyleSheet(f"TakeCard {{ border: {width}px solid {colour}; border-radius: 4px; }}")

    def mousePressEvent(self, event: QMouseEvent) -> None:  # Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.take_id, event.modifiers())
        elif event.button() == Qt.MouseButton.RightButton:
            self.clicked.emit(self.take_id, Qt.KeyboardModifier.NoModifier)
            self.menuRequested.emit(self.take_id, event.globalPosition().toPoint())


class JobCard(QFrame):
    """A take still being made: its request, a progress bar and the latest preview."""

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job.id
        self.setFixedSize(CARD_WIDTH, card_height(self.fontMetrics().lineSpacing()))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("JobCard { border: 1px dashed #2f6fd8; border-radius: 4px; }")
        self.thumb = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.thumb.setFixedSize(*THUMB)
        self.thumb.setStyleSheet("background: #1b2a40; color: #bbb;")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.summary = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*(CARD_MARGIN,) * 4)
        layout.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.update_job(job)

    def update_job(self, job: Job, preview: bytes | None = None) -> None:
        request = job.request
        seed = getattr(request, "seed", None)
        model = getattr(request, "model", "?")
        self.summary.setText(f"{model} · seed {seed}" if seed is not None else str(model))
        self.setToolTip(str(getattr(request, "prompt", "")) or job.id)
        state = job.state.value
        step, total = job.progress or (0, 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(step)
            self.progress.setFormat(f"{state} %v/%m")
        else:
            self.progress.setRange(0, 0 if state == "running" else 1)
            self.progress.setValue(0)
            self.progress.setFormat(state)
        if preview:
            image = QImage.fromData(preview)
            if not image.isNull():
                self.thumb.setPixmap(QPixmap.fromImage(image).scaled(
                    *THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))  # fmt: skip
        elif self.thumb.pixmap() is None or self.thumb.pixmap().isNull():
            self.thumb.setText("waiting…" if state != "running" else "generating…")


class TakeGrid(QScrollArea):
    """The cards of one shot's takes and jobs, in rows as wide as the panel."""

    takeClicked = Signal(str, object)  # take id, modifiers
    menuRequested = Signal(str, QPoint)

    def __init__(self, loops: LoopFrames, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loops = loops
        self.cards: dict[str, TakeCard] = {}
        self.job_cards: dict[str, JobCard] = {}
        self.ticks = 0
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._inner = QWidget()
        self._layout = QGridLayout(self._inner)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(self._inner)
        margins = self._layout.contentsMargins()
        self.setMinimumHeight(
            card_height(self.fontMetrics().lineSpacing())
            + margins.top()
            + margins.bottom()
            + 2 * self.frameWidth()
        )  # one whole card
        self.setMinimumWidth(CARD_WIDTH + margins.left() + margins.right()
                             + self.verticalScrollBar().sizeHint().width())  # fmt: skip
        self._columns = 0
        self._timer = QTimer(self, interval=round(1000 / LOOP_RATE))
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        loops.ready.connect(self._loop_ready)

    def set_takes(self, takes: Sequence[Take], root: Path | None) -> None:
        """Show these takes (cards of takes shown before are reused)."""
        old = self.cards
        self.cards = {}
        for take in takes:
            card = old.pop(take.id, None)
            if card is None:
                card = TakeCard(take.id, self._inner)
                card.clicked.connect(self.takeClicked)
                card.menuRequested.connect(self.menuRequested)
            media = root / take.media if root is not None and take.media else None
            card.show_take(take, None if take.media_problem else media)
            self.cards[take.id] = card
        for card in old.values():
            card.deleteLater()
        self._relayout(force=True)
        self.tick(advance=False)

    def set_jobs(self, jobs: Sequence[Job]) -> None:
        """Show a placeholder card for each of these jobs (in order, after the takes)."""
        old = self.job_cards
        self.job_cards = {}
        for job in jobs:
            card = old.pop(job.id, None) or JobCard(job, self._inner)
            card.update_job(job)
            self.job_cards[job.id] = card
        for card in old.values():
            card.deleteLater()
        self._relayout(force=True)

    def job_progress(self, job: Job, preview: bytes | None) -> None:
        card = self.job_cards.get(job.id)
        if card is not None:
            card.update_job(job, preview)

    def mark(self, current: str | None, marked: str | None) -> None:
        for take_id, card in self.cards.items():
            card.set_current(take_id == current, take_id == marked)
        card = self.cards.get(current or "")
        if card is not None:
            self.ensureWidgetVisible(card, 8, 8)

    def tick(self, advance: bool = True) -> None:
        """Show each visible card's next loop frame (decoding it when need be)."""
        if advance:
            self.ticks += 1
        if not self.isVisible():
            return
        for card in self.cards.values():
            if card.media is None or card.visibleRegion().isEmpty():
                continue
            loop = self.loops.frames(card.media, THUMB, LOOP_RATE)
            if loop is None:
                problem = self.loops.problem(card.media)
                if card.shown is None:
                    card.show_image(None, problem or "loading…")
                continue
            index = self.ticks % len(loop.images)
            if card.shown != (loop, index):
                card.show_image(loop.images[index])
                card.shown = (loop, index)

    def _loop_ready(self, _path: str) -> None:
        self.tick(advance=False)

    def resizeEvent(self, event: Any) -> None:  # Qt's name
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self, force: bool = False) -> None:
        spacing = self._layout.horizontalSpacing() or 6
        columns = max(1, (self.viewport().width() - 12) // (CARD_WIDTH + spacing))
        if columns == self._columns and not force:
            return
        self._columns = columns
        while self._layout.count():
            self._layout.takeAt(0)
        widgets: list[QWidget] = [*self.cards.values(), *self.job_cards.values()]
        for n, widget in enumerate(widgets):
            self._layout.addWidget(widget, n // columns, n % columns)
            widget.show()
