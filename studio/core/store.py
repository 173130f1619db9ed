"""The project folder: versioned ``project.json``, upgraders, atomic save, lock and autosave.

A project is a folder ``NAME.mdstudio/`` that a user can back up and diff::

    project.json      {"schema": SCHEMA_NAME, "version": 1, "saved": ..., "project": {...}}
    takes/<shot>/     take media      audio/   exports/   script/ (Fountain source)   autosave/
    .lock             who has it open for writing (see :mod:`studio.core.lock`)

Opening validates everything and never fails with a raw exception: a bad file raises
:class:`StoreError` with one line a user can act on; what can be opened despite a problem (a
missing media file, a path outside the folder, a field this version does not know) is opened
and listed in :attr:`ProjectFolder.problems`, and nothing stored is dropped on the next save.
"""

from __future__ import annotations

import contextlib
import gc
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from studio.core import lock, projectjson, upgrades
from studio.core.atomic import describe, write_atomic
from studio.core.folder_guard import prepare_for_writing
from studio.core.jsonread import SchemaError
from studio.core.model import Project, now_iso
from studio.core.paths import check_project, resolve_inside
from studio.core.store_errors import ProjectLockedError, StoreError
from studio.core.take import unread_requests

PROJECT_SUFFIX = ".mdstudio"
PROJECT_FILE = "project.json"
SCHEMA_NAME = "micro-drama-studio.project"
SCHEMA_VERSION = 5
SUBFOLDERS = ("takes", "audio", "exports", "script", "autosave")
AUTOSAVE_FOLDER = "autosave"
AUTOSAVE_KEEP = 5
CLEAN_MARK = ".closed-cleanly"  # in the autosave folder: the newest copy when the app closed

# version N -> a function turning a version-N document (the whole project.json object) into
# version N+1. ``open_project`` reads this table at call time, so tests can patch it.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = upgrades.UPGRADES


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
            f"not a Micro-Drama Studio project: {root} has no {PROJECT_FILE}" + _hint(root)
        )
    problems: list[str] = []
    mine = None
    if not read_only:
        mine = _lock(root, if_locked=if_locked, problems=problems)
        read_only = mine is None
    try:
        with _paused_gc():
            project, backup = _load(file, problems)
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

    @property
    def file(self) -> Path:
        return self.root / PROJECT_FILE

    def save(self) -> None:
        """Write ``project.json`` atomically; the old file stays intact if anything fails."""
        self._check_writable("save project")
        data = self._encode()
        try:
            if self._backup_as and not (self.root / self._backup_as).exists():
                shutil.copy2(self.file, self.root / self._backup_as)
            write_atomic(self.file, data)
        except OSError as exc:
            raise StoreError(f"cannot save project: {describe(exc)} ({self.file})") from exc
        self._backup_as = ""

    def autosave(self, keep: int = AUTOSAVE_KEEP) -> Path:
        """Write a rolling copy to ``autosave/`` and keep only the newest ``keep`` copies."""
        self._check_writable("autosave")
        folder = self.root / AUTOSAVE_FOLDER
        when = datetime.now(UTC)
        newest = self.autosaves()[:1]
        path = folder / f"project-{when:%Y%m%dT%H%M%S%fZ}.json"
        while path.exists() or (newest and path.name <= newest[0].name):
            when += timedelta(microseconds=1)  # names sort by time, so keep them increasing
            path = folder / f"project-{when:%Y%m%dT%H%M%S%fZ}.json"
        try:
            folder.mkdir(exist_ok=True)
            write_atomic(path, self._encode())
        except OSError as exc:
            raise StoreError(f"cannot autosave: {describe(exc)} ({path})") from exc
        for old in self.autosaves()[max(keep, 1) :]:
            with contextlib.suppress(OSError):
                old.unlink()
        return path

    def autosaves(self) -> list[Path]:
        """The autosaved copies, newest first."""
        return _autosaves(self.root)

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
        project, _ = _load(autosave, problems)
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

    def _encode(self) -> bytes:
        """The text of project.json; the model is only read, nothing is written yet."""
        try:
            with _paused_gc():
                doc = {
                    "schema": SCHEMA_NAME,
                    "version": SCHEMA_VERSION,
                    "saved": now_iso(),
                    "project": self.project.to_json(),
                }
                data = projectjson.encode(doc)
                del doc  # freed before the collector is back, so it never walks the tree
            return data
        except (TypeError, ValueError, RecursionError) as exc:  # a value JSON cannot hold
            raise StoreError(f"cannot save project: {exc} ({self.file})") from exc


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


