"""The timeline's canvas: the ruler and the three tracks of :mod:`studio.ui.timeline.timeline`,
with zoom, scroll, a playhead, selection, drag to reorder and drag a right edge to trim, by mouse
and keys. Geometry is in :mod:`timeline_layout`, painting in :mod:`timeline_paint`; the edits
that keep the script in agreement in :mod:`timeline_edit_actions`, a shot's context menu in
:mod:`timeline_menu`.

A trimmed edge, and the playhead scrubbed on the ruler, snap to shot edges (and a trim to the
playhead) within :data:`~timeline_layout.SNAP_PX`, unless Shift is held or ``snapping`` is off;
a dragged shot always lands between shots. Keys while the canvas has focus (:data:`KEYS`): they
win over the window's shortcuts for the same keys (Delete deletes the shot, not a take)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from studio.ui.session import MOVE_ON_PATH, Session
from studio.ui.timeline import timeline_layout as tl
from studio.ui.timeline.thumbnails import MediaCache
from studio.ui.timeline.timeline_edit_actions import TimelineEdits
from studio.ui.timeline.timeline_menu import ShotMenu
from studio.ui.timeline.timeline_paint import TimelinePainter, TrackContent

ZOOM_STEP = 1.25
SCROLL_STEP = 60.0  # px per wheel notch
KEYS = {  # what each key does while the timeline has focus, for the help
    "= / +": "Zoom in", "-": "Zoom out", "Shift+Z or \\": "Zoom to fit the episode",
    "Ctrl+K": "Split the shot at the playhead", "Delete or Shift+Delete":
    "Delete the selected shots and close the gap", "Ctrl+A": "Select every shot",
    "Shift (held while dragging)": "Trim or scrub without snapping to shot edges",
}  # fmt: skip
_Key = Qt.Key
_ZOOM_IN, _ZOOM_OUT, _FIT = (
    (_Key.Key_Plus, _Key.Key_Equal),
    (_Key.Key_Minus, _Key.Key_Underscore),
    (_Key.Key_Backslash,),
)


@dataclass(slots=True)
class _Drag:
    kind: str  # "scrub", "press" (on a shot, not moved enough yet), "move", "trim"
    index: int = -1
    x0: float = 0.0
    x: float = 0.0
    frames: int = 0  # trim: the duration shown
    moving: list[int] = field(default_factory=list)


class TimelineCanvas(QWidget):
    """The ruler and tracks; ``view`` is its
    :class:`~studio.ui.timeline.timeline_layout.Viewport` and ``starts`` the shots' start frames
    as shown (a trim being dragged included)."""

    viewChanged = Signal()  # zoom, scroll or the episode's length changed
    playWanted = Signal()  # a shot was double-clicked: play it (the playhead is at its start)

    def __init__(
        self,
        session: Session,
        media: MediaCache,
        parent: QWidget | None = None,
        edits: TimelineEdits | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.media = session, media
        self.edits = edits if edits is not None else TimelineEdits(session, self)
        self.shot_menu = ShotMenu(session, self.edits, self)
        self.snapping = True  # edges snap (Shift held: not this time)
        self.view = tl.Viewport()
        self.starts: list[int] = [0]
        self.marks: list[tuple[int, str]] = []  # (shot index, segment label) of a branching one
        self.paint_seconds = 0.0  # how long the last paintEvent took
        self._content = TrackContent.read(session)
        self._drag: _Drag | None = None
        self._anchor = ""  # the shot a shift-click extends from
        self._shift = False  # held at the press or since, in this drag: no snapping
        self._fit_pending, self._sized = True, False
        self.drop_shot = ""  # the shot files are dragged over (see :mod:`timeline_drop`)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumHeight(int(tl.HEIGHT))
        session.shotsChanged.connect(self.refresh)
        session.takesChanged.connect(self._takes_changed)
        session.episodeChanged.connect(self._episode_changed)
        session.projectChanged.connect(self._episode_changed)
        session.pathChanged.connect(self._episode_changed)
        session.selectionChanged.connect(self.repaint_later)
        session.playheadChanged.connect(self._playhead_moved)
        media.ready.connect(self.repaint_later)
        self._relayout()

    # -- the model ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the episode's shots again (after any change to them; a drag is dropped)."""
        self._drag = None
        self._content = TrackContent.read(self.session)
        self._relayout()

    def _takes_changed(self, shot_ids: list[str]) -> None:
        """A result gave shots a take: their states and thumbnails (their lengths, and a
        drag, stay)."""
        if any(s.id in shot_ids for s in self._content.shots):
            self._content = TrackContent.read(self.session)
            self.update()

    def _relayout(self) -> None:
        durations = [s.duration_frames for s in self._content.shots]
        if self._drag is not None and self._drag.kind == "trim":
            durations[self._drag.index] = self._drag.frames
        self.starts = tl.shot_starts(durations)
        self.view.frames = self.starts[-1]
        self.view.scroll_to(self.view.scroll)
        self._view_changed()

    def set_marks(self, marks: list[tuple[int, str]]) -> None:
        """Mark where each segment starts: (index of the shot shown, segment label)."""
        self.marks = list(marks)
        self.update()

    def _episode_changed(self, *_: object) -> None:
        self._fit_pending = True
        self.refresh()
        self._fit_if_pending()

    def _fit_if_pending(self) -> None:
        if self._fit_pending and self._sized and self.view.frames:
            self._fit_pending = False
            self.fit()

    def _playhead_moved(self, frame: int) -> None:
        if self._drag is None or self._drag.kind != "scrub":
            x = self.view.x(frame)
            if not 0 <= x <= self.view.width - 16:  # it left the view: page to it
                self.set_scroll(tl.LEFT + frame * self.view.px_per_frame - 0.1 * self.view.width)
        self.update()

    def repaint_later(self, *_: object) -> None:
        self.update()

    # -- zoom and scroll ------------------------------------------------------------------------

    def zoom_by(self, factor: float, anchor_x: float) -> None:
        """Zoom in (factor > 1) or out keeping the frame under ``anchor_x`` in place."""
        self.view.zoom(factor, anchor_x)
        self._view_changed()

    def set_scroll(self, px: float) -> None:
        self.view.scroll_to(px)
        self._view_changed()

    def set_view(self, px_per_frame: float, scroll: float = 0.0) -> None:
        self.view.px_per_frame = px_per_frame
        self.set_scroll(scroll)

    def fit(self) -> None:
        """Show the whole episode."""
        self.view.fit()
        self._view_changed()

    def _view_changed(self) -> None:
        self.viewChanged.emit()
        self.update()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        self.view.width = float(event.size().width())
        self.view.scroll_to(self.view.scroll)
        self._sized = True
        self._fit_if_pending()
        self.viewChanged.emit()

    # -- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        began = time.perf_counter()
        p = QPainter(self)
        p.setClipRect(event.rect())
        metrics = QFontMetricsF(self.font())
        paint = TimelinePainter(p, self.view, self.starts, self._content, self.media, metrics)
        paint.tracks(QRectF(event.rect()), self.palette(), self.session.selected)
        paint.segment_marks(self.marks)
        drag = self._drag
        if drag is not None and drag.kind == "trim":
            paint.trim_mark(drag.index, drag.frames)
        elif drag is not None and drag.kind == "move":
            paint.move_ghost(drag.moving, drag.index, drag.x - drag.x0, drag.x)
        ids = [s.id for s in self._content.shots]
        if self.drop_shot in ids:
            paint.drop_target(ids.index(self.drop_shot))
        paint.playhead(self.session.playhead)
        p.end()
        self.paint_seconds = time.perf_counter() - began

    def shot_id_at(self, x: float, y: float) -> str:
        """The id of the shot at (``x``, ``y``) on a track ("" for none)."""
        hit = tl.hit_test(self.view, self.starts, x, y)
        return self._content.shots[hit.index].id if hit.part in ("shot", "edge") else ""

    def show_drop(self, shot_id: str) -> None:
        """Show that files dragged over the canvas would go into ``shot_id`` ("": none)."""
        if shot_id != self.drop_shot:
            self.drop_shot = shot_id
            self.update()

    # -- mouse and keys -------------------------------------------------------------------------

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        x, y = event.position().x(), event.position().y()
        hit = tl.hit_test(self.view, self.starts, x, y)
        if hit.part == "ruler":
            self._drag = _Drag("scrub")
            self._scrub(x)
        elif hit.part == "edge":
            frames = self._content.shots[hit.index].duration_frames
            self._drag = _Drag("trim", hit.index, x, x, frames)
        elif hit.part == "shot":
            self._press_shot(hit.index, x, event.modifiers())
        elif hit.part == "track":
            self.session.select([])

    def _press_shot(self, index: int, x: float, modifiers: Qt.KeyboardModifier) -> None:
        ids = [s.id for s in self._content.shots]
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        chosen = tl.clicked(ids, self.session.selected, self._anchor, index, ctrl, shift)
        self.session.select(chosen)
        if not shift:
            self._anchor = ids[index]
        if not ctrl and not shift:
            self._drag = _Drag("press", index, x, x)
            self.session.set_playhead(self.starts[index])  # a click goes to the shot's start

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        """A double-click on a shot plays it from its first frame."""
        hit = tl.hit_test(self.view, self.starts, event.position().x(), event.position().y())
        if event.button() != Qt.MouseButton.LeftButton or hit.part != "shot":
            self.mousePressEvent(event)
            return
        self._drag = None
        self.session.set_playhead(self.starts[hit.index])
        self.playWanted.emit()

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        x, drag = event.position().x(), self._drag
        if drag is None:
            hit = tl.hit_test(self.view, self.starts, x, event.position().y())
            if hit.part == "edge":
                self.setCursor(Qt.CursorShape.SizeHorCursor)
            else:
                self.unsetCursor()
            return
        drag.x = x
        self._shift |= bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if drag.kind == "scrub":
            self._scrub(x)
        elif drag.kind == "trim":
            base = self._content.shots[drag.index].duration_frames
            frames = max(1, base + round((x - drag.x0) / self.view.px_per_frame))
            start = self.starts[drag.index]
            frames = max(1, self._snap(start + frames, self._model_edges()) - start)
            if frames != drag.frames:
                drag.frames = frames
                self._relayout()
        elif drag.kind == "press" and abs(x - drag.x0) >= QApplication.startDragDistance():
            if self.session.path is not None:  # no reorder on a path: say so, drop the drag
                self._drag = None
                self.session.message.emit(MOVE_ON_PATH)
                return
            chosen = set(self.session.selected)
            drag.kind = "move"
            drag.moving = [i for i, s in enumerate(self._content.shots) if s.id in chosen]
            drag.index = drag.moving[0] if drag.moving else drag.index
        if drag.kind == "move":
            self.update()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if drag.kind == "trim":
            shot = self._content.shots[drag.index]
            self._relayout()  # back to the model's durations; the edit re-lays out again
            if drag.frames != shot.duration_frames:
                self.session.trim(shot.id, drag.frames)
        elif drag.kind == "move" and drag.moving:
            ids = [s.id for s in self._content.shots]
            index = tl.drop_index(self.starts, drag.moving, self.view.frame_at(drag.x))
            moving = [ids[i] for i in drag.moving]
            if tl.reordered(ids, moving, index) != ids:
                self.edits.move(moving, index)
        elif drag.kind == "press" and len(self.session.selected) > 1:
            self.session.select(
                [self._content.shots[drag.index].id]
            )  # a plain click in a selection
        self.update()

    def _scrub(self, x: float) -> None:
        frame = max(0, math.floor(self.view.frame_at(x)))
        self.session.set_playhead(self._snap(frame, self.starts, playhead=False))

    def _snap(self, frame: int, edges: list[int], playhead: bool = True) -> int:
        """``frame`` snapped to ``edges`` (and the playhead), unless snapping is off now."""
        if not self.snapping or self._shift:
            return frame
        targets = [*edges, self.session.playhead] if playhead else edges
        return tl.snapped(self.view, frame, targets)

    def _model_edges(self) -> list[int]:
        """The shots' edges as the model has them (a trim being dragged left out)."""
        return tl.shot_starts([s.duration_frames for s in self._content.shots])

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        """A shot's menu (the shot is selected first, unless it is in the selection)."""
        hit = tl.hit_test(self.view, self.starts, event.pos().x(), event.pos().y())
        if hit.part not in ("shot", "edge") or self._drag is not None:
            return
        shot = self._content.shots[hit.index]
        if shot.id not in self.session.selected:
            self.session.select([shot.id])
            self._anchor = shot.id
        self.shot_menu.build(shot).popup(event.globalPos())

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if delta.y():
                self.zoom_by(ZOOM_STEP ** (delta.y() / 120), event.position().x())
        else:
            self.set_scroll(self.view.scroll - (delta.x() or delta.y()) / 120 * SCROLL_STEP)
        event.accept()

    def event(self, event: QEvent) -> bool:
        """The timeline's keys win over the window's shortcuts while it has focus."""
        if event.type() == QEvent.Type.ShortcutOverride and self._command(event) is not None:
            event.accept()
            return True
        return super().event(event)

    def _command(self, event: QEvent) -> Callable[[], object] | None:
        """What a key does on the timeline (None: not a timeline key)."""
        assert isinstance(event, QtGui.QKeyEvent)
        key, mods = event.key(), event.modifiers()
        plain = not mods & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        x = self.view.x(self.session.playhead)
        anchor = x if 0 <= x <= self.view.width else self.view.width / 2
        if key in _ZOOM_IN and plain:
            return lambda: self.zoom_by(ZOOM_STEP, anchor)
        if key in _ZOOM_OUT and plain:
            return lambda: self.zoom_by(1 / ZOOM_STEP, anchor)
        shift_z = key == _Key.Key_Z and mods == Qt.KeyboardModifier.ShiftModifier
        if (key in _FIT and plain) or shift_z:
            return self.fit
        if key == _Key.Key_K and mods == Qt.KeyboardModifier.ControlModifier:
            return self.edits.split_at_playhead
        if key == _Key.Key_Delete and plain:
            return self.edits.ripple_delete
        return None

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        command = self._command(event)
        if event.matches(QtGui.QKeySequence.StandardKey.SelectAll):
            self.session.select([s.id for s in self._content.shots])
        elif command is not None:
            command()
        else:
            super().keyPressEvent(event)
