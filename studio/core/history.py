"""The edit history: every change the user makes to a project, undoable and redoable by name.

An edit is recorded by running its change through :meth:`History.record` with a *scope*: the
part of the project the change may touch. The scope is copied (as JSON) before and after the
change, and undo or redo puts the copy back in place, so every edit function in core (move,
trim, approve, a script breakdown…) becomes an undoable command without writing its inverse.

Scopes: ``Scope.episode(n)`` (its scenes, shots and takes), ``Scope.characters()`` (the bible),
``Scope.languages()`` (the target languages and their translated lines) and ``Scope.project()``
(everything but the script file, for a script breakdown, which rebuilds episodes and may add
characters). A change that touches nothing records nothing. No Qt here.

**Results that arrive meanwhile are kept.** Generation and voicing add takes and voice clips
while the user edits, outside the history. Undoing an older edit must not drop them, so a
restore keeps every take, and every voiced line, that neither copy of the edit knows: a take
whose id both copies lack is put back in its shot, and a line voiced since keeps its new clip.
A shot that gained such results and that the restore takes out of the project (undoing the
script edit that added it) is archived with them, as a script edit archives a removed shot.
Likewise a translated line that neither copy of a languages edit holds (a machine translation
recorded meanwhile) stays, in its language, when that language is still there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from studio.core.model import Character, Episode, Project, Shot
from studio.core.translations import Language, TranslatedLine, languages_from_json

T = TypeVar("T")

LIMIT = 100  # edits kept for undo; the oldest go first


@dataclass(frozen=True, slots=True)
class Scope:
    """What an edit may change: ``kind`` is "episode", "characters", "languages" or
    "project"."""

    kind: str
    number: int = 0  # the episode, for kind "episode"

    @classmethod
    def episode(cls, number: int) -> Scope:
        return cls("episode", number)

    @classmethod
    def characters(cls) -> Scope:
        return cls("characters")

    @classmethod
    def languages(cls) -> Scope:
        return cls("languages")

    @classmethod
    def project(cls) -> Scope:
        return cls("project")

    def copy(self, project: Project) -> Any:
        """This part of ``project`` as plain JSON values."""
        if self.kind == "episode":
            return project.episode(self.number).to_json()
        if self.kind == "characters":
            return [c.to_json() for c in project.characters]
        if self.kind == "languages":
            return [language.to_json() for language in project.languages]
        return project.to_json()

    def restore(self, project: Project, saved: Any, other: Any = None) -> None:
        """Put a copy made by :meth:`copy` back into ``project`` (the object stays the same).
        Takes and voice clips that neither ``saved`` nor ``other`` (the edit's other copy)
        holds were made meanwhile and are kept."""
        if self.kind == "languages":
            _restore_languages(project, saved, other)
            return
        current = {shot.id: shot for shot in self._shots(project)}
        self._replace(project, saved)
        takes, clips = _known(saved)
        other_takes, other_clips = _known(other)
        takes |= other_takes
        clips |= other_clips
        restored = {shot.id: shot for shot in self._shots(project)}
        for shot_id, was in current.items():
            if shot_id in restored:
                _keep_new_results(restored[shot_id], was, takes, clips)
            elif self.kind == "project" and _has_new_results(was, takes, clips):
                project.archived_shots.append(was)  # a shot this restore removes: archive it

    def _shots(self, project: Project) -> list[Shot]:
        if self.kind == "episode":
            return list(project.episode(self.number).shots())
        if self.kind == "project":
            return [*project.shots(), *project.archived_shots]
        return []

    def _replace(self, project: Project, saved: Any) -> None:
        if self.kind == "episode":
            episode = Episode.from_json(saved, f"episode {self.number}")
            index = next(i for i, e in enumerate(project.episodes) if e.number == self.number)
            project.episodes[index] = episode
        elif self.kind == "characters":
            project.characters = [
                Character.from_json(raw, f"characters[{i}]") for i, raw in enumerate(saved)
            ]
        elif self.kind == "languages":
            project.languages = languages_from_json(saved, "languages")
        else:
            fresh = Project.from_json(saved)
            for f in dataclasses.fields(Project):
                setattr(project, f.name, getattr(fresh, f.name))


@dataclass(frozen=True, slots=True)
class Edit:
    """One recorded edit. ``extra`` carries what lives outside the project (the script text)."""

    name: str
    scope: Scope
    before: Any
    after: Any
    extra_before: Any = None
    extra_after: Any = None


class History:
    """Undo and redo stacks of :class:`Edit`; ``limit`` edits are kept."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._done: list[Edit] = []
        self._undone: list[Edit] = []

    def record(
        self,
        name: str,
        project: Project,
        scope: Scope,
        change: Callable[[], T],
        *,
        extra: tuple[Any, Any] = (None, None),
    ) -> T:
        """Run ``change`` (which edits ``scope`` of ``project``) as the undoable edit ``name``.

        If ``change`` raises, the scope is put back as it was and nothing is recorded, so a
        failed edit never leaves half a change behind. ``extra`` is (before, after) of state
        kept outside the project, handed back on undo and redo."""
        before = scope.copy(project)
        try:
            result = change()
        except BaseException:
            scope._replace(project, before)  # exactly: nothing arrives while a change runs
            raise
        after = scope.copy(project)
        if after != before or extra[0] != extra[1]:
            self._done.append(Edit(name, scope, before, after, *extra))
            del self._done[: -self.limit]
            self._undone.clear()
        return result

    def undo(self, project: Project) -> Edit | None:
        """Undo the newest edit; the edit, or None when there is nothing to undo."""
        if not self._done:
            return None
        edit = self._done.pop()
        edit.scope.restore(project, edit.before, edit.after)
        self._undone.append(edit)
        return edit

    def redo(self, project: Project) -> Edit | None:
        if not self._undone:
            return None
        edit = self._undone.pop()
        edit.scope.restore(project, edit.after, edit.before)
        self._done.append(edit)
        return edit

    @property
    def undo_name(self) -> str:
        """The name of the edit undo would undo ("" for none)."""
        return self._done[-1].name if self._done else ""

    @property
    def redo_name(self) -> str:
        return self._undone[-1].name if self._undone else ""

    def names(self) -> list[str]:
        """The names of the undoable edits, oldest first."""
        return [edit.name for edit in self._done]

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()


def _known(doc: Any) -> tuple[set[str], set[str]]:
    """The take ids and voice clip files anywhere in a copied part of a project."""
    takes: set[str] = set()
    clips: set[str] = set()
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in ("takes", "archived_takes"):
                takes.update(t.get("id", "") for t in item.get(key) or [] if isinstance(t, dict))
            clips.update(c.get("media", "") for c in item.get("voice") or [] if isinstance(c, dict))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return takes, clips


def _restore_languages(project: Project, saved: Any, other: Any) -> None:
    """Put the copied languages back, keeping the lines recorded since that neither copy holds."""
    known = {
        (str(lang.get("tag", "")).casefold(), line.get("shot"), line.get("line"))
        for doc in (saved, other or [])
        for lang in doc
        for line in lang.get("lines", [])
    }
    was: list[Language] = project.languages
    project.languages = languages_from_json(saved, "languages")
    restored = {lang.tag.casefold(): lang for lang in project.languages}
    for language in was:
        into = restored.get(language.tag.casefold())
        if into is None:
            continue
        fresh: list[TranslatedLine] = [
            line
            for line in language.lines.values()
            if (language.tag.casefold(), line.shot, line.line) not in known
        ]
        for line in fresh:
            into.lines.setdefault(line.key, line)
        into.lines = dict(sorted(into.lines.items()))


def _has_new_results(shot: Shot, known_takes: set[str], known_clips: set[str]) -> bool:
    return any(t.id not in known_takes for t in shot.takes) or any(
        c.media not in known_clips for c in shot.voice
    )


def _keep_new_results(shot: Shot, was: Shot, known_takes: set[str], known_clips: set[str]) -> None:
    """Give ``shot`` (just restored) the takes and voiced lines ``was`` gained outside the
    edit being undone or redone."""
    have = {t.id for t in [*shot.takes, *shot.archived_takes]}
    shot.takes.extend(t for t in was.takes if t.id not in known_takes and t.id not in have)
    fresh = {c.line: c for c in was.voice if c.media not in known_clips}
    if fresh:
        shot.voice = [c for c in shot.voice if c.line not in fresh] + list(fresh.values())
