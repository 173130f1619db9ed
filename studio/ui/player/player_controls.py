"""The preview player's controls: the row under the picture, and the actions for the menus.

The row holds play/pause, step back and forward, a scrub slider, the J/L shuttle speed ("2×",
"−4×"; empty when paused), the timecode and frame counter (a fixed width, set from the widest
text the episode's length can show, so the row does not jump while it plays), loop shot, and
the safe-zone overlay with its platform (TikTok or Reels); those two are checkable buttons that
look pressed while on, whether switched here, from a menu or by their keys. Each button
shows one of the player's actions (:attr:`PlayerControls.player_actions`: play/pause first,
then pause, shuttle back and forward, step back and forward, start, end, loop shot), which the
main window also puts in its Playback menu, and :attr:`PlayerControls.safe_zone_action` goes
in its View menu. Their keys (:mod:`studio.ui.keymap`: Space, K, J, L, arrows, Home, End) work
anywhere in the window; a focused text field still types a Space.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFontDatabase, QFontMetrics
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
        self.loop_action = self._action("Loop Shot", None, None, "loop")
        self.loop_action.toggled.connect(loop)
        self.safe_zone_action = self._action("Safe Zone Overlay", None, None, "safe_zones")
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
        self.speed = QLabel(self)
        self.clock = QLabel(self)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for label in (self.speed, self.clock):
            label.setFont(fixed)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.speed.setFixedWidth(_text_width(self.speed, "−8×"))
        self._clock_for: tuple[int, FrameRate] | None = None  # the length the width is set for
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        for action in (self.play_action, back, forward):
            row.addWidget(self._button(action))
        row.addWidget(self.slider, 1)
        row.addWidget(self.speed)
        row.addWidget(self.clock)
        self.loop_button = self._button(self.loop_action, text=True)
        self.safe_zone_button = self._button(self.safe_zone_action, text=True)
        row.addWidget(self.loop_button)
        row.addWidget(self.safe_zone_button)
        row.addWidget(self.platform)
        for widget in (self.slider, self.platform):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_playhead(self, rate: float, frame: int, frames: int, fps: FrameRate) -> None:
        """Show the playhead at ``frame`` of ``frames``, and the ``rate`` it plays at (0:
        paused, negative: backwards)."""
        self.play_action.setIcon(self._icons[1 if rate else 0])
        self.speed.setText(speed_text(rate))
        if self._clock_for != (frames, fps):  # wide enough for the last frame's text
            self._clock_for = (frames, fps)
            self.clock.setFixedWidth(_text_width(self.clock, _clock_text(frames - 1, frames, fps)))
        self.clock.setText(_clock_text(frame, frames, fps))
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
        """A button showing ``action`` (a checkable one shows pressed while checked)."""
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if text:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button


def speed_text(rate: float) -> str:
    """The shuttle speed as shown: "1×", "2×", "−4×" (backwards), "" when paused."""
    if not rate:
        return ""
    return f"{'−' if rate < 0 else ''}{abs(rate):g}×"


def _clock_text(frame: int, frames: int, fps: FrameRate) -> str:
    shown = frame + 1 if frames else 0  # 1-based: the first frame is 1, the last ``frames``
    return f"{fps.timecode(max(0, frame))}  {shown}/{frames}"


def _text_width(label: QLabel, text: str) -> int:
    """The width ``label`` needs for ``text`` with every digit as wide as the widest one."""
    metrics = QFontMetrics(label.font())
    widest = max("0123456789", key=metrics.horizontalAdvance)
    return metrics.horizontalAdvance("".join(widest if c.isdigit() else c for c in text)) + 8
