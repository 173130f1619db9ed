"""The script's outline: the project's episodes and their scenes, each pointing at its line.

The tree is rebuilt from the session's project whenever the project or its shots change. A
scene's line is its heading's line in the script text (the last heading above its first
shot), an episode's the ``# Episode`` section line above its first scene; without the text,
the first shot's line. Activating an item emits :attr:`ScriptOutline.lineActivated`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from studio.core.model import Episode, Scene
from studio.core.script import fountain
from studio.core.script.elements import Kind
from studio.ui.session import Session

__all__ = ["ScriptOutline"]

LINE_ROLE = Qt.ItemDataRole.UserRole  # the 1-based script line an item points at
EPISODE_ROLE = Qt.ItemDataRole.UserRole + 1  # the episode number of an item


class ScriptOutline(QTreeWidget):
    """Episodes → scenes of the session's project; activating one emits its script line."""

    lineActivated = Signal(int)  # a 1-based line of the script text

    def __init__(
        self,
        session: Session,
        text_of: Callable[[], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._text_of = text_of
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setUniformRowHeights(True)
        self.itemClicked.connect(self._activate)
        self.itemActivated.connect(self._activate)
        session.projectChanged.connect(self.rebuild)
        session.shotsChanged.connect(self.rebuild)
        session.episodeChanged.connect(self._mark_episode)
        self.rebuild()

    def rebuild(self) -> None:
        """Fill the tree again from the project (keeping which episodes are collapsed)."""
        collapsed = {
            item.data(0, EPISODE_ROLE) for item in self._episode_items() if not item.isExpanded()
        }
        self.clear()
        project = self.session.project
        if project is None:
            return
        headings, sections = self._marks()
        for episode in project.episodes:
            item = self._episode_item(episode, headings, sections)
            self.addTopLevelItem(item)
            item.setExpanded(episode.number not in collapsed)
        self._mark_episode(self.session.episode_number)

    def line_of(self, item: QTreeWidgetItem) -> int:
        """The script line ``item`` points at (0 when it has none)."""
        line = item.data(0, LINE_ROLE)
        return int(line) if line else 0

    def _episode_items(self) -> list[QTreeWidgetItem]:
        return [self.topLevelItem(i) for i in range(self.topLevelItemCount())]

    def _marks(self) -> tuple[list[int], list[int]]:
        """The lines of scene headings and of episode sections in the script text."""
        text = self._text_of() if self._text_of is not None else ""
        if not text:
            return [], []
        elements = fountain.parse(text)
        headings = [e.lines[0] for e in elements if e.kind is Kind.SCENE_HEADING]
        sections = [e.lines[0] for e in elements if e.kind is Kind.SECTION and e.depth == 1]
        return headings, sections

    def _episode_item(
        self, episode: Episode, headings: list[int], sections: list[int]
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem([episode.title or f"Episode {episode.number}"])
        item.setToolTip(0, f"Episode {episode.number}")
        item.setData(0, EPISODE_ROLE, episode.number)
        scene_lines: list[int] = []
        previous = 0
        for scene in episode.scenes:
            line = _scene_line(scene, headings, previous)
            previous = line or previous
            scene_lines.append(line)
            child = QTreeWidgetItem([_scene_label(scene)])
            child.setData(0, LINE_ROLE, line)
            child.setData(0, EPISODE_ROLE, episode.number)
            if line:
                child.setToolTip(0, f"line {line}")
            item.addChild(child)
        first = next((n for n in scene_lines if n), 0)
        item.setData(0, LINE_ROLE, _last_at_or_before(sections, first) or first)
        return item

    def _mark_episode(self, number: int) -> None:
        for item in self._episode_items():
            font = item.font(0)
            font.setBold(item.data(0, EPISODE_ROLE) == number)
            item.setFont(0, font)

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        line = self.line_of(item)
        if line:
            self.lineActivated.emit(line)


def _scene_label(scene: Scene) -> str:
    heading = scene.heading or "(before the first heading)"
    return f"{scene.number}  {heading}" if scene.number else heading


def _scene_line(scene: Scene, headings: list[int], previous: int) -> int:
    """The line of ``scene``'s heading, or of its first shot when the text is unknown."""
    first_shot = next((s.source_lines[0] for s in scene.shots if s.source_lines[0]), 0)
    if not headings:
        return first_shot
    if not scene.heading:
        return first_shot
    if first_shot:
        return _last_at_or_before(headings, first_shot - 1) or first_shot
    after = bisect.bisect_right(headings, previous)  # a heading with no shots under it
    return headings[after] if after < len(headings) else 0


def _last_at_or_before(lines: list[int], limit: int) -> int:
    """The greatest of the sorted ``lines`` that is at most ``limit``; 0 if none."""
    index = bisect.bisect_right(lines, limit)
    return lines[index - 1] if index else 0
