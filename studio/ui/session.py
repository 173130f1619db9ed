"""The window's shared state: the open project, the episode shown (all of it, or one path through
a branching episode), the selected shots and the playhead, with a Qt signal for each change.

Widgets read the project through the session and change it through its methods, which call
core's functions and then say what changed; no widget talks to another directly. Every edit
goes through the project's :class:`~studio.core.history.History`, so it can be undone by name;
review and job actions live in :mod:`studio.ui.actions`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from studio.app.executors import ExecutorChoice
from studio.app.planner import Choice
from studio.app.production import Stopping
from studio.app.saved_script import SavedScript
from studio.app.story_view import path_episode
from studio.core.history import Edit, History, Scope
from studio.core.model import Episode, Project, Shot
from studio.core.script.elements import ScriptError
from studio.core.script.importer import apply_script
from studio.core.store import ProjectFolder, StoreError, open_project, resolve_root
from studio.core.timeline_edits import EditError, move_shots, set_duration
from studio.engine.registry import Registry
from studio.ui.autosaver import Autosaver
from studio.ui.take_changes import TakeChanges

SCRIPT_REL = "script/script.fountain"  # where a project without a script file gets one
MOVE_ON_PATH = "Shots are not reordered while one path is shown: choose All shots to move them"


if TYPE_CHECKING:
    from studio.ui.job_runner import JobRunner


class Session(QObject):
    projectChanged = Signal()  # another project was opened (or closed)
    episodeChanged = Signal(int)  # the episode shown
    pathChanged = Signal()  # the timeline shows another path through the episode (or all of it)
    shotsChanged = Signal()  # shots were added, removed, moved, trimmed or edited
    takesChanged = Signal(list)  # finished jobs gave these shots takes (see _recorded)
    selectionChanged = Signal(list)  # the selected shot ids, in timeline order
    playheadChanged = Signal(int)  # a frame of the episode
    dirtyChanged = Signal(bool)
    charactersChanged = Signal()  # the character bible changed
    historyChanged = Signal()  # an edit was made, undone or redone: the Edit menu's names
    scriptRestored = Signal(str)  # undo or redo put this script text back
    jobEvent = Signal(object)  # a JobEvent of the open project's queue
    resultRecorded = Signal(object)  # a Recorded: a finished job's result is in the project
    autosaved = Signal(str)  # the autosave file written
    message = Signal(str)  # one line for the status bar: what was done, or what went wrong

    def __init__(self, parent: QObject | None = None, models_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.folder: ProjectFolder | None = None
        self.episode_number = 0
        self.path: tuple[str, ...] | None = None  # the shot ids shown (see show_path)
        self.selected: list[str] = []
        self.playhead = 0
        self.dirty = False
        self.history = History()
        self.models_dir = models_dir  # None: the engine's default folder
        self.runner: JobRunner | None = None  # the open project's jobs, when it is writable
        self.generation = Choice()  # the model chosen in Settings, for shots and references
        self.executor = ExecutorChoice()  # where jobs run, chosen in Settings
        self.registry: Registry | None = None  # the models folder as last read in the background
        self.stopping: Stopping | None = None  # the last closed project's worker, stopping
        self._saved_script = SavedScript(SCRIPT_REL, None)  # see discard()
        self.autosaver = Autosaver(self)  # autosaves are written in the background
        self._take_changes = TakeChanges(self.takesChanged.emit, self)

    # -- the project --------------------------------------------------------------------------

    def open(self, path: str | Path) -> list[str]:
        """Open the project at ``path`` (read-only when another instance holds it); its load
        problems, for the status bar. StoreError when it cannot be opened at all."""
        folder = open_project(resolve_root(path), if_locked="read_only")
        self.close()
        self.folder = folder
        episodes = folder.project.episodes
        self.episode_number = episodes[0].number if episodes else 0
        self.selected, self.playhead, self.dirty, self.path = [], 0, False, None
        self.history.clear()
        self._saved_script = SavedScript.read(folder, SCRIPT_REL)
        problems = list(folder.problems)
        if folder.read_only:
            problems.insert(0, "another instance holds this project: it is open read-only")
        else:
            problems.extend(self._start_jobs(folder))
        self.projectChanged.emit()
        self.historyChanged.emit()
        self.episodeChanged.emit(self.episode_number)
        return problems

    def close(self) -> None:
        if self.runner is not None:
            self.stopping = self.runner.shutdown()  # at once: the running job goes back
            self.runner.deleteLater()
            self.runner = None
        self.autosaver.cancel_soon()
        self._take_changes.drop()
        self.autosaver.wait()  # the autosave being written is not lost
        if self.folder is not None:
            self.folder.mark_clean()  # closed on purpose: nothing to recover next time
            self.folder.close()
            self.folder, self.path = None, None
            self.history.clear()
            self.projectChanged.emit()
            self.historyChanged.emit()

    def wait_stopped(self) -> None:
        """At exit: let the last closed project's worker finish stopping (bounded)."""
        if self.stopping is not None:
            self.stopping.wait()

    @property
    def writable(self) -> bool:
        return self.folder is not None and not self.folder.read_only

    @property
    def project(self) -> Project | None:
        return self.folder.project if self.folder is not None else None

    @property
    def root(self) -> Path | None:
        return self.folder.root if self.folder is not None else None

    def save(self) -> None:
        if self.folder is not None and not self.folder.read_only:
            self.folder.save()
            self._saved_script = SavedScript.read(self.folder, SCRIPT_REL)
            self._set_dirty(False)

    def discard(self) -> None:
        """Drop the unsaved changes before closing: the script file, which the editor writes on
        every edit, goes back to what it was when the project was last opened or saved, so the
        saved shots and the script agree on the next open. A failure goes to ``message``."""
        if not self.writable or not self.dirty:
            return
        try:
            self._saved_script.put_back(self.folder)  # type: ignore[arg-type]
        except (OSError, StoreError) as exc:
            self.message.emit(f"cannot put the saved script {self._saved_script.rel} back: {exc}")
            return
        self._set_dirty(False)

    def recover(self, autosave: Path) -> list[str]:
        """Replace the open project by an autosaved copy (after a crash); it is unsaved until
        the user saves. Its problems; StoreError when it cannot be read."""
        if self.folder is None:
            return []
        problems = self.folder.recover(autosave)
        self.history.clear()
        self.selected, self.playhead, self.path = [], 0, None
        episodes = self.folder.project.episodes
        if not any(e.number == self.episode_number for e in episodes):
            self.episode_number = episodes[0].number if episodes else 0
        self._set_dirty(True)
        self.projectChanged.emit()
        self.historyChanged.emit()
        self.episodeChanged.emit(self.episode_number)
        return problems

    def autosave(self) -> Path | None:
        """A rolling copy in ``autosave/`` now, when there are unsaved changes (see
        :mod:`studio.ui.autosaver`; ``autosaver.start`` writes it in the background)."""
        return self.autosaver.save_now()

    # -- what is shown ------------------------------------------------------------------------

    def episode(self) -> Episode | None:
        project = self.project
        if project is None:
            return None
        return next((e for e in project.episodes if e.number == self.episode_number), None)

    def shots(self) -> list[Shot]:
        """Every shot of the episode, in its order (whichever path is shown)."""
        episode = self.episode()
        return list(episode.shots()) if episode is not None else []

    def shown_episode(self) -> Episode | None:
        """The episode as the timeline shows it and the player plays it (see :meth:`show_path`):
        on a path, a copy holding the path's shots in its order; edit the shots, never it."""
        episode = self.episode()
        return path_episode(episode, self.path) if episode and self.path is not None else episode

    def timeline_shots(self) -> list[Shot]:
        """The shots shown, in the order shown (:meth:`shown_episode`)."""
        episode = self.shown_episode()
        return list(episode.shots()) if episode is not None else []

    def show_path(self, shot_ids: Sequence[str] | None) -> None:
        """Show and play only ``shot_ids`` of the episode, in that order (a path through a
        branching episode); None shows every shot again."""
        path = None if shot_ids is None else tuple(shot_ids)
        if path != self.path:
            self.path = path
            self.pathChanged.emit()
            self.set_playhead(self.playhead)  # within the new length

    def set_episode(self, number: int) -> None:
        if number != self.episode_number:
            self.episode_number, self.path = number, None
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
        return sum(shot.duration_frames for shot in self.timeline_shots())

    def shot_start(self, shot_id: str) -> int:
        """The frame where ``shot_id`` starts on the timeline shown; KeyError if not on it."""
        position = 0
        for shot in self.timeline_shots():
            if shot.id == shot_id:
                return position
            position += shot.duration_frames
        raise KeyError(shot_id)

    def shot_at(self, frame: int) -> Shot | None:
        position = 0
        for shot in self.timeline_shots():
            if position <= frame < position + shot.duration_frames:
                return shot
            position += shot.duration_frames
        return None

    # -- jobs -------------------------------------------------------------------------------

    def _start_jobs(self, folder: ProjectFolder) -> list[str]:
        """The project's job queue and its worker feed (the worker process starts with the
        first job); lines about a damaged queue file."""
        from studio.ui.job_runner import JobRunner

        runner = JobRunner(folder, self.models_dir, self, self.stopping, self.executor)
        runner.event.connect(self._take_changes.before)  # takes first, then their jobs' end
        runner.event.connect(self.jobEvent)
        runner.recorded.connect(self._recorded)
        self.runner = runner
        return [*runner.notes, *runner.problems]

    def _recorded(self, recorded: Any) -> None:
        """A finished job's result is in the project (not an edit: it is never undone): say
        what changed, and autosave once the burst of results is over. A take: ``takesChanged``
        says its shot, once per event-loop turn, so only the views showing takes follow; a
        voiced line may re-time its shot: every view follows, as after an edit."""
        for note in recorded.notes:
            self.message.emit(note)
        if recorded.what == "reference":
            self.charactersChanged.emit()
        elif recorded.what == "take":
            self._set_dirty(True)
            self._take_changes.add(recorded.shot_id)
        elif recorded.what != "suggestion":  # the assistant's answers change no project data
            self.changed()
        self.autosaver.start_soon()
        self.resultRecorded.emit(recorded)

    def episode_of(self, shot_id: str) -> int:
        """The number of the episode holding ``shot_id``; KeyError if none does."""
        if self.project is None:
            raise KeyError(shot_id)
        return self.project.episode_of(shot_id)

    # -- edits --------------------------------------------------------------------------------

    def edit(self, name: str, scope: Scope, change: Callable[[], object]) -> bool:
        """Make ``change`` (core functions editing ``scope``) as the undoable edit ``name``;
        whether it was made. An EditError or ValueError goes to ``message`` and changes
        nothing (nor does an edit of a project that is not open for writing)."""
        project = self.project
        if project is None or not self.writable:
            return False
        try:
            self.history.record(name, project, scope, change)
        except (EditError, KeyError, ValueError) as exc:
            self.message.emit(f"{name}: {exc}")
            return False
        self._after_edit(scope)
        return True

    def move(self, shot_ids: Sequence[str], index: int) -> None:
        """Move shots to ``index``; refused on a path (its index is not the episode's)."""
        episode = self.episode()
        if self.path is not None:
            self.message.emit(MOVE_ON_PATH)
        elif episode is not None:
            name = "Move Shot" if len(shot_ids) == 1 else f"Move {len(shot_ids)} Shots"
            self.edit(
                name, Scope.episode(episode.number), lambda: move_shots(episode, shot_ids, index)
            )

    def trim(self, shot_id: str, frames: int) -> None:
        if self.project is not None:
            shot = self.project.find_shot(shot_id)
            self.edit("Trim Shot", Scope.episode(self.episode_of(shot_id)),
                      lambda: set_duration(shot, frames))  # fmt: skip

    def set_shot_fields(self, shot_id: str, name: str, **fields: Any) -> None:
        """Set fields of a shot (``prompt``, ``description``, ``focus``…) as the edit ``name``."""
        shot = self.project.find_shot(shot_id) if self.project is not None else None
        if shot is None:
            return

        def change() -> None:
            for key, value in fields.items():
                if not hasattr(shot, key):
                    raise ValueError(f"a shot has no field {key!r}")
                setattr(shot, key, value)

        self.edit(name, Scope.episode(self.episode_of(shot_id)), change)

    def apply_script(self, text: str, previous: str) -> str:
        """Break the script ``text`` down into the project (the edit "Edit Script"; ``previous``
        is the text it replaces, put back on undo). The file is written first, so a failed
        write leaves the model as it was. "" when applied, else why not, in one line."""
        folder, project = self.folder, self.project
        if folder is None or project is None or not self.writable:
            return "script not applied: the project cannot be edited"
        rel = project.script or SCRIPT_REL
        try:
            folder.write_text(rel, text)
        except StoreError as exc:
            return f"script not applied: {exc}"

        def change() -> None:
            apply_script(project, text)
            project.script = rel

        try:
            self.history.record("Edit Script", project, Scope.project(), change,
                                extra=(previous, text))  # fmt: skip
        except (ScriptError, ValueError) as exc:  # the breakdown failed: the old model stays
            return f"script not applied: {exc}"
        self._after_edit(Scope.project())
        return ""

    def undo(self) -> None:
        self._step(self.history.undo, "Undid")

    def redo(self) -> None:
        self._step(self.history.redo, "Redid")

    def _step(self, move: Callable[[Project], Edit | None], verb: str) -> None:
        project = self.project
        if project is None or not self.writable:
            return
        edit = move(project)
        if edit is None:
            return
        text = edit.extra_before if verb == "Undid" else edit.extra_after
        if isinstance(text, str) and project.script and self.folder is not None:
            try:
                self.folder.write_text(project.script, text)
            except StoreError as exc:
                self.message.emit(str(exc))
            self.scriptRestored.emit(text)
        self._after_edit(edit.scope)
        self.message.emit(f"{verb} {edit.name}")

    def _after_edit(self, scope: Scope) -> None:
        self.historyChanged.emit()
        if scope.kind in ("characters", "project"):
            self.charactersChanged.emit()
        self.changed()

    def changed(self) -> None:
        """Say the shots changed (after an edit made through core)."""
        self._set_dirty(True)
        known = {s.id for s in self.shots()}
        if any(i not in known for i in self.selected):
            self.select([i for i in self.selected if i in known])
        self.shotsChanged.emit()

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirtyChanged.emit(dirty)
