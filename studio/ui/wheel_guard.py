"""The mouse wheel scrolls panels; it never changes a value the user is not editing.

A spin box or combo box changes on the wheel only while it has keyboard focus (the user clicked
or tabbed into it). Without focus the wheel passes to the panel around it, which scrolls, so
scrolling down the character panel never re-seeds a character or re-voices them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QAbstractSpinBox, QComboBox)
_WATCHED = (QEvent.Type.Wheel, QEvent.Type.Polish)


class WheelGuard(QObject):
    """An application-wide event filter; :func:`guard_wheel` installs one."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        kind = event.type()
        if kind not in _WATCHED or not isinstance(watched, GUARDED):
            return False
        if kind == QEvent.Type.Polish:  # a new box (in a dialog opened later, too)
            unfocus_wheel(watched)
            return False
        if watched.hasFocus():  # type: ignore[union-attr]
            return False
        event.ignore()  # not handled here: Qt hands it on to the parent, which may scroll
        return True


def guard_wheel(owner: QObject) -> WheelGuard:
    """Install a :class:`WheelGuard` on the application for as long as ``owner`` lives, and
    stop the guarded boxes taking focus from the wheel (a wheel-focused box would then
    change on the next turn)."""
    guard = WheelGuard(owner)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(guard)
        for widget in QApplication.allWidgets():
            unfocus_wheel(widget)
    return guard


def unfocus_wheel(widget: QWidget) -> None:
    """Give a spin box or combo box focus from clicks and Tab only, never from the wheel."""
    if isinstance(widget, GUARDED) and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
