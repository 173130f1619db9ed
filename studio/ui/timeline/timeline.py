"""The shot timeline panel: an episode selector, the path picker of a branching episode
(:mod:`path_bar`) and the pacing strip (:mod:`pacing_strip`) over a ruler and three tracks —
video (each shot coloured by its state, with its take's thumbnail), dialogue (each voiced line's
waveform) and captions — with zoom, scroll, a playhead, selection, drag to reorder and drag a
right edge to trim (snapping to edges and the playhead), split at the playhead, ripple delete and
a shot's context menu; a reorder, split or delete is written into the script too, so the two agree.

While one path is shown, the tracks hold that path's shots in its order, with a mark where each
segment starts. A trim there is a trim of the shot, wherever it shows; a reorder is refused
(a place on the path is not a place in the episode): the status bar says to choose All shots.

The ruler and tracks are :mod:`studio.ui.timeline.timeline_canvas`; geometry is in
:mod:`studio.ui.timeline.timeline_layout`, painting in
:mod:`studio.ui.timeline.timeline_paint`, thumbnails and waveforms in
:mod:`studio.ui.timeline.thumbnails`; this module holds the panel that puts them together.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QScrollBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.titles import episode_name
from studio.media.frame_proxies import PROXIES
from studio.ui.session import Session
from studio.ui.timeline.pacing_strip import PacingStrip
from studio.ui.timeline.path_bar import PathBar
from studio.ui.timeline.thumbnails import MediaCache
from studio.ui.timeline.timeline_canvas import SCROLL_STEP, TimelineCanvas
from studio.ui.timeline.timeline_drop import MediaDrop
from studio.ui.timeline.timeline_edit_actions import TimelineEdits

__all__ = ["TimelineCanvas", "TimelineView"]


class TimelineView(QWidget):
    """The timeline panel of the Studio window, showing ``session``'s episode."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        media: MediaCache | None = None,
        script_text: Callable[[], str] | None = None,
        before_script_edit: Callable[[], object] | None = None,
    ) -> None:
        """``script_text`` gives the script the shots were broken down from, for the path
        picker and the edits written into the script (None: the project's script file);
        ``before_script_edit`` applies an edit still being typed in the script editor."""
        super().__init__(parent)
        self.session = session
        self.media = media if media is not None else MediaCache(self, posters=self._posters)
        self.episode_box = QComboBox(self)
        self.episode_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.edits = TimelineEdits(session, self, script_text=script_text,
                                   before_script_edit=before_script_edit)  # fmt: skip
        self.canvas = TimelineCanvas(session, self.media, self, self.edits)
        at = lambda pos: self.canvas.shot_id_at(pos.x(), pos.y())  # noqa: E731
        self.drop = MediaDrop(session, self.canvas, at, self.canvas.show_drop)
        self.snap_button = QToolButton(self)
        self.snap_button.setText("Snap")
        self.snap_button.setCheckable(True)
        self.snap_button.setChecked(True)
        self.snap_button.setToolTip("Edges snap to shot edges and the playhead (hold Shift: not)")
        self.snap_button.toggled.connect(lambda on: setattr(self.canvas, "snapping", on))
        self.pacing = PacingStrip(session, self.canvas.view, self)
        self.paths = PathBar(session, script_text, self)
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal, self)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.episode_box)
        top.addWidget(self.paths)
        top.addStretch(1)
        top.addWidget(self.snap_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.pacing)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.scrollbar)
        self.episode_box.activated.connect(self._episode_chosen)
        self.scrollbar.valueChanged.connect(self.canvas.set_scroll)
        self.canvas.viewChanged.connect(self._sync_scrollbar)
        self.canvas.viewChanged.connect(self.pacing.update)
        self.paths.marksChanged.connect(lambda: self.canvas.set_marks(self.paths.marks))
        self.canvas.set_marks(self.paths.marks)
        session.projectChanged.connect(self._fill_episodes)
        session.shotsChanged.connect(self._fill_episodes)
        session.episodeChanged.connect(self._show_episode)
        self._fill_episodes()

    def _posters(self) -> Path | None:
        """Where the open project keeps its takes' posters (beside their proxies)."""
        root = self.session.root
        return root / PROXIES if root is not None else None

    def _fill_episodes(self) -> None:
        project = self.session.project
        episodes = project.episodes if project is not None else []
        items = [(_episode_name(e.number, e.title), e.number) for e in episodes]
        box = self.episode_box
        if items != [(box.itemText(i), box.itemData(i)) for i in range(box.count())]:
            box.blockSignals(True)
            box.clear()
            for title, number in items:
                box.addItem(title, number)
            box.blockSignals(False)
        self._show_episode(self.session.episode_number)

    def _show_episode(self, number: int) -> None:
        box = self.episode_box
        box.blockSignals(True)  # showing the session's choice is not a new choice
        box.setCurrentIndex(box.findData(number))
        box.blockSignals(False)

    def _episode_chosen(self, index: int) -> None:
        number = self.episode_box.itemData(index)
        if number is not None:
            self.session.set_episode(int(number))

    def _sync_scrollbar(self) -> None:
        view, bar = self.canvas.view, self.scrollbar
        bar.blockSignals(True)
        bar.setRange(0, math.ceil(view.max_scroll()))
        bar.setPageStep(max(1, int(view.width)))
        bar.setSingleStep(int(SCROLL_STEP))
        bar.setValue(round(view.scroll))
        bar.blockSignals(False)


def _episode_name(number: int, title: str) -> str:
    """ "Episode 2 — The Contract", never "Episode 2 — Episode 2: The Contract"."""
    return episode_name(number, title, " — ")
