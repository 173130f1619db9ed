"""Painting the shot timeline: its colours, what each track shows of the episode's shots
(:class:`TrackContent`, read once per change) and :class:`TimelinePainter`, which draws the
lanes, the video, dialogue and caption tracks, the ruler, a drag's marks and the playhead.

Only the shots overlapping the exposed rectangle are drawn, in batches per colour; text,
thumbnails and waveforms only where a shot is wide enough to show them, so a paint costs about
the same at 6 shots or 600.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPalette, QPen, QPolygonF

from studio.core.model import Shot
from studio.core.time import FrameRate
from studio.media.export_plan import export_take
from studio.ui.language_state import LanguageState
from studio.ui.session import Session
from studio.ui.timeline import timeline_layout as tl
from studio.ui.timeline.thumbnails import MediaCache

STATE_COLOURS = {
    tl.NO_TAKE: QColor("#50555e"),
    tl.GENERATING: QColor("#2f6fd8"),
    tl.REVIEW: QColor("#c2870f"),
    tl.APPROVED: QColor("#2f9a57"),
    tl.CHANGED: QColor("#a9472c"),
}
STRIPE = QColor("#ff8c2e")  # changed since its take: a stripe along the top
SELECTED = QColor("#ffffff")
PLAYHEAD = QColor("#ff4545")
DROP = QColor("#ffd23f")
GHOST = QColor(255, 255, 255, 70)
SEGMENT = QColor("#b48cff")  # where a segment of a branching episode starts
SEGMENT_BG = QColor(40, 28, 64, 220)
LANE = QColor(128, 128, 128, 30)
TEXT = QColor("#f4f4f4")
AUDIO_BG = QColor("#1f4f4b")
AUDIO_FG = QColor("#68d6c9")
CAPTION_BG = QColor("#4b4274")

DETAIL_PX = 40.0  # a shot this wide shows its thumbnail and label
WAVE_PX = 6.0  # a voiced line this wide shows its waveform
CAPTION_TEXT_PX = 28.0


def _take_path(root: Path | None, shot: Shot) -> Path | None:
    take = export_take(shot)
    if root is None or take is None or not take.media or take.media_problem:
        return None
    return root / take.media


@dataclass(slots=True)
class TrackContent:
    """What the tracks show of each of the episode's shots, in timeline order: its state, its
    take's media (for the thumbnail), its voiced lines (start, end frame within the shot, WAV)
    and its captions (start, end frame, text)."""

    shots: list[Shot]
    states: list[str]
    thumbs: list[Path | None]
    clips: list[list[tuple[float, float, Path]]]
    captions: list[list[tuple[float, float, str]]]
    fps: FrameRate

    @classmethod
    def read(cls, session: Session) -> TrackContent:
        """Read the shots ``session``'s timeline shows (an empty content when none is open)."""
        shots = LanguageState.of(session).timeline_shots()  # captions in the language shown
        project, root = session.project, session.root
        fps = project.fps if project is not None else FrameRate(30)
        return cls(
            shots=shots,
            states=[tl.shot_state(s) for s in shots],
            thumbs=[_take_path(root, s) for s in shots],
            clips=[
                [(*tl.clip_span(c, fps), root / c.media) for c in s.voice if c.media and root]
                for s in shots
            ],
            captions=[tl.caption_spans(s, fps) for s in shots],
            fps=fps,
        )


