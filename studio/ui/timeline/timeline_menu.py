"""The context menu of a shot on the timeline: the take review's actions on the selected shots
(Generate, Variations, Voice, Lip-sync, Approve — the same QActions as the Review menu, enabled
as there), then Split at Playhead, Delete and Reveal in Script; an item that does not apply to
the shot is disabled."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from studio.core.model import Shot
from studio.ui.session import Session
from studio.ui.timeline.timeline_edit_actions import TimelineEdits

# (name of the take review's action, the item's text when the window has no review panel)
SHARED = (("generate_selected", "Generate"), ("variations", "Variations"),
          ("voice_selected", "Voice"), ("lipsync_selected", "Lip-sync"),
          ("approve_selected", "Approve"))  # fmt: skip


class ShotMenu(QObject):
    """Builds the menu of one shot; ``lineWanted`` asks to show a 1-based script line."""

    lineWanted = Signal(int)

    def __init__(self, session: Session, edits: TimelineEdits, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.edits, self._parent = session, edits, parent
        self.shared: dict[str, QAction] = {}
        self.split_action = QAction("&Split at Playhead", self)
        self.split_action.triggered.connect(edits.split_at_playhead)
        self.delete_action = QAction("&Delete (Close the Gap)", self)
        self.delete_action.triggered.connect(lambda: edits.ripple_delete())
        self.reveal_action = QAction("Reveal in S&cript", self)
        self.reveal_action.triggered.connect(self._reveal)
        self._placeholders = {name: QAction(text, self) for name, text in SHARED}
        self._shot: Shot | None = None
        self.menu: QMenu | None = None  # the last one shown

    def use_actions(self, actions: Mapping[str, QAction]) -> None:
        """Show these actions (the take review's, by name) instead of disabled placeholders."""
        self.shared = {name: actions[name] for name, _ in SHARED if name in actions}

    def build(self, shot: Shot) -> QMenu:
        """The menu for ``shot`` (selected by the right-click that opens it)."""
        self._shot = shot
        menu = QMenu(self._parent)
        for name, _ in SHARED:
            action = self.shared.get(name)
            if action is None:
                action = self._placeholders[name]
                action.setEnabled(False)
            menu.addAction(action)
        menu.addSeparator()
        under = self.session.shot_at(self.session.playhead)
        self.split_action.setEnabled(
            under is not None and under.id == shot.id and self.edits.can_split()
        )
        self.delete_action.setEnabled(self.session.writable)
        menu.addAction(self.split_action)
        menu.addAction(self.delete_action)
        menu.addSeparator()
        project = self.session.project
        self.reveal_action.setEnabled(
            project is not None and bool(project.script) and shot.source_lines[0] > 0
        )
        menu.addAction(self.reveal_action)
        self.menu = menu
        return menu

    def _reveal(self) -> None:
        if self._shot is not None and self._shot.source_lines[0] > 0:
            self.lineWanted.emit(self._shot.source_lines[0])
