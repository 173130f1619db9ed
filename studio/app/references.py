"""Character reference images: the stills that keep a character looking the same.

A character's approved references live in ``characters/<name>/`` and are listed on the
character; generated candidates wait in ``characters/<name>/candidates/`` until the user
approves one (which moves it up) or ignores it. Removing a reference unlists it; the file stays.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path, PurePosixPath

from studio.core.atomic import copy_atomic
from studio.core.model import Character

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
_UNSAFE = re.compile(r"[^\w.-]+")


class ReferenceError(ValueError):
    """A reference that cannot be added or approved: one line for the user."""


def folder_of(character: Character) -> str:
    """``characters/<name>``, with the name made safe for a file system (CJK kept)."""
    name = _UNSAFE.sub("-", character.name.strip()).strip("-.") or "character"
    return f"characters/{name}"


def candidates_folder(character: Character) -> str:
    return f"{folder_of(character)}/candidates"


def candidates(project_dir: Path, character: Character) -> list[str]:
    """The generated stills waiting for approval, oldest first, project-relative."""
    folder = project_dir / candidates_folder(character)
    if not folder.is_dir():
        return []
    found = sorted(folder.glob("*.png"), key=lambda p: (p.stat().st_mtime, p.name))
    return [f"{candidates_folder(character)}/{p.name}" for p in found]


def add_reference(project_dir: Path, character: Character, source: Path) -> str:
    """Copy an image file in as an approved reference; returns its project-relative path."""
    _check_image(source)
    stem = _UNSAFE.sub("-", source.stem).strip("-.") or "reference"
    rel = f"{folder_of(character)}/{stem}-{secrets.token_hex(3)}{source.suffix.lower()}"
    target = project_dir / rel
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_atomic(source, target)
    except OSError as exc:
        raise ReferenceError(f"cannot copy {source.name}: {exc.strerror or exc}") from None
    character.reference_images.append(rel)
    return rel


def approve_candidate(project_dir: Path, character: Character, rel: str) -> str:
    """Move a generated candidate up into the character's references."""
    waiting = candidates(project_dir, character)
    if rel not in waiting:
        shown = ", ".join(waiting) or "none"
        raise ReferenceError(f"{rel} is not a candidate of {character.name} (candidates: {shown})")
    target = f"{folder_of(character)}/{PurePosixPath(rel).name}"
    os.replace(project_dir / rel, project_dir / target)
    character.reference_images.append(target)
    return target


def remove_reference(character: Character, rel: str) -> None:
    if rel not in character.reference_images:
        raise ReferenceError(f"{rel} is not a reference of {character.name}")
    character.reference_images.remove(rel)


def _check_image(source: Path) -> None:
    if not source.is_file():
        raise ReferenceError(f"no such file: {source}")
    if source.suffix.lower() not in IMAGE_SUFFIXES:
        raise ReferenceError(f"{source.name}: not an image ({', '.join(sorted(IMAGE_SUFFIXES))})")
    import cv2

    if cv2.imread(str(source)) is None:
        raise ReferenceError(f"{source.name}: cannot be read as an image")
