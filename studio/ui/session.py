"""The window's shared state: the open project, the episode shown, the selected shots and the
playhead, with a Qt signal for each change.

Widgets read the project through the session and change it through its methods, which call
core's functions and then say what changed; no widget talks to another directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.core.model import Episode, Project, Shot
from studio.core.store import ProjectFolder, open_project, resolve_root
from studio.core.timeline_edits import move_shots, set_duration


class Session(QObject):
    projectChanged = Signal()  # another project was opened (or closed)
    episodeChanged = Signal(int)  # the episode shown
    shotsChanged = Signal()  # shots were added, removed, moved, trimmed or edited
    selectionChanged = Signal(list)  # the selected shot ids, in timeline order
    playheadChanged = Signal(int)  # a frame of the episode
    dirtyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder: ProjectFolder | None = None
        self.episode_number = 0
        self.selected: list[str] = []
        self.playhead = 0
        self.dirty = False

    # -- the project --------------------------------------------------------------------------

    def open(self, path: str | Path) -> list[str]:
        """Open the project at ``path`` (read-only when another instance holds it); its load
        problems, for the status bar. StoreError when it cannot be opened at all."""
        folder = open_project(resolve_root(path), if_locked="read_only")
        self.close()
        self.folder = folder
        episodes = folder.project.episodes
        self.episode_number = episodes[0].number if episodes else 0
        self.selected, self.playhead, self.dirty = [], 0, False
        self.projectChanged.emit()
        self.episodeChanged.emit(self.episode_number)
        problems = list(folder.problems)
        if folder.read_only:
            problems.insert(0, "another instance holds this project: it is open read-only")
        return problems

    def close(self) -> None:
        if self.folder is not None:
            self.folder.close()
            self.folder = None
            self.projectChanged.emit()

    @property
    def project(self) -> Project | None:
        return self.folder.project if self.folder is not None else None

    @property
    def root(self) -> Path | None:
        return self.folder.root if self.folder is not None else None

    def save(self) -> None:
        if self.folder is not None and not self.folder.read_only:
            self.folder.save()
            self._set_dirty(False)

    # -- what is shown ------------------------------------------------------------------------

    def episode(self) -> Episode | None:
        project = self.project
        if project is None:
            return None
        return next((e for e in project.episodes if e.number == self.episode_number), None)

    def shots(self) -> list[Shot]:
        episode = self.episode()
        return list(episode.shots()) if episode is not None else []

    def set_episode(self, number: int) -> None:
        if number != self.episode_number:
            self.episode_number = number
            self.selected, self.playhead = [], 0
            self.episodeChanged.emit(number)
            self.selectionChanged.emit([])
            self.playheadChanged.emit(0)

    def select(self, shot_ids: Sequence[str]) -> None:
        """Select these shots (of the episode shown; others are ignored)."""
        order = [s.id for s in self.shots()]
        chosen = [i for i in order if i in set(shot_ids)]
        if chosen != self.selected:
            self.selected = chosen
            self.selectionChanged.emit(list(chosen))

    def set_playhead(self, frame: int) -> None:
        frame = max(0, min(frame, max(0, self.duration() - 1)))
        if frame != self.playhead:
            self.playhead = frame
            self.playheadChanged.emit(frame)

    def duration(self) -> int:
        episode = self.episode()
        return episode.duration_frames() if episode is not None else 0

    def shot_start(self, shot_id: str) -> int:
        """The frame where ``shot_id`` starts in the episode shown; KeyError if not in it."""
        position = 0
        for shot in self.shots():
            if shot.id == shot_id:
                return position
            position += shot.duration_frames
        raise KeyError(shot_id)

    def shot_at(self, frame: int) -> Shot | None:
        position = 0
        for shot in self.shots():
            if position <= frame < position + shot.duration_frames:
                return shot
            position += shot.duration_frames
        return None

    # -- edits --------------------------------------------------------------------------------

    def move(self, shot_ids: Sequence[str], index: int) -> None:
        episode = self.episode()
        if episode is not None and self._writable():
            move_shots(episode, shot_ids, index)
            self.changed()

    def trim(self, shot_id: str, frames: int) -> None:
        if self.project is not None and self._writable():
            set_duration(self.project.find_shot(shot_id), frames)
            self.changed()

    def changed(self) -> None:
        """Say the shots changed (after an edit made through core)."""
        self._set_dirty(True)
        known = {s.id for s in self.shots()}
        if any(i not in known for i in self.selected):
            self.select([i for i in self.selected if i in known])
        self.shotsChanged.emit()

    def _writable(self) -> bool:
        return self.folder is not None and not self.folder.read_only

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirtyChanged.emit(dirty)
