"""Files dragged in from the file manager, as Qt delivers them to a widget: ``drag(widget, pos,
*paths)`` sends the enter and move events and returns the move (accepted or not);
``drop(widget, pos, *paths)`` sends them and then the drop, and returns the drop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

COPY = Qt.DropAction.CopyAction
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def files(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drag(widget: QWidget, pos: QPoint, *paths: Path) -> QDragMoveEvent:
    mime = files(*paths)
    QApplication.sendEvent(widget, QDragEnterEvent(pos, COPY, mime, LEFT, NONE))
    move = QDragMoveEvent(pos, COPY, mime, LEFT, NONE)
    move.setAccepted(False)
    QApplication.sendEvent(widget, move)
    return move


def drop(widget: QWidget, pos: QPoint, *paths: Path) -> QDropEvent:
    mime = files(*paths)  # the event does not own it: kept alive until it is delivered
    QApplication.sendEvent(widget, QDragEnterEvent(pos, COPY, mime, LEFT, NONE))
    QApplication.sendEvent(widget, QDragMoveEvent(pos, COPY, mime, LEFT, NONE))
    event = QDropEvent(QPointF(pos), COPY, mime, LEFT, NONE)
    event.setAccepted(False)
    QApplication.sendEvent(widget, event)
    return event
