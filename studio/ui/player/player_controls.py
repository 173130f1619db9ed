"""The preview player's controls: the row under the picture, and the actions for the menus.

The row holds play/pause, step back and forward, a scrub slider, the timecode and frame
counter, loop shot, and the safe-zone overlay with its platform (TikTok or Reels). Each button
shows one of the player's actions (:attr:`PlayerControls.player_actions`: play/pause first,
then pause, shuttle back and forward, step back and forward, start, end, loop shot), which the
main window also puts in its Playback menu, and :attr:`PlayerControls.safe_zone_action` goes
in its View menu. Their keys (:mod:`studio.ui.keymap`: Space, K, J, L, arrows, Home, End) work
anywhere in the window; a focused text field still types a Space.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from studio.core.time import FrameRate
from studio.ui import keymap
from studio.ui.player.player_overlays import SAFE_ZONES


class PlayerControls(QWidget):
    """``toggle_play()``, ``step(n)``, ``seek(frame)``, ``loop(on)`` and ``safe_zone(name)``
    are the player's; the controls call them and show what :meth:`show` says."""

    def __init__(
        self,
        parent: QWidget,
        *,
        toggle_play: Callable[[], None],
        pause: Callable[[], None],
        shuttle: Callable[[float], None],
        step: Callable[[int], None],
        seek: Callable[[int], None],
        loop: Callable[[bool], None],
        safe_zone: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        icon = self.style().standardIcon
        pixmaps = QStyle.StandardPixmap
        self._icons = icon(pixmaps.SP_MediaPlay), icon(pixmaps.SP_MediaPause)

        def jump(frame: int) -> None:
            pause()
            seek(frame)

        self.play_action = self._action("Play / Pause", toggle_play, self._icons[0], "play")
        back = self._action("Step Back", lambda: step(-1), icon(pixmaps.SP_MediaSkipBackward),
                            "step_back")  # fmt: skip
        forward = self._action("Step Forward", lambda: step(1),
                               icon(pixmaps.SP_MediaSkipForward), "step_forward")  # fmt: skip
        self.loop_action = self._action("Loop Shot", None)
        self.loop_action.toggled.connect(loop)
        self.safe_zone_action = self._action("Safe Zone Overlay", None)
        self.player_actions = [
            self.play_action,
            self._action("Pause", pause, None, "pause"),
            self._action("Play Backwards (Faster)", lambda: shuttle(-1.0), None, "reverse"),
            self._action("Play Forwards (Faster)", lambda: shuttle(1.0), None, "forward"),
            back,
            forward,
            self._action("Go to Start", lambda: jump(0), None, "go_start"),
            self._action("Go to End", lambda: jump(1 << 30), None, "go_end"),  # clamped
            self.loop_action,
        ]
        self._safe_zone = safe_zone
        self.safe_zone_action.toggled.connect(self._zone_changed)
        self.platform = QComboBox(self)
        self.platform.addItems(list(SAFE_ZONES))
        self.platform.currentIndexChanged.connect(self._zone_changed)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.valueChanged.connect(seek)
        self.clock = QLabel(self)
        self.clock.setFont(QFont("monospace"))
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        for action in (self.play_action, back, forward):
            row.addWidget(self._button(action))
        row.addWidget(self.slider, 1)
        row.addWidget(self.clock)
        row.addWidget(self._button(self.loop_action, text=True))
        row.addWidget(self._button(self.safe_zone_action, text=True))
        row.addWidget(self.platform)
        for widget in (self.slider, self.platform):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_playhead(self, playing: bool, frame: int, frames: int, fps: FrameRate) -> None:
        """Show the playhead at ``frame`` of ``frames``, and whether it plays."""
        self.play_action.setIcon(self._icons[1 if playing else 0])
        shown = frame + 1 if frames else 0  # 1-based: the first frame is 1, the last ``frames``
        self.clock.setText(f"{fps.timecode(frame)}  {shown}/{frames}")
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, frames - 1))
        self.slider.setValue(frame)
        self.slider.blockSignals(False)

    def show_options(self, loop: bool, zone: str) -> None:
        """Check loop shot and the safe zone as the player has them (no signals)."""
        for action, on in ((self.loop_action, loop), (self.safe_zone_action, bool(zone))):
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
        if zone:
            self.platform.blockSignals(True)
            self.platform.setCurrentText(zone)
            self.platform.blockSignals(False)

    def _zone_changed(self, *_: object) -> None:
        on = self.safe_zone_action.isChecked()
        self._safe_zone(self.platform.currentText() if on else "")

    def _action(
        self, text: str, slot: Callable[[], None] | None, icon: object = None, name: str = ""
    ) -> QAction:
        action = keymap.bind(QAction(text, self.parent()), name)
        if icon is not None:
            action.setIcon(icon)  # type: ignore[arg-type]
        if slot is None:
            action.setCheckable(True)
        else:
            action.triggered.connect(lambda _checked=False: slot())
        return action

    def _button(self, action: QAction, *, text: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if text:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button