def _load(file: Path, problems: list[str]) -> tuple[Project, str]:
    """The project in ``file`` and the backup name for its first save ("" for none)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {file}: {describe(exc)}") from exc
    try:
        doc = projectjson.parse(data)
    except ValueError as exc:
        raise StoreError(f"{file} is damaged: {exc}{_hint(file.parent)}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_NAME:
        found = doc.get("schema") if isinstance(doc, dict) else None
        what = f"schema {found!r}" if found is not None else "no schema name"
        raise StoreError(f"not a Micro-Drama Studio project: {file} has {what}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise StoreError(
            f"{file} is damaged: version must be a whole number from 0, got {version!r}"
        )
    current = SCHEMA_VERSION
    if version > current:
        raise StoreError(
            f"cannot open {file}: made by a newer Micro-Drama Studio "
            f"(schema version {version}; this one reads up to {current})"
        )
    backup = ""
    if version < current:
        doc = _upgrade(doc, version, current, file)
        backup = f"project.v{version}.json"
        problems.append(
            f"upgraded {PROJECT_FILE} from schema version {version} to {current}; "
            f"the first save keeps the original as {backup}"
        )
    raw = doc.get("project")
    try:
        project = Project.from_json(raw, "project")
    except SchemaError as exc:
        raise StoreError(f"{file} is damaged: {exc}{_hint(file.parent)}") from None
    except Exception as exc:  # the model met a shape it did not expect: still one clear line
        raise StoreError(
            f"{file} is damaged: {type(exc).__name__}: {exc}{_hint(file.parent)}"
        ) from exc
    problems.extend(unread_requests(project))
    try:
        lost = projectjson.dropped(raw, project.to_json(), "project")
    except RecursionError:  # a request nested hundreds deep: kept whole, nothing to list
        lost = []
    if lost:
        backup = backup or "project.before-unknown-fields.json"
        shown = ", ".join(lost[:5]) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
        problems.append(
            f"{PROJECT_FILE} has fields this version does not know, which a save would drop: "
            f"{shown}; the first save keeps the original as {backup}"
        )
    return project, backup


def _upgrade(doc: dict[str, Any], version: int, current: int, file: Path) -> dict[str, Any]:
    upgrades = UPGRADES
    for v in range(version, current):
        step = upgrades.get(v)
        if step is None:
            raise StoreError(f"cannot open {file}: no upgrade from schema version {v} to {v + 1}")
        try:
            doc = step(doc)
        except Exception as exc:
            raise StoreError(
                f"cannot open {file}: upgrading from schema version {v} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(doc, dict):
            raise StoreError(f"cannot open {file}: the upgrade from version {v} gave no object")
        doc["version"] = v + 1
    return doc


@contextlib.contextmanager
def _paused_gc() -> Iterator[None]:
    """No cyclic GC while building or reading a big tree of fresh objects: each collection
    would walk every object made so far, which several times over costs more than the work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _autosaves(root: Path) -> list[Path]:
    folder = root / AUTOSAVE_FOLDER
    try:
        return sorted(folder.glob("project-*.json"), key=lambda p: p.name, reverse=True)
    except OSError:
        return []


def _hint(root: Path) -> str:
    saves = _autosaves(root)
    return f"; the newest autosave is {saves[0]}" if saves else ""
