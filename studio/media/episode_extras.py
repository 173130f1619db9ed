"""What ships beside an exported episode: the SRT and WebVTT caption sidecars, the cover image
and the OpenTimelineIO file. Each is written under a temporary name beside the output; the export
(:mod:`studio.media.episode_export`) renames them into place with the MP4.
"""

from __future__ import annotations

from pathlib import Path

from studio.core.model import Project
from studio.core.time import FrameRate
from studio.media.episode_join import temp_beside
from studio.media.export_plan import EpisodePlan, ExportError
from studio.media.ffmpeg import run_ffmpeg
from studio.media.subtitles import write_sidecars


def write_extras(
    plan: EpisodePlan,
    project: Project,
    video: Path,
    out: Path,
    rate: FrameRate,
    *,
    captions: str,
    cover: bool,
    otio: bool,
    warnings: list[str],
) -> dict[str, Path]:
    """Sidecars (when ``captions`` is sidecar or both), cover and interchange in temporary
    files beside ``out``; {kind: temporary file}. Nothing is left behind on failure."""
    made: dict[str, Path] = {}
    try:
        if captions in ("sidecar", "both") and plan.cues:
            srt, vtt = write_sidecars(plan.cues, temp_beside(out, ".mp4"))
            made["srt"], made["vtt"] = srt, vtt
        if cover:
            made["cover"] = write_cover(plan, project, video, out, rate, warnings)
        if otio:
            from studio.media.otio_export import InterchangeError, write_interchange

            target = temp_beside(out, ".otio")
            made["otio"] = target
            try:
                write_interchange(plan, target)
            except InterchangeError as exc:
                raise ExportError(str(exc)) from None
    except BaseException:
        for path in made.values():
            path.unlink(missing_ok=True)
        raise
    return made


def write_cover(
    plan: EpisodePlan,
    project: Project,
    video: Path,
    out: Path,
    rate: FrameRate,
    warnings: list[str],
) -> Path:
    """The cover image, from the exported ``video``, in a temporary file beside ``out``: the
    episode's chosen frame, else the middle of its first shot."""
    chosen = project.episode(plan.number).cover_frame
    first = plan.cuts[0].frames // 2
    frame = first if chosen is None else chosen
    if frame >= plan.frames:
        warnings.append(
            f"episode {plan.number}: cover frame {frame} is past the end; using frame {first}"
        )
        frame = first
    seconds = plan.fps.seconds(frame)
    at = rate.seconds(round(seconds * rate.fraction)) + rate.seconds(1) / 2  # inside the frame
    cover = temp_beside(out, ".jpg")
    try:
        run_ffmpeg(
            ["-loglevel", "error", "-ss", f"{float(at):.6f}", "-i", str(video),
             "-frames:v", "1", "-q:v", "2", "-update", "1", "-f", "image2", str(cover)],
            f"make the cover of episode {plan.number}",
        )  # fmt: skip
    except BaseException:
        cover.unlink(missing_ok=True)
        raise
    return cover
