"""A thin strip above the timeline's tracks showing the pacing of the episode shown: the hook,
the turns, the stretches without a turn that are too long, the final window and what is
unresolved in it, on the timeline's own zoom and scroll.

The analysis is :func:`studio.app.pacing.project_pacing` (the same as ``studio pacing``), with
the project's preset, or :func:`studio.app.story_view.path_pacing` while the timeline shows one
path through a branching episode; the strip reads it again when the shots, the episode, the path
or the project change, or a suggestion of the assistant arrives, and only paints what it was
given. Its tooltip lists the flags, then the assistant's beat sheet in words. The assistant's
beats (turns whose kind starts with ``assistant``) are drawn apart from the script's: a taller
violet tick.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtGui
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPolygonF
from PySide6.QtWidgets import QWidget

from studio.app.beat_notes import beat_notes
from studio.app.pacing import load_pacing_preset, project_pacing
from studio.app.story_view import path_pacing
from studio.core.pacing import EpisodePacing
from studio.core.pacing_preset import PacingPreset
from studio.ui.session import Session
from studio.ui.timeline.timeline_layout import Viewport

HEIGHT = 14
BACKGROUND = QColor("#23262b")
OK = QColor("#2f9a57")
FLAG = QColor("#e0433a")
FLAG_FILL = QColor(224, 67, 58, 110)
TURN = QColor("#ffd23f")
ASSISTANT = QColor("#b48cff")  # the assistant's suggested beats
WINDOW_FILL = QColor(120, 120, 140, 70)


@dataclass(frozen=True, slots=True)
class StripMark:
    """Something the strip paints, in frames: ``kind`` is hook, turn, gap, window, ending or
    assistant (a beat the assistant suggested: ``text`` is its kind)."""

    kind: str
    start: float
    end: float
    flagged: bool
    text: str = ""


def strip_marks(pacing: EpisodePacing) -> list[StripMark]:
    """The marks of an episode's pacing, in frames at its rate, window and gaps first."""
    fps = pacing.fps

    def frame(seconds: object) -> float:
        return float(seconds) * float(fps)  # type: ignore[arg-type]

    end = frame(pacing.seconds)
    window = max(0.0, end - pacing.preset.final_window_seconds * float(fps))
    marks = [StripMark("window", window, end, pacing.ending_flag, "final window")]
    marks += [
        StripMark("gap", frame(g.start), frame(g.end), True, "no turn") for g in pacing.long_gaps
    ]
    marks += [
        StripMark("assistant", t.frame, t.frame, False, t.detail)
        if t.detail.startswith("assistant")
        else StripMark("turn", t.frame, t.frame, False, t.kind)
        for t in pacing.turns
    ]
    marks += [StripMark("ending", t.frame, t.frame, False, t.kind) for t in pacing.ending]
    if pacing.hook is not None:
        at = frame(pacing.hook)
        marks.append(StripMark("hook", at, at, pacing.hook_flag, pacing.hook_source))
    else:
        marks.append(StripMark("hook", 0.0, 0.0, True, "no hook"))
    return marks


class PacingStrip(QWidget):
    """The pacing of ``session``'s episode, on ``view`` (the timeline canvas's viewport)."""

    def __init__(self, session: Session, view: Viewport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.view = session, view
        self.pacing: EpisodePacing | None = None
        self.problem = ""  # why the project's preset could not be used
        self.setFixedHeight(HEIGHT)
        session.shotsChanged.connect(self.refresh)
        session.episodeChanged.connect(self.refresh)
        session.projectChanged.connect(self.refresh)
        session.pathChanged.connect(self.refresh)
        session.resultRecorded.connect(self._recorded)
        self.refresh()

    def _recorded(self, recorded: object) -> None:
        if getattr(recorded, "what", "") == "suggestion":  # a beat sheet, perhaps
            self.refresh()

    def refresh(self, *_: object) -> None:
        project, episode = self.session.project, self.session.episode()
        self.pacing, self.problem = None, ""
        if project is not None and episode is not None:
            try:
                preset = load_pacing_preset(self.session.root)
            except ValueError as exc:  # a bad pacing.json: say so, measure with the defaults
                self.problem, preset = str(exc), PacingPreset()
            root, path = self.session.root, self.session.path
            if path is not None:
                self.pacing = path_pacing(project, root, preset, episode.number, path)
            else:
                found = project_pacing(project, root, preset, episode.number)
                self.pacing = found[0] if found else None
        flags = self.pacing.flags() if self.pacing is not None else []
        lines = ([self.problem] if self.problem else []) + flags
        notes = beat_notes(self.session.root, episode.number) if episode is not None else []
        lines += ["The assistant's beats:", *notes] if notes else []
        self.setToolTip("\n".join(lines) if lines else "Pacing: no flags")
        self.update()

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QPainter(self)
        h = float(self.height())
        painter.fillRect(self.rect(), BACKGROUND)
        if self.pacing is None:
            return
        x = self.view.x
        for mark in strip_marks(self.pacing):
            x0, x1 = x(mark.start), x(mark.end)
            if mark.kind == "window":
                fill = FLAG_FILL if mark.flagged else WINDOW_FILL
                painter.fillRect(QRectF(x0, 0, x1 - x0, h), fill)
            elif mark.kind == "gap":
                painter.fillRect(QRectF(x0, 2, x1 - x0, h - 4), FLAG_FILL)
                painter.fillRect(QRectF(x0, h - 2, x1 - x0, 2), FLAG)
            elif mark.kind == "turn":
                painter.fillRect(QRectF(x0 - 1, 3, 2, h - 6), TURN)
            elif mark.kind == "assistant":
                painter.fillRect(QRectF(x0 - 1.5, 0, 3, h), ASSISTANT)
            else:  # hook or ending: a diamond
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(FLAG if mark.flagged else OK)
                r, cy = h / 2 - 1, h / 2
                points = [QPointF(x0, cy - r), QPointF(x0 + r, cy), QPointF(x0, cy + r),
                          QPointF(x0 - r, cy)]  # fmt: skip
                painter.drawPolygon(QPolygonF(points))
        painter.end()
