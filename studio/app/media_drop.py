"""Files brought onto a shot from the file manager: what each one is, and a still image made into
a take.

A video becomes a take through :func:`~studio.app.footage.import_footage`; an image becomes a
still take, held for the shot's duration at the project's size (:func:`import_still`); a sound
file is the caller's to place (a dialogue line's voice, or a sound effect). Any other file, one
too big for its kind, or one that cannot be read is refused with one line (:class:`FootageError`)
and nothing of it is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.app.footage import VIDEO_SUFFIXES, FootageError, file_sha256
from studio.core.footage import Footage
from studio.core.model import Shot, Take, TakeState, new_id
from studio.core.paths import resolve_inside
from studio.core.time import FrameRate

VIDEO, IMAGE, AUDIO = "video", "image", "audio"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
AUDIO_SUFFIXES = {".wav", ".mp3", ".m4a", ".flac", ".ogg", ".opus", ".aac"}
LIMITS = {VIDEO: 4 << 30, IMAGE: 100 << 20, AUDIO: 1 << 30}  # bytes, by kind
_MIB = 1 << 20


def media_kind(path: Path) -> str:
    """:data:`VIDEO`, :data:`IMAGE` or :data:`AUDIO` by the file's suffix; FootageError for a
    missing file, any other kind, or one over its kind's size limit (:data:`LIMITS`)."""
    suffix = path.suffix.lower()
    kind = (VIDEO if suffix in VIDEO_SUFFIXES else IMAGE if suffix in IMAGE_SUFFIXES
            else AUDIO if suffix in AUDIO_SUFFIXES else "")  # fmt: skip
    if not path.is_file():
        raise FootageError(f"no such file: {path}")
    if not kind:
        raise FootageError(f"{path.name}: not a video, image or sound file")
    size = path.stat().st_size
    if size > LIMITS[kind]:
        raise FootageError(f"{path.name}: too big ({size / _MIB:.0f} MiB; at most "
                           f"{LIMITS[kind] // _MIB} MiB for {kind})")  # fmt: skip
    return kind


def import_still(
    project_dir: Path, shot: Shot, source: Path, size: tuple[int, int], fps: FrameRate
) -> Take:
    """Make the image ``source`` a take of ``shot``: ``takes/<shot>/<take>.mp4``, the image
    scaled to cover ``size`` (centred, never distorted) and held for the shot's duration.
    The file is complete or not there; FootageError says why it could not be made."""
    import cv2

    from studio.media.ffmpeg import MediaError, run_ffmpeg

    if media_kind(source) != IMAGE:
        raise FootageError(f"{source.name}: not an image ({', '.join(sorted(IMAGE_SUFFIXES))})")
    if cv2.imread(str(source)) is None:
        raise FootageError(f"{source.name}: cannot be read as an image")
    width, height = size
    frames = max(1, shot.duration_frames)
    take_id = new_id("tk")
    media = f"takes/{shot.id}/{take_id}.mp4"
    try:
        target = resolve_inside(project_dir, media)
    except ValueError as exc:
        raise FootageError(f"cannot import into shot {shot.id}: {exc}") from None
    partial = target.with_name(f".{target.name}.part")
    cover = (f"scale={width}:{height}:force_original_aspect_ratio=increase,"
             f"crop={width}:{height},setsar=1")  # fmt: skip
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        run_ffmpeg(["-loglevel", "error", "-loop", "1", "-framerate", str(fps), "-i", str(source),
                    "-frames:v", str(frames), "-vf", cover, "-an", "-c:v", "libx264",
                    "-preset", "veryfast", "-tune", "stillimage", "-pix_fmt", "yuv420p",
                    "-movflags", "+faststart", "-f", "mp4", str(partial)],
                   f"make a still take of {source.name}")  # fmt: skip
        os.replace(partial, target)
    except (MediaError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise FootageError(f"{source.name}: {exc}") from None
    take = Take(
        id=take_id,
        media=media,
        state=TakeState.DONE,
        footage=Footage(
            shot.id, str(source.resolve()), file_sha256(target), width, height, frames, str(fps)
        ),
    )
    shot.takes.append(take)
    return take
