"""Relative paths stored in a project, checked against the project folder.

A project stores media as paths relative to its folder (``takes/sh-1/tk-2.mp4``). A path that is
absolute, climbs out with ``..``, or reaches outside through a symlink is refused, so opening a
project someone sent you can never make the app read or write elsewhere on the disk.

:class:`FolderPaths` checks many paths fast: a string test first, one ``scandir`` per folder
holding checked folders (``takes/``), one ``lstat`` per file; ``realpath`` only behind a symlink.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from studio.core.model import Project, TakeState

_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[\\/]")

# Takes in these states were generated: their media file must exist.
NEEDS_MEDIA = frozenset({TakeState.DONE, TakeState.APPROVED, TakeState.STARRED, TakeState.REJECTED})

# What lstat found for a folder inside the project.
_OK, _MISSING, _LINKED = "ok", "missing", "linked"


def parts_of(rel: str) -> list[str]:
    """The components of a stored path, or ValueError saying why it cannot be stored."""
    if not rel:
        raise ValueError("empty path")
    if "\x00" in rel:
        raise ValueError(f"path contains a NUL character: {rel!r}")
    if rel.startswith(("/", "\\")) or _DRIVE.match(rel) or os.path.isabs(rel):
        raise ValueError(f"absolute path, must be relative to the project folder: {rel}")
    parts = [p for p in _SEPARATORS.split(rel) if p not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"path goes outside the project folder (..): {rel}")
    if not parts:
        raise ValueError(f"not a file path: {rel!r}")
    return parts


def is_inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def resolve_inside(root: Path, rel: str) -> Path:
    """``root / rel`` after checking ``rel`` stays inside ``root`` (symlinks followed)."""
    parts = parts_of(rel)
    path = root.joinpath(*parts)
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if not is_inside(real, real_root) or real == real_root:
        raise ValueError(f"path resolves outside the project folder: {rel} -> {real}")
    return path


def check_project(root: Path, project: Project) -> list[str]:
    """Check every stored path of ``project``: one line per problem, and ``media_problem`` set
    on each take concerned. The stored text is kept, so saving again loses nothing."""
    problems: list[str] = []
    paths = FolderPaths(root)
    if project.script:
        problem = paths.problem(project.script, must_exist=True)
        if problem:
            problems.append(f"script: {problem}")
    for character in project.characters:
        for ref in character.reference_images:
            problem = paths.problem(ref, must_exist=True)
            if problem:
                problems.append(f"character {character.name}: reference image: {problem}")
    for shot in [*project.shots(), *project.archived_shots]:
        for take in [*shot.takes, *shot.archived_takes]:
            needed = take.state in NEEDS_MEDIA
            if take.media:
                problem = paths.problem(take.media, must_exist=needed)
            else:
                problem = f"no media file recorded for a {take.state.value} take" if needed else ""
            if problem:
                take.media_problem = problem
                problems.append(f"shot {shot.id} take {take.id}: {problem}")
        for clip in shot.voice:
            for rel in (clip.media, clip.timing):
                problem = paths.problem(rel, must_exist=True)
                if problem:
                    problems.append(f"shot {shot.id} line {clip.line + 1} voice: {problem}")
        for ref in shot.sfx:
            problem = paths.problem(ref.path, must_exist=True)
            if problem:
                problems.append(f"shot {shot.id} sound effect: {problem}")
    for language in project.languages:
        for line in language.lines.values():
            for rel in (line.voice.media, line.voice.timing) if line.voice else ():
                problem = paths.problem(rel, must_exist=True)
                if problem:
                    where = f"{language.tag} shot {line.shot} line {line.line + 1} voice"
                    problems.append(f"{where}: {problem}")
    for episode in project.episodes:
        if episode.music is not None:
            problem = paths.problem(episode.music.path, must_exist=True)
            if problem:
                problems.append(f"episode {episode.number} music: {problem}")
    return problems


class FolderPaths:
    """Checks stored paths of one project folder, caching what it learns about folders."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.real_root = os.path.realpath(root)
        self._folders: dict[str, str] = {"": _OK}
        self._listings: dict[str, dict[str, bool]] = {}

    def problem(self, rel: str, *, must_exist: bool) -> str:
        """Why ``rel`` is unusable ("" when it is fine). Never raises."""
        if _is_plain(rel):
            key = rel.rpartition("/")[0]
        else:
            try:
                parts = parts_of(rel)
            except ValueError as exc:
                return str(exc)
            rel, key = "/".join(parts), "/".join(parts[:-1])
        folder = self._folder(key)
        full = f"{self.root}{os.sep}{rel}"
        if folder == _LINKED:
            return self._linked_problem(rel, full, must_exist)
        if folder == _MISSING:
            return f"missing file {rel}" if must_exist else ""
        try:
            st = os.lstat(full)
        except FileNotFoundError:
            return f"missing file {rel}" if must_exist else ""
        except OSError as exc:
            return f"cannot read {rel}: {exc.strerror or exc}"
        if stat.S_ISLNK(st.st_mode):
            return self._linked_problem(rel, full, must_exist)
        if stat.S_ISDIR(st.st_mode):
            return f"is a folder, not a file: {rel}"
        return ""

    def _folder(self, key: str) -> str:
        """Whether the folder ``key`` (relative, "/"-separated) exists and is reached by a link."""
        state = self._folders.get(key)
        if state is not None:
            return state
        parent, _, name = key.rpartition("/")
        state = self._folder(parent)
        if state == _OK:
            linked = self._listing(parent).get(name)
            state = _MISSING if linked is None else _LINKED if linked else _OK
        self._folders[key] = state
        return state

    def _listing(self, key: str) -> dict[str, bool]:
        """Names in a folder and whether each is a symlink: one scandir for all its children."""
        listing = self._listings.get(key)
        if listing is None:
            listing = {}
            with contextlib.suppress(OSError), os.scandir(f"{self.root}{os.sep}{key}") as it:
                for entry in it:
                    with contextlib.suppress(OSError):
                        listing[entry.name] = entry.is_symlink()
            self._listings[key] = listing
        return listing

    def _linked_problem(self, rel: str, full: str, must_exist: bool) -> str:
        real = os.path.realpath(full)
        if not is_inside(real, self.real_root):
            return f"symlink points outside the project folder: {rel} -> {real}"
        if os.path.isdir(real):
            return f"is a folder, not a file: {rel}"
        if must_exist and not os.path.exists(real):
            return f"missing file {rel}"
        return ""


def _is_plain(rel: str) -> bool:
    """A path like ``takes/sh-1/tk-2.mp4`` that needs no careful look (the common case)."""
    return (
        bool(rel)
        and rel[0] not in "/\\."
        and rel[-1] != "/"
        and "/." not in rel
        and "//" not in rel
        and "\\" not in rel
        and ":" not in rel
        and "\x00" not in rel
    )
