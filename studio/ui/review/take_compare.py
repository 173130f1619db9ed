"""Two takes side by side, playing in sync: the compare window of the take review.

One clock drives both pictures: each shows its take's frame at the same frame index, at the
first take's frame rate; a take shorter than the other holds its last frame. Keys: Space
play/pause, Left/Right one frame, Home to the start. Frames are decoded off the GUI thread by
a :class:`~studio.ui.review.take_loop.LoopFrames` (the review panel's, so its cache is shared).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from studio.core.model import Shot
from studio.media.frame_proxies import PROXIES
from studio.ui.actions import take_of
from studio.ui.review.take_grid import elided, request_summary, take_cost, take_prompt
from studio.ui.review.take_loop import DEFAULT_FPS, Loop, LoopFrames
from studio.ui.session import Session

VIEW = (216, 384)  # each picture, 9:16


def compare_partner(shot: Shot, current: str | None, marked: str | None) -> str | None:
    """The take to compare ``current`` with: the ``marked`` one, else the approved one, else
    the next take of the shot (the previous for the last); None when there is no other."""
    ids = [t.id for t in shot.takes]
    if current not in ids or len(ids) < 2:
        return None
    for other in (marked, shot.approved_take):
        if other in ids and other != current:
            return other
    at = ids.index(current)
    return ids[at + 1] if at + 1 < len(ids) else ids[at - 1]


class _Side:
    """One take of the comparison: its file, picture and the loop once decoded."""

    def __init__(self, take_id: str, media: object, picture: QLabel) -> None:
        self.take_id = take_id
        self.media = media  # Path | None
        self.picture = picture
        self.loop: Loop | None = None
        self.shown = -1  # the source frame on screen


class TakeCompare(QDialog):
    """Takes ``take_ids`` (two) of ``session``'s project side by side, playing in sync."""

    def __init__(
        self,
        session: Session,
        take_ids: tuple[str, str],
        loops: LoopFrames | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Compare {take_ids[0]} and {take_ids[1]}")
        self.session = session
        root = session.root
        self._own_loops = loops is None
        self.loops = loops or LoopFrames(root / PROXIES if root is not None else None, self)
        self.frame = 0
        self.sides: list[_Side] = []
        grid = QGridLayout()
        for column, take_id in enumerate(take_ids):
            found = take_of(session, take_id)
            take = found[1] if found is not None else None
            picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
            picture.setFixedSize(*VIEW)
            picture.setStyleSheet("background: #111; color: #bbb;")
            picture.setWordWrap(True)
            media = (root / take.media if take is not None and take.media and root is not None
                     and not take.media_problem else None)  # fmt: skip
            side = _Side(take_id, media, picture)
            if take is None:
                picture.setText(f"no take {take_id}")
            elif media is None:
                picture.setText(take.media_problem or "no file")
            else:
                picture.setText("loading…")
            self.sides.append(side)
            title = QLabel(f"<b>{take_id}</b>" + (f" — {take.state.value}" if take else ""))
            info = QLabel(
                f"{request_summary(take.request)} · {take_cost(take)}\n"
                f"{elided(take_prompt(take), 80)}"
                if take is not None else ""
            )  # fmt: skip
            info.setWordWrap(True)
            info.setTextFormat(Qt.TextFormat.PlainText)
            info.setFixedWidth(VIEW[0])
            if take is not None:
                info.setToolTip(take_prompt(take))
            grid.addWidget(title, 0, column)
            grid.addWidget(picture, 1, column)
            grid.addWidget(info, 2, column)
        self.play_button = QPushButton("Play")
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.valueChanged.connect(self.set_frame)
        self.clock = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.clock)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._advance)
        self.loops.ready.connect(self._loop_ready)
        self._loop_ready("")
        self.play()

    # -- playing ------------------------------------------------------------------------------

    @property
    def frames(self) -> int:
        """The comparison's length: the longer take's frames (0 until one is decoded)."""
        return max((side.loop.frames for side in self.sides if side.loop), default=0)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        fps = next((s.loop.fps for s in self.sides if s.loop is not None), DEFAULT_FPS)
        self._timer.start(max(1, round(1000 / fps)))
        self.play_button.setText("Pause")

    def pause(self) -> None:
        self._timer.stop()
        self.play_button.setText("Play")

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def set_frame(self, frame: int) -> None:
        """Show frame ``frame`` of both takes."""
        total = self.frames
        self.frame = frame % total if total else 0
        for side in self.sides:
            if side.loop is not None:
                image = side.loop.at(self.frame)
                side.picture.setPixmap(QPixmap.fromImage(image))
                side.shown = min(self.frame, side.loop.frames - 1)
        if self.slider.value() != self.frame:
            self.slider.blockSignals(True)
            self.slider.setValue(self.frame)
            self.slider.blockSignals(False)
        self.clock.setText(f"{self.frame + 1} / {total}")

    def shown_frames(self) -> list[int]:
        """The frame index each side shows now (-1: nothing yet)."""
        return [side.shown for side in self.sides]

    def _advance(self) -> None:
        if self.frames:
            self.set_frame(self.frame + 1)

    def _loop_ready(self, _path: str) -> None:
        changed = False
        for side in self.sides:
            if side.loop is None and side.media is not None:
                side.loop = self.loops.frames(side.media, VIEW, None)
                changed = changed or side.loop is not None
                if side.loop is None and self.loops.problem(side.media):
                    side.picture.setText(self.loops.problem(side.media))
        if changed:
            self.slider.setRange(0, max(0, self.frames - 1))
            if self.playing:
                self.play()  # at the take's own rate, now known
            self.set_frame(self.frame)

    # -- keys -----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle_play()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.pause()
            self.set_frame(self.frame + (1 if key == Qt.Key.Key_Right else -1))
        elif key == Qt.Key.Key_Home:
            self.set_frame(0)
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        self.pause()
        if self._own_loops:
            self.loops.close()
        super().closeEvent(event)

    def done(self, result: int) -> None:  # Escape or a close button
        self.pause()
        super().done(result)
