"""Footage made elsewhere, brought into a project as a take."""

from __future__ import annotations

import hashlib
from pathlib import Path

from studio.core.atomic import copy_atomic
from studio.core.footage import Footage
from studio.core.model import Shot, Take, TakeState, new_id
from studio.core.paths import resolve_inside

VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi"}


class FootageError(Exception):
    """A file that cannot become a take: one line for the user."""


def import_footage(project_dir: Path, shot: Shot, source: Path) -> Take:
    """Copy ``source`` to ``takes/<shot>/<take><ext>`` (complete or not at all) and add the take
    to ``shot``. The take's footage record says where the file came from and its sha256."""
    from studio.media.ffmpeg import MediaError, probe

    if not source.is_file():
        raise FootageError(f"no such file: {source}")
    suffix = source.suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise FootageError(f"{source.name}: not a video file ({', '.join(sorted(VIDEO_SUFFIXES))})")
    try:
        info = probe(source)
    except MediaError as exc:
        raise FootageError(f"{source.name}: {exc}") from None
    take_id = new_id("tk")
    media = f"takes/{shot.id}/{take_id}{suffix}"
    try:
        target = resolve_inside(project_dir, media)
    except ValueError as exc:
        raise FootageError(f"cannot import into shot {shot.id}: {exc}") from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_atomic(source, target)
    except OSError as exc:
        raise FootageError(f"cannot copy {source.name}: {exc.strerror or exc}") from None
    digest = file_sha256(target)
    take = Take(
        id=take_id,
        media=media,
        state=TakeState.DONE,
        footage=Footage(
            shot.id, str(source.resolve()), digest, info.width, info.height, info.frames, info.fps
        ),
    )
    shot.takes.append(take)
    return take


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a mebibyte at a time."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
