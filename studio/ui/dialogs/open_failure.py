"""Why a project did not open, said readably, and the way out: the reason on one line, what to
do under it, and, when the project folder has autosaves, a button that opens the newest one.

Opening an autosave keeps everything: the damaged ``project.json`` is moved aside (to
``project.damaged.json``, or a numbered name) and the autosave becomes the project file. If the
autosave cannot be opened either, the damaged file is put back as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from studio.core.atomic import write_atomic
from studio.core.store import (
    AUTOSAVE_FOLDER,
    PROJECT_FILE,
    PROJECT_SUFFIX,
    StoreError,
    resolve_root,
)

_HINT = "; the newest autosave is "  # how studio.core.store appends its autosave hint


def newest_autosave(root: Path) -> Path | None:
    """The newest autosaved copy in the project folder ``root`` (None when there is none)."""
    try:
        saves = sorted((root / AUTOSAVE_FOLDER).glob("project-*.json"), reverse=True)
    except OSError:
        return None
    return saves[0] if saves else None


def explain(typed: str | Path, exc: StoreError) -> tuple[str, str]:
    """(reason, what to do) for a project at ``typed`` (the path as the user gave it) that
    failed to open with ``exc``. Names the path the user typed, not one they never did."""
    path = Path(typed).expanduser()
    root = resolve_root(path) if str(typed).strip() else path
    if root != path and not root.exists():  # the suffix was guessed: speak of what was typed
        if path.is_dir():
            reason = f"{path} is not a Micro-Drama Studio project: it has no {PROJECT_FILE}"
            return reason, f"Open the project folder itself (its name ends in {PROJECT_SUFFIX})."
        return f"{path} does not exist", "Check the path, or open a project folder that exists."
    reason = str(exc).split(_HINT)[0]
    if newest_autosave(root) is not None:
        return reason, "Open the newest autosave, or put back a copy of the project you trust."
    return reason, "Put back a copy of the project you trust (from a backup)."


def failure_box(parent: QWidget, typed: str | Path, exc: StoreError) -> QMessageBox:
    """The box saying why the project at ``typed`` did not open; it has an "Open the Newest
    Autosave" button (``box.autosave_button``, else None) when there is one to open."""
    reason, todo = explain(typed, exc)
    box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open the project", reason,
                      QMessageBox.StandardButton.Close, parent)  # fmt: skip
    box.setInformativeText(todo)
    box.autosave_button = None  # type: ignore[attr-defined]
    path = Path(typed).expanduser()
    root = resolve_root(path) if str(typed).strip() else path
    if root.exists() and newest_autosave(root) is not None:
        box.autosave_button = box.addButton(  # type: ignore[attr-defined]
            "Open the Newest Autosave", QMessageBox.ButtonRole.AcceptRole
        )
    return box


def promote_newest_autosave(root: Path) -> tuple[Path, Path]:
    """Make the newest autosave ``root``'s project file, the damaged one moved aside;
    (the autosave, where the damaged file went). StoreError when it cannot be done."""
    autosave = newest_autosave(root)
    if autosave is None:
        raise StoreError(f"{root} has no autosave to open")
    damaged = root / "project.damaged.json"
    n = 1
    while damaged.exists():
        n += 1
        damaged = root / f"project.damaged-{n}.json"
    file = root / PROJECT_FILE
    try:
        data = autosave.read_bytes()
        if file.exists():
            os.replace(file, damaged)
        write_atomic(file, data)
    except OSError as exc:
        raise StoreError(f"cannot open the autosave {autosave}: {exc}") from exc
    return autosave, damaged


def put_back(root: Path, damaged: Path) -> None:
    """Undo :func:`promote_newest_autosave` (the autosave would not open either)."""
    if damaged.exists():
        os.replace(damaged, root / PROJECT_FILE)
