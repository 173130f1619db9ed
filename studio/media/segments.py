"""One shot of an export, encoded once: a cached H.264 segment that joins the others by stream
copy.

A segment is the shot's take fitted to the delivery size around the shot's focus point,
conformed to the delivery rate (each output frame shows the source frame on screen at that
time; a short take holds its last frame, a long one is cut), with the captions and the
AI-content label for its stretch of the episode burned in by libass. Every segment is encoded
with identical codec settings and starts on a closed-GOP keyframe, so the concat demuxer can
join them without re-encoding.

:func:`segment_key` digests everything that changes a segment's pixels: the take file (path,
size, modification time), the frame count, rate, focus, the preset's video settings, the ASS
script and the fonts folder, the ffmpeg build and :data:`FORMAT`. A cached segment whose key
matches is reused as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ffmpeg  # ffmpeg-python: builds the command line and its filter graph

from studio.core.time import FrameRate
from studio.media.ffmpeg import MediaError, ffmpeg_exe, ffmpeg_version, probe, run_ffmpeg
from studio.media.fit import fit
from studio.media.presets import ExportPreset

FORMAT = 2  # bump when the encoding below changes, so old cached segments are not reused


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """Everything that decides one segment's pixels."""

    media: Path  # the take file
    frames: int  # at ``fps``
    fps: FrameRate
    focus: tuple[float, float]
    preset: ExportPreset
    ass: str = ""  # the ASS script to burn ("" = nothing drawn)
    fonts: Path | None = None  # a folder of fonts for libass


def timescale(fps: FrameRate) -> int:
    """An MP4 track timescale in which every frame lasts a whole number of ticks."""
    return fps.num * 1000 if fps.den == 1 else fps.num


def gop_frames(preset: ExportPreset, fps: FrameRate) -> int:
    return max(1, round(preset.gop_seconds * float(fps)))


def segment_key(spec: SegmentSpec) -> str:
    """The cache key of ``spec`` (hex); MediaError when the take file cannot be read."""
    try:
        stat = spec.media.stat()
    except OSError as exc:
        raise MediaError(f"cannot read the take {spec.media.name}: {exc.strerror}") from None
    identity = {
        "format": FORMAT,
        "ffmpeg": ffmpeg_version(),
        "media": str(spec.media.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "frames": spec.frames,
        "fps": str(spec.fps),
        "focus": list(spec.focus),
        "video": spec.preset.video_settings(),
        "ass": spec.ass,
        "fonts": str(spec.fonts) if spec.fonts else "",
    }
    blob = json.dumps(identity, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def x264_output_options(preset: ExportPreset, fps: FrameRate) -> dict[str, object]:
    """The codec settings every segment (and a bare comparison encode) shares."""
    gop = gop_frames(preset, fps)
    return {
        "c:v": "libx264", "preset": preset.x264_preset, "crf": preset.crf,
        "profile:v": "high", "pix_fmt": "yuv420p", "g": gop, "keyint_min": gop,
        "sc_threshold": 0, "flags": "+cgop", "r": str(fps),
        "colorspace": "bt709", "color_primaries": "bt709", "color_trc": "bt709",
        "color_range": "tv", **mp4_timescales(fps),
    }  # fmt: skip


def mp4_timescales(fps: FrameRate) -> dict[str, int]:
    """The MP4 clocks that make every frame exactly ``1/fps`` long. The movie clock matters as
    much as the track's: the edit list is written in it, and a joiner takes a segment's length
    from the edit list. At the default 1000 ticks a second, 109 frames at 30 fps measure
    3.633 s, and the next segment starts 10/30000 s early."""
    return {"video_track_timescale": timescale(fps), "movie_timescale": timescale(fps)}


def encode_segment(spec: SegmentSpec, out: Path) -> None:
    """Encode ``spec`` into ``out`` (MP4, video only); MediaError with ffmpeg's reason, and no
    file left, when it fails. The file appears complete or not at all."""
    if spec.frames <= 0:
        raise MediaError(f"a segment needs at least one frame, got {spec.frames}")
    info = probe(spec.media)
    geometry = fit((info.width, info.height), (spec.preset.width, spec.preset.height), spec.focus)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.stem}-{os.getpid()}-{secrets.token_hex(4)}.partial.mp4")
    ass_file = None
    try:
        video = (
            ffmpeg.input(str(spec.media))
            .video.filter("setpts", "PTS-STARTPTS")
            .filter("scale", geometry.scaled_width, geometry.scaled_height, flags="lanczos",
                    out_color_matrix="bt709", out_range="tv")
            .filter("crop", geometry.width, geometry.height, geometry.x, geometry.y)
            .filter("setsar", "1")
            .filter("fps", fps=str(spec.fps))
            .filter("tpad", stop_mode="clone", stop=-1)
        )  # fmt: skip
        if spec.ass:
            fd, ass_name = tempfile.mkstemp(prefix=".captions-", suffix=".ass", dir=out.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(spec.ass)
            ass_file = Path(ass_name)
            options = {"filename": str(ass_file)}
            if spec.fonts is not None:
                options["fontsdir"] = str(spec.fonts)
            video = video.filter("ass", **options)
        video = video.filter("format", "yuv420p")
        stream = ffmpeg.output(
            video, str(partial), f="mp4", an=None, frames=spec.frames,
            **x264_output_options(spec.preset, spec.fps),
        )  # fmt: skip
        args = ffmpeg.compile(stream, cmd=ffmpeg_exe(), overwrite_output=True)[1:]
        run_ffmpeg(["-loglevel", "error", *args], f"encode the segment of {spec.media.name}")
        os.replace(partial, out)
    except OSError as exc:
        raise MediaError(f"cannot write the segment {out.name}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
        if ass_file is not None:
            ass_file.unlink(missing_ok=True)
