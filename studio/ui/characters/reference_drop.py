"""Image files dragged in from the file manager and dropped onto the character panel: they
become the shown character's reference images, as its "Import…" button makes them (one undoable
edit each; a file that is not a readable image is refused with one line and nothing changes).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWidget

from studio.ui.characters.character_refs import ReferencesBox
from studio.ui.timeline.timeline_drop import local_files

_DRAGS = (QEvent.Type.DragEnter, QEvent.Type.DragMove)


class ReferenceDrop(QObject):
    """Files dropped anywhere on ``widget`` go to ``references``' character."""

    def __init__(self, widget: QWidget, references: ReferencesBox) -> None:
        super().__init__(widget)
        self.references = references
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _DRAGS and kind != QEvent.Type.Drop:
            return False
        assert isinstance(event, QDropEvent)
        files = local_files(event.mimeData())
        box = self.references
        if not (files and box.session.writable):
            event.ignore()
            return True
        event.acceptProposedAction()
        if kind == QEvent.Type.Drop and not box.name:
            box.session.message.emit("Choose a character first, then drop its images on it")
        elif kind == QEvent.Type.Drop:
            box.import_files([str(path) for path in files])
        return True
