"""What is checked and tidied when a project folder is opened for writing.

A project someone sent may have ``takes/`` (or ``audio/``, ``exports/``, a shot's folder) as a
symlink to elsewhere on the disk; writing a take through it would write outside the project,
so such a project is not opened for writing. Files that a killed process left half-written
(``.project.json.*.tmp``, an autosave's ``.tmp``, a worker's ``.tk-*.part.mp4``) are removed:
the lock is ours by then, so no other program is still writing them.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import stat
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.paths import is_inside
from studio.core.store_errors import StoreError

if TYPE_CHECKING:
    from studio.core.model import Project

# Folders written into: none may be a symlink leading outside the project.
WRITTEN_FOLDERS = ("takes", "audio", "exports", "script", "autosave", "characters")
SHOT_FOLDERS = ("takes", "audio")  # hold a folder per shot: takes/<shot>/, audio/<shot>/
# Leftovers of killed processes, by folder (relative, "*" = any one folder) and name pattern.
LEFTOVERS = (
    ("", ".project.json.*.tmp"),
    ("autosave", ".*.tmp"),
    ("takes/*", ".tk-*.part.mp4"),
    ("takes/*", ".tk-*.part.png"),
)


def prepare_for_writing(root: Path, project: Project) -> None:
    """StoreError when a folder the app writes into leads outside ``root``; else remove the
    leftovers of killed processes."""
    linked = links_outside(root, {shot.id for shot in [*project.shots(), *project.archived_shots]})
    if linked:
        rel, real = linked[0]
        raise StoreError(
            f"cannot open {root} for writing: {rel}/ is a symlink to {real}, outside the project "
            f"folder; make it a real folder inside the project, or open the project read-only"
        )
    clean_leftovers(root)


def links_outside(root: Path, shot_ids: Collection[str] = ()) -> list[tuple[str, str]]:
    """``(folder, where it leads)`` for each written folder, and each shot's folder in
    ``takes/`` and ``audio/``, that is a symlink leading outside ``root``."""
    real_root = os.path.realpath(root)
    found: list[tuple[str, str]] = []
    for name in WRITTEN_FOLDERS:
        path = root / name
        if _is_link(path):
            if _outside(path, real_root):
                found.append((name, os.path.realpath(path)))
            continue
        if name not in SHOT_FOLDERS or not shot_ids:
            continue
        for entry in _entries(path):
            with contextlib.suppress(OSError):
                if entry.name in shot_ids and entry.is_symlink() and _outside(entry, real_root):
                    found.append((f"{name}/{entry.name}", os.path.realpath(entry.path)))
    return found


def _outside(path: Path | os.DirEntry[str], real_root: str) -> bool:
    real = os.path.realpath(path)
    return not is_inside(real, real_root) or real == real_root


def clean_leftovers(root: Path) -> list[str]:
    """Remove the leftover files named in :data:`LEFTOVERS` (plain files only, in real
    folders inside ``root``); their paths, relative."""
    removed: list[str] = []
    for folder, pattern in LEFTOVERS:
        for where in _folders(root, folder):
            for entry in _entries(root / where if where else root):
                if not fnmatch.fnmatchcase(entry.name, pattern):
                    continue
                with contextlib.suppress(OSError):
                    if stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                        os.unlink(entry.path)
                        removed.append(f"{where}/{entry.name}" if where else entry.name)
    return removed


def _folders(root: Path, pattern: str) -> list[str]:
    """The real (not linked) folders matching ``pattern``: "", "autosave" or "takes/*"."""
    if not pattern:
        return [""]
    parent, _, child = pattern.partition("/")
    if _is_link(root / parent) or not (root / parent).is_dir():
        return []
    if not child:
        return [parent]
    return [
        f"{parent}/{entry.name}"
        for entry in _entries(root / parent)
        if entry.is_dir(follow_symlinks=False)
    ]


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except OSError:
        return []


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False
