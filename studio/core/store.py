"""The project folder: open and create it, lock it, save ``project.json`` atomically, autosave.

A project is a folder ``NAME.mdstudio/`` that a user can back up and diff::

    project.json      {"schema": SCHEMA_NAME, "version": 1, "saved": ..., "project": {...}}
    takes/<shot>/     take media      audio/   exports/   script/ (Fountain source)   autosave/
    .lock             who has it open for writing (see :mod:`studio.core.lock`)

Opening validates everything and never fails with a raw exception: a bad file raises
:class:`StoreError` with one line a user can act on; what can be opened despite a problem (a
missing media file, a path outside the folder, a field this version does not know) is opened
and listed in :attr:`ProjectFolder.problems`, and nothing stored is dropped on the next save.
Reading, upgrading and writing the ``project.json`` document: :mod:`studio.core.project_file`.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from studio.core import lock, projectjson
from studio.core.atomic import describe, write_atomic
from studio.core.folder_guard import prepare_for_writing
from studio.core.model import Project
from studio.core.paths import check_project, resolve_inside
from studio.core.project_file import (
    AUTOSAVE_FOLDER,
    PROJECT_FILE,
    autosave_hint,
    autosaves,
    document_steps,
    encode_document,
    encode_project,
    paused_gc,
    project_document,
    read_project,
)

# The document's schema, re-exported for callers (defined, and patched by tests, in project_file).
from studio.core.project_file import SCHEMA_NAME as SCHEMA_NAME
from studio.core.project_file import SCHEMA_VERSION as SCHEMA_VERSION
from studio.core.store_errors import ProjectLockedError, StoreError

PROJECT_SUFFIX = ".mdstudio"
SUBFOLDERS = ("takes", "audio", "exports", "script", AUTOSAVE_FOLDER)
AUTOSAVE_KEEP = 5
CLEAN_MARK = ".closed-cleanly"  # in the autosave folder: the newest copy when the app closed


def resolve_root(path: str | Path) -> Path:
    """The project folder a user means: ``shows/Rain`` -> ``shows/Rain.mdstudio``.

    A path ending in the suffix, or an existing folder holding a ``project.json``, is kept.
    """
    root = Path(path).expanduser()
    try:
        is_project = (root / PROJECT_FILE).is_file()
    except OSError:
        is_project = False
    if root.name.endswith(PROJECT_SUFFIX) or is_project:
        return root
    if not root.name:
        raise StoreError(f"not a project name: {str(path)!r}")
    return root.with_name(root.name + PROJECT_SUFFIX)


def create_project(root: Path, project: Project) -> ProjectFolder:
    """Make a new project folder at ``root`` (refusing a non-empty one), lock it and save."""
    root = Path(root).absolute()
    if root.exists() and not root.is_dir():
        raise StoreError(f"cannot create project: {root} exists and is not a folder")
    if root.is_dir() and any(root.iterdir()):
        raise StoreError(f"cannot create project: {root} already exists and is not empty")
    made = [p for p in [root, *(root / s for s in SUBFOLDERS)] if not p.exists()]
    folder: ProjectFolder | None = None
    try:
        for path in made:
            path.mkdir(parents=True, exist_ok=True)
        mine = _lock(root, if_locked="error", problems=[])
        folder = ProjectFolder(root, project, read_only=False, problems=[], lock_info=mine)
        folder.save()
    except (OSError, StoreError) as exc:
        if folder is not None:
            folder.close()
        for path in reversed(made):  # only the empty folders we made ourselves
            with contextlib.suppress(OSError):
                path.rmdir()
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"cannot create project: {describe(exc)} ({root})") from exc
    return folder


def open_project(
    root: Path,
    *,
    read_only: bool = False,
    if_locked: Literal["error", "read_only"] = "error",
) -> ProjectFolder:
    """Open the project folder ``root``; see the module docstring for what is checked."""
    root = Path(root).absolute()
    file = root / PROJECT_FILE
    try:
        is_dir, exists, has_file = root.is_dir(), root.exists(), file.is_file()
    except OSError as exc:
        raise StoreError(f"cannot open {root}: {describe(exc)}") from exc
    if not is_dir:
        what = "is not a folder" if exists else "does not exist"
        raise StoreError(f"not a Micro-Drama Studio project: {root} {what}")
    if not has_file:
        raise StoreError(
            f"not a Micro-Drama Studio project: {root} has no {PROJECT_FILE}" + autosave_hint(root)
        )
    problems: list[str] = []
    mine = None
    if not read_only:
        mine = _lock(root, if_locked=if_locked, problems=problems)
        read_only = mine is None
    try:
        with paused_gc():
            project, backup = read_project(file, problems)
            problems.extend(check_project(root, project))
        if mine is not None:
            prepare_for_writing(root, project)  # no folder linked outside; leftovers removed
    except BaseException:
        if mine is not None:
            lock.release(root, mine)
        raise
    return ProjectFolder(
        root,
        project,
        read_only=read_only,
        problems=problems,
        lock_info=mine,
        backup_as=backup,
    )


class ProjectFolder:
    """An open project. Use as a context manager, or call :meth:`close`, to release the lock."""

    def __init__(
        self,
        root: Path,
        project: Project,
        *,
        read_only: bool,
        problems: list[str],
        lock_info: lock.LockInfo | None = None,
        backup_as: str = "",
    ) -> None:
        self.root = root
        self.project = project
        self.read_only = read_only
        self.problems = problems
        self._lock = lock_info
        self._closed = False
        self._backup_as = backup_as  # the first save keeps the original file under this name
        self._texts = projectjson.EpisodeTexts()  # the episodes' texts, from one write to the next

    @property
    def file(self) -> Path:
        return self.root / PROJECT_FILE

    def save(self) -> None:
        """Write ``project.json`` atomically; the old file stays intact if anything fails."""
        self._check_writable("save project")
        data = encode_project(self.project, self.file, self._texts)
        try:
            if self._backup_as and not (self.root / self._backup_as).exists():
                shutil.copy2(self.file, self.root / self._backup_as)
            write_atomic(self.file, data)
        except OSError as exc:
            raise StoreError(f"cannot save project: {describe(exc)} ({self.file})") from exc
        self._backup_as = ""

    def autosave(self, keep: int = AUTOSAVE_KEEP) -> Path:
        """Write a rolling copy to ``autosave/`` and keep only the newest ``keep`` copies."""
        return self.autosave_snapshot(keep).write()

    def autosave_snapshot(self, keep: int = AUTOSAVE_KEEP) -> AutosaveSnapshot:
        """The project as it is now, as a JSON tree (cheap), for :meth:`AutosaveSnapshot.write`
        to write as a rolling copy, on another thread if need be. StoreError when read-only."""
        self._check_writable("autosave")
        doc = project_document(self.project)
        return AutosaveSnapshot(self.root, doc, self.file, keep, self._texts)

    def autosave_steps(self, keep: int = AUTOSAVE_KEEP) -> Iterator[AutosaveSnapshot | None]:
        """:meth:`autosave_snapshot` taken in steps (see :func:`document_steps`): None after
        each step, the snapshot last. StoreError when read-only."""
        self._check_writable("autosave")
        texts = self._texts
        for doc in document_steps(self.project):
            yield None if doc is None else AutosaveSnapshot(self.root, doc, self.file, keep, texts)

    def autosaves(self) -> list[Path]:
        """The autosaved copies, newest first."""
        return autosaves(self.root)

    def recoverable(self) -> Path | None:
        """The newest autosave when the last session ended without closing cleanly (a crash)
        after changes it never saved: newer than ``project.json`` and not the copy a clean
        close marked. None when there is nothing to recover."""
        newest = self.autosaves()[:1]
        if not newest:
            return None
        try:
            if newest[0].stat().st_mtime_ns <= self.file.stat().st_mtime_ns:
                return None
            marked = (self.root / AUTOSAVE_FOLDER / CLEAN_MARK).read_text(encoding="utf-8")
        except FileNotFoundError:
            marked = ""
        except OSError:
            return None
        return None if marked.strip() == newest[0].name else newest[0]

    def mark_clean(self) -> None:
        """Say the session ended on purpose (saved or discarded): its newest autosave is not
        offered for recovery next time."""
        newest = self.autosaves()[:1]
        if newest and not self.read_only:
            with contextlib.suppress(OSError):
                write_atomic(self.root / AUTOSAVE_FOLDER / CLEAN_MARK, newest[0].name.encode())

    def recover(self, autosave: Path) -> list[str]:
        """Replace the open project by the autosaved copy (not saved yet: the caller marks it
        unsaved); its load problems. StoreError when the copy cannot be read."""
        problems: list[str] = []
        project, _ = read_project(autosave, problems)
        problems.extend(check_project(self.root, project))
        self.project = project
        return problems

    def resolve(self, rel: str) -> Path:
        """A stored relative path as an absolute path inside the project folder."""
        try:
            return resolve_inside(self.root, rel)
        except ValueError as exc:
            raise StoreError(f"{exc} (project {self.root})") from None

    def write_text(self, rel: str, text: str) -> Path:
        """Atomically write a text file inside the project (UTF-8), making its folder."""
        self._check_writable(f"write {rel}")
        path = self.resolve(rel)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            raise StoreError(f"cannot write {rel}: {describe(exc)} ({path})") from exc
        return path

    def close(self) -> None:
        """Release the lock (only if it is still ours). Safe to call twice."""
        if self._lock is not None:
            with contextlib.suppress(OSError):
                lock.release(self.root, self._lock)
            self._lock = None
        self._closed = True

    def __enter__(self) -> ProjectFolder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "writable"
        return f"<ProjectFolder {self.root} {mode}{' closed' if self._closed else ''}>"

    def _check_writable(self, action: str) -> None:
        if self._closed:
            raise StoreError(f"cannot {action}: the project was closed ({self.root})")
        if self.read_only:
            raise StoreError(f"cannot {action}: the project is open read-only ({self.root})")


class AutosaveSnapshot:
    """A copy of the project taken for an autosave; :meth:`write` makes the file. Only one
    write at a time per project (the copies' names must keep increasing)."""

    def __init__(
        self,
        root: Path,
        doc: dict[str, Any],
        file: Path,
        keep: int,
        reuse: projectjson.EpisodeTexts | None = None,
    ) -> None:
        self.root, self.doc, self.file, self.keep = root, doc, file, keep
        self._reuse = reuse  # the texts of the episodes unchanged since the last write

    def write(self, between: Callable[[], None] | None = None) -> Path:
        """Write the copy to ``autosave/`` (text, fsync, rename) and keep only the newest
        ``keep`` copies; the file written. StoreError when it cannot be written. ``between``
        is called after each episode encoded or let go (a background thread's
        :class:`~studio.core.pace.Pace`). The snapshot is written once."""
        folder = self.root / AUTOSAVE_FOLDER
        when = datetime.now(UTC)
        newest = autosaves(self.root)[:1]
        path = folder / f"project-{when:%Y%m%dT%H%M%S%fZ}.json"
        while path.exists() or (newest and path.name <= newest[0].name):
            when += timedelta(microseconds=1)  # names sort by time, so keep them increasing
            path = folder / f"project-{when:%Y%m%dT%H%M%S%fZ}.json"
        try:
            folder.mkdir(exist_ok=True)
            write_atomic(path, encode_document(self.doc, self.file, self._reuse, between))
        except OSError as exc:
            raise StoreError(f"cannot autosave: {describe(exc)} ({path})") from exc
        finally:
            self._let_go(between)
        for old in autosaves(self.root)[max(self.keep, 1) :]:
            with contextlib.suppress(OSError):
                old.unlink()
        return path

    def _let_go(self, between: Callable[[], None] | None) -> None:
        """Drop the tree an episode at a time. Freed whole, a 100-episode tree is tens of
        milliseconds of deallocation that no other thread can break into (the interpreter
        lock passes only between bytecodes): the window's thread would wait all of it."""
        doc, self.doc = self.doc, {}
        episodes = doc.get("project", {}).get("episodes")
        while isinstance(episodes, list) and episodes:
            episodes.pop()
            if between is not None:
                between()


def _lock(root: Path, *, if_locked: str, problems: list[str]) -> lock.LockInfo | None:
    """Our lock on ``root``, or None when ``if_locked="read_only"`` and we cannot have it."""
    try:
        got, note = lock.acquire(root)
    except OSError as exc:
        if if_locked == "read_only":
            problems.append(f"opened read-only: cannot create the lock file: {describe(exc)}")
            return None
        raise StoreError(
            f"cannot lock project for writing: {describe(exc)} ({root}); open it read-only"
        ) from exc
    if isinstance(got, lock.LockInfo):
        if note:
            problems.append(note)
        return got
    if if_locked == "read_only":
        problems.append(f"opened read-only: the project is in use {got.describe()}")
        return None
    after = "" if got.info is None else f"; if that program is gone, delete {got.path}"
    raise ProjectLockedError(
        f"project is in use {got.describe()}: {root}; close it there or open it read-only{after}",
        got.info,
    )
