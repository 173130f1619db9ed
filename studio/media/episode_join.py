"""The last step of an export: the episode's segments joined by stream copy, the sound muxed
in, the AI-content metadata written and, when a key is given, the file signed (C2PA)."""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from studio.core.language_codes import stream_language
from studio.core.model import Project
from studio.core.time import FrameRate
from studio.core.titles import episode_name
from studio.media.c2pa_sign import SigningKey
from studio.media.export_plan import EpisodePlan, ExportError
from studio.media.ffmpeg import run_ffmpeg
from studio.media.labels import TOOL, Label, aigc_metadata
from studio.media.segments import mp4_timescales


def join_episode(
    plan: EpisodePlan,
    rate: FrameRate,
    keys: list[str],
    cache: Path,
    sound: Path,
    out: Path,
    project: Project,
    label: Label | None,
    content_id: str,
    signing: SigningKey | None,
) -> Path:
    """The segments joined by stream copy with the sound muxed in, in a temporary file beside
    ``out``, signed when a key is given; the temporary file."""
    listing = cache / f".join-{os.getpid()}-{threading.get_ident()}.txt"
    # ffmpeg reads the names relative to the listing, so they are absolute, quoted its way.
    lines = [f"file {_concat_quote((cache / f'{k}.mp4').resolve())}" for k in keys]
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial = temp_beside(out, ".mp4")
    title = f"{plan.project_title} — {episode_name(plan.number, plan.title)}"
    tags: dict[str, str] = {"title": title}
    if label is not None:
        tags = aigc_metadata(
            producer=project.producer, content_id=content_id, title=title, label=label.text
        )
    try:
        meta = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
        clocks = [
            arg for key, value in mp4_timescales(rate).items() for arg in (f"-{key}", str(value))
        ]
        run_ffmpeg(
            ["-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
             "-i", str(sound), "-map", "0:v:0", "-map", "1:a:0", "-c", "copy",
             "-movflags", "+faststart+use_metadata_tags", *clocks, *meta,
             "-metadata:s:a:0", f"language={stream_language(plan.language)}",
             "-f", "mp4", str(partial)],
            f"join the shots of episode {plan.number}",
        )  # fmt: skip
        if signing is not None:
            from studio.media.c2pa_sign import SigningError, sign_mp4

            signed = temp_beside(out, ".mp4")
            try:
                sign_mp4(partial, signed, signing, title=title,
                         producer=project.producer or TOOL, content_id=content_id)  # fmt: skip
            except SigningError as exc:
                signed.unlink(missing_ok=True)
                reason = str(exc).replace(partial.name, out.name).replace(signed.name, out.name)
                raise ExportError(f"cannot sign episode {plan.number}: {reason}") from None
            os.replace(signed, partial)
        return partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        listing.unlink(missing_ok=True)


def _concat_quote(path: Path) -> str:
    """``path`` as one quoted word of ffmpeg's concat listing (a ``'`` closes, escapes, reopens)."""
    return "'" + path.as_posix().replace("'", "'\\''") + "'"


def temp_beside(out: Path, suffix: str) -> Path:
    """A new hidden name beside ``out`` (the file is not created: whoever writes it does, with
    the usual permissions)."""
    return out.with_name(f".{out.stem}-{os.getpid()}-{secrets.token_hex(4)}.partial{suffix}")
