"""The timeline's edits that change which shots there are or their order — split at the playhead,
ripple delete, reorder — kept in agreement with the script.

Shots are broken down from the script, and the next script edit rebuilds them from its text, so
in a project with a script each of these edits is written into the text
(:mod:`studio.core.timeline_script`) and applied as one undoable edit that holds the text before
and after (undo puts both back, as it does for a typed script edit). A reorder asks first
("Reorder script too" / "Cancel"); what the script cannot say is refused in the status bar. A
project without a script is edited on the model alone (:mod:`studio.core.timeline_edits`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from studio.core.history import Scope
from studio.core.model import new_id
from studio.core.script import fountain
from studio.core.script.elements import ScriptError
from studio.core.script.importer import apply_script
from studio.core.store import StoreError
from studio.core.timeline_edits import EditError, remove_shots, set_duration, split_shot
from studio.core.timeline_script import deleted_script, moved_script, split_script
from studio.ui.session import MOVE_ON_PATH, Session

REORDER_SCRIPT = "Reorder script too"


class TimelineEdits(QObject):
    """Split, delete and move shots of ``session``'s episode.

    ``script_text`` gives the script text the shots were broken down from (None: read the
    project's script file); ``before_script_edit`` applies an edit still being typed in the
    script editor first. ``confirm_reorder`` asks whether a reorder may reorder the script too
    (given the number of shots moving); tests replace it."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        script_text: Callable[[], str] | None = None,
        before_script_edit: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.script_text = script_text
        self.before_script_edit = before_script_edit
        self.confirm_reorder: Callable[[int], bool] = self._ask_reorder
        self._parent = parent

    # -- the edits ----------------------------------------------------------------------------

    def can_split(self) -> bool:
        """Whether the playhead is inside a shot (past its first frame) that can be edited."""
        shot = self.session.shot_at(self.session.playhead)
        return (
            self.session.writable
            and shot is not None
            and self.session.playhead > self.session.shot_start(shot.id)
        )

    def split_at_playhead(self) -> bool:
        """Cut the shot under the playhead in two there; whether it was."""
        session, project = self.session, self.session.project
        shot = session.shot_at(session.playhead)
        if project is None or shot is None:
            session.message.emit("Split: the playhead is not on a shot")
            return False
        frames = session.playhead - session.shot_start(shot.id)
        if frames <= 0:
            session.message.emit(f"Split: the playhead is at the start of shot {shot.id}; "
                                 "move it inside the shot")  # fmt: skip
            return False
        if not self._has_script():
            episode = project.episode(session.episode_of(shot.id))
            cut = shot.id
            return session.edit("Split Shot", Scope.episode(episode.number),
                                lambda: split_shot(episode, cut, frames, new_id("sh")))  # fmt: skip
        position = [s.id for s in project.shots()].index(shot.id)
        total = shot.duration_frames

        def durations() -> None:
            halves = list(project.shots())[position : position + 2]
            set_duration(halves[0], frames)
            set_duration(halves[1], total - frames)

        return self._script_edit("Split Shot",
                                 lambda text: split_script(project, text, shot.id, frames / total),
                                 durations)  # fmt: skip

    def ripple_delete(self, shot_ids: Sequence[str] | None = None) -> bool:
        """Remove ``shot_ids`` (default: the selected shots); the shots after them move up.
        Their takes go to the project's archived shots, never lost."""
        session, project = self.session, self.session.project
        chosen = list(session.selected if shot_ids is None else shot_ids)
        if project is None or not chosen:
            return False
        shown = _shown(session)
        start = min((session.shot_start(i) for i in chosen if i in shown), default=0)
        name = "Delete Shot" if len(chosen) == 1 else f"Delete {len(chosen)} Shots"
        if self._has_script():
            done = self._script_edit(name, lambda text: deleted_script(project, text, chosen))
        else:
            done = session.edit(name, Scope.project(), lambda: remove_shots(project, chosen))
        if done:
            session.set_playhead(start)
        return done

    def move(self, shot_ids: Sequence[str], index: int) -> bool:
        """Move shots to ``index`` of the others (refused on a path); with a script, only if
        ``confirm_reorder`` agrees to reorder its text too."""
        session, episode = self.session, self.session.episode()
        if session.path is not None:
            session.message.emit(MOVE_ON_PATH)
            return False
        if episode is None or session.project is None:
            return False
        if not self._has_script():
            session.move(shot_ids, index)
            return True
        name = "Move Shot" if len(shot_ids) == 1 else f"Move {len(shot_ids)} Shots"
        project, number = session.project, episode.number
        try:  # before asking: a reorder the script cannot say is refused at once
            self._prepare(lambda text: moved_script(project, text, number, shot_ids, index))
        except EditError as exc:
            session.message.emit(f"{name}: {exc}")
            return False
        if not self.confirm_reorder(len(shot_ids)):
            return False
        return self._script_edit(
            name, lambda text: moved_script(project, text, number, shot_ids, index)
        )

    # -- inside -------------------------------------------------------------------------------

    def _ask_reorder(self, count: int) -> bool:
        shots = "this shot" if count == 1 else f"these {count} shots"
        box = QMessageBox(QMessageBox.Icon.Question, "Reorder Shots",
                          f"The shots follow the script. Move {shots}' lines in the script "
                          "too, so the script and the timeline keep the same order?",
                          QMessageBox.StandardButton.Cancel, self._parent)  # fmt: skip
        reorder = box.addButton(REORDER_SCRIPT, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(reorder)
        box.exec()
        return box.clickedButton() is reorder

    def _has_script(self) -> bool:
        project = self.session.project
        return project is not None and bool(project.script)

    def _read_text(self) -> str:
        if self.before_script_edit is not None:
            self.before_script_edit()
        if self.script_text is not None:
            return self.script_text()
        folder, project = self.session.folder, self.session.project
        assert folder is not None and project is not None
        try:
            return fountain.decode(folder.resolve(project.script).read_bytes())
        except (OSError, StoreError, ScriptError) as exc:
            raise EditError(f"cannot read the script {project.script}: {exc}") from None

    def _prepare(self, rewrite: Callable[[str], str]) -> tuple[str, str]:
        text = self._read_text()
        return text, rewrite(text)

    def _script_edit(
        self, name: str, rewrite: Callable[[str], str], after: Callable[[], object] | None = None
    ) -> bool:
        """Rewrite the script, write it, and apply it (then ``after``) as the edit ``name``."""
        session, folder, project = self.session, self.session.folder, self.session.project
        if folder is None or project is None or not session.writable:
            return False
        try:
            previous, text = self._prepare(rewrite)
            folder.write_text(project.script, text)
        except (EditError, StoreError) as exc:
            session.message.emit(f"{name}: {exc}")
            return False

        def change() -> None:
            apply_script(project, text)
            if after is not None:
                after()

        try:
            session.history.record(name, project, Scope.project(), change,
                                   extra=(previous, text))  # fmt: skip
        except (EditError, ScriptError, ValueError) as exc:
            folder.write_text(project.script, previous)  # the model stayed as it was
            session.message.emit(f"{name}: {exc}")
            return False
        session.scriptRestored.emit(text)  # the editor shows the new text
        session.historyChanged.emit()
        session.charactersChanged.emit()
        session.changed()
        session.message.emit(f"{name}: done, in the script too")
        return True


def _shown(session: Session) -> set[str]:
    return {s.id for s in session.timeline_shots()}