@dataclass(slots=True)
class TimelinePainter:
    """Draws the timeline with ``p`` through ``view``; ``starts`` are the shots' start frames as
    shown (a trim being dragged included), ``content`` what the tracks show of them."""

    p: QPainter
    view: tl.Viewport
    starts: list[int]
    content: TrackContent
    media: MediaCache
    metrics: QFontMetricsF

    def tracks(self, rect: QRectF, palette: QPalette, selected: list[str]) -> None:
        """Paint the exposed ``rect``: the background, the three tracks and the ruler."""
        p = self.p
        p.fillRect(rect, palette.color(QPalette.ColorRole.Base))
        for row in tl.TRACKS:
            p.fillRect(QRectF(rect.left(), row.top, rect.width(), row.height), LANE)
        first, last = self.view.visible_frames(rect.left(), rect.right() + 1)
        shown = tl.visible_range(self.starts, first, last)
        self._video(shown, set(selected))
        self._audio(shown, rect)
        self._captions(shown)
        self._ruler(rect, first, last, palette)

    def _video(self, shown: range, selected: set[str]) -> None:
        p, content = self.p, self.content
        top, height = tl.VIDEO.top, tl.VIDEO.height
        fills: dict[str, list[QRectF]] = defaultdict(list)
        stripes, outlines, detailed = [], [], []
        for i in shown:
            x0, x1 = self.view.x(self.starts[i]), self.view.x(self.starts[i + 1])
            width = x1 - x0 - 1 if x1 - x0 >= 3 else max(1.0, x1 - x0)
            r = QRectF(x0, top, width, height)
            fills[content.states[i]].append(r)
            if content.shots[i].changed:
                stripes.append(QRectF(x0, top, width, 4))
            if content.shots[i].id in selected:
                outlines.append(r.adjusted(1, 1, -1, -1))
            if width >= DETAIL_PX:
                detailed.append((i, r))
        p.setPen(Qt.PenStyle.NoPen)
        for state, rects in fills.items():
            p.setBrush(STATE_COLOURS[state])
            p.drawRects(rects)
        p.setBrush(STRIPE)
        p.drawRects(stripes)
        p.setPen(TEXT)
        for i, r in detailed:
            self._shot_detail(i, r)
        p.setPen(QPen(SELECTED, 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRects(outlines)

    def _shot_detail(self, i: int, r: QRectF) -> None:
        """The thumbnail of shot ``i``'s take, then its number and description, inside ``r``."""
        p, metrics = self.p, self.metrics
        x, right = r.left() + 4, r.right() - 4
        path = self.content.thumbs[i]
        image = self.media.thumbnail(path) if path is not None else None
        if image is not None:
            shown = min(float(image.width()), right - x)
            source = QRectF(0, 0, shown, image.height())
            p.drawImage(QRectF(x, r.top() + 6, shown, image.height()), image, source)
            x += shown + 4
        if right - x > 8:
            label = f"{i + 1}  {self.content.shots[i].description}"
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, right - x)
            p.drawText(QRectF(x, r.top() + 6, right - x, metrics.height()), text)

    def _audio(self, shown: range, rect: QRectF) -> None:
        top, height = tl.AUDIO.top + 2, tl.AUDIO.height - 4
        bars, lines = [], []
        for i in shown:
            for f0, f1, path in self.content.clips[i]:
                x0, x1 = self.view.x(self.starts[i] + f0), self.view.x(self.starts[i] + f1)
                if x1 < rect.left() or x0 > rect.right() + 1:
                    continue
                bars.append(QRectF(x0, top, max(1.0, x1 - x0), height))
                if x1 - x0 >= WAVE_PX:
                    lines += self._wave_lines(path, x0, x1, rect, top + height / 2, height / 2)
        p = self.p
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(AUDIO_BG)
        p.drawRects(bars)
        p.setPen(QPen(AUDIO_FG, 1))
        p.drawLines(lines)

    def _wave_lines(
        self, path: Path, x0: float, x1: float, rect: QRectF, mid: float, half: float
    ) -> list[QLineF]:
        """The waveform of the clip at ``path`` drawn from ``x0`` to ``x1``, cut to ``rect``."""
        envelope = self.media.waveform(path)
        a, b = max(x0, rect.left()), min(x1, rect.right() + 1)
        if envelope is None or b - a < 1:
            return []
        per_px = envelope.rate / (float(self.content.fps) * self.view.px_per_frame)
        return envelope.lines(a, (a - x0) * per_px, per_px, int(b - a), mid, half)

    def _captions(self, shown: range) -> None:
        top, height = tl.CAPTIONS.top + 2, tl.CAPTIONS.height - 4
        blocks, labelled = [], []
        for i in shown:
            for f0, f1, text in self.content.captions[i]:
                x0, x1 = self.view.x(self.starts[i] + f0), self.view.x(self.starts[i] + f1)
                r = QRectF(x0, top, max(1.0, x1 - x0 - 1), height)
                blocks.append(r)
                if r.width() >= CAPTION_TEXT_PX:
                    labelled.append((r.adjusted(3, 0, -3, 0), text))
        p, metrics = self.p, self.metrics
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(CAPTION_BG)
        p.drawRects(blocks)
        p.setPen(TEXT)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for r, text in labelled:
            p.drawText(r, align, metrics.elidedText(text, Qt.TextElideMode.ElideRight, r.width()))

    def _ruler(self, rect: QRectF, first: float, last: float, palette: QPalette) -> None:
        p, fps = self.p, self.content.fps
        p.fillRect(QRectF(rect.left(), tl.RULER.top, rect.width(), tl.RULER.height),
                   palette.color(QPalette.ColorRole.Window))  # fmt: skip
        major, minor = tl.tick_steps(self.view.px_per_frame, fps.nominal)
        bottom, x = tl.RULER.bottom, self.view.x
        lines = [QLineF(x(f), bottom - 4, x(f), bottom) for f in tl.ticks(first, last, minor)]
        labelled = tl.ticks(first - major, last, major)
        lines += [QLineF(x(f), bottom - 12, x(f), bottom) for f in labelled]
        p.setPen(palette.color(QPalette.ColorRole.WindowText))
        p.drawLines(lines)
        for f in labelled:
            p.drawText(QPointF(x(f) + 3, bottom - 11), fps.timecode(f))

    def segment_marks(self, marks: list[tuple[int, str]]) -> None:
        """A line through the tracks where each segment starts (``marks``: the index of its
        first shot, its label), and the label in a tag at the foot of the video track."""
        p, metrics, view = self.p, self.metrics, self.view
        tag_height = metrics.height() + 2
        for index, label in marks:
            if not 0 <= index < len(self.starts) - 1:
                continue
            x = view.x(self.starts[index])
            text = f"#{label}"
            width = metrics.horizontalAdvance(text) + 8
            if x + width < 0 or x > view.width:
                continue
            p.setPen(QPen(SEGMENT, 2))
            p.drawLine(QLineF(x, tl.RULER.bottom - 6, x, tl.CAPTIONS.bottom))
            tag = QRectF(x + 1, tl.VIDEO.bottom - tag_height - 2, width, tag_height)
            p.fillRect(tag, SEGMENT_BG)
            p.setPen(SEGMENT)
            p.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)

    def trim_mark(self, index: int, frames: int) -> None:
        """Shot ``index`` being trimmed to ``frames``: a line at its end and its new length."""
        p, end = self.p, self.view.x(self.starts[index + 1])
        p.setPen(DROP)
        p.drawLine(QLineF(end, tl.VIDEO.top, end, tl.CAPTIONS.bottom))
        text = f"{frames} f  {self.content.fps.clock(frames)}"
        p.drawText(QPointF(end + 4, tl.VIDEO.bottom - 4), text)

    def drop_target(self, index: int) -> None:
        """Shot ``index`` is where files dragged in would go: tinted, with a thick outline."""
        p, x0, x1 = self.p, self.view.x(self.starts[index]), self.view.x(self.starts[index + 1])
        r = QRectF(x0, tl.VIDEO.top, max(2.0, x1 - x0 - 1), tl.CAPTIONS.bottom - tl.VIDEO.top)
        p.fillRect(r, GHOST)
        p.setPen(QPen(DROP, 3))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r.adjusted(1.5, 1.5, -1.5, -1.5))

    def move_ghost(self, moving: list[int], index: int, offset: float, x: float) -> None:
        """The shots ``moving`` being dragged: a ghost of them, their first (``index``) moved
        ``offset`` px, and a line at the gap where they would drop with the pointer at ``x``."""
        p, view, starts = self.p, self.view, self.starts
        frames = sum(starts[i + 1] - starts[i] for i in moving)
        left = view.x(starts[index]) + offset
        p.fillRect(QRectF(left, tl.VIDEO.top, frames * view.px_per_frame, tl.VIDEO.height), GHOST)
        drop = tl.drop_index(starts, moving, view.frame_at(x))
        gap = view.x(tl.drop_frame(starts, moving, drop))
        p.setPen(QPen(DROP, 2))
        p.drawLine(QLineF(gap, tl.VIDEO.top - 2, gap, tl.CAPTIONS.bottom))

    def playhead(self, frame: int) -> None:
        """The playhead at ``frame``: a line through the tracks under a marker on the ruler."""
        p, x = self.p, self.view.x(frame)
        p.setPen(PLAYHEAD)
        p.drawLine(QLineF(x, tl.RULER.top, x, tl.CAPTIONS.bottom))
        p.setBrush(PLAYHEAD)
        p.drawPolygon(QPolygonF([QPointF(x - 5, 0), QPointF(x + 5, 0), QPointF(x, 8)]))
