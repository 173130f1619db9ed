"""Editorial interchange: an episode's export plan as an OpenTimelineIO timeline, written as
``.otio``, a CMX 3600 EDL or Final Cut Pro 7 XML so an editor can finish the cut in an NLE.

The timeline holds a "Picture" track (one clip per shot, pointing at its take's file), a
"Dialogue" audio track (each voiced line at its exact sample), and markers for every dialogue
line and caption cue. ``metadata["studio"]`` carries what made each piece (shot, take, request).

opentimelineio is optional (the ``interchange`` extra): it is imported inside the functions
here, so the rest of the app runs without it, and its absence is an :class:`InterchangeError`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.atomic import describe, write_atomic
from studio.core.time import FrameRate
from studio.core.titles import episode_name
from studio.core.voicing import SAMPLE_RATE
from studio.media.export_plan import EpisodePlan, Line
from studio.media.ffmpeg import MediaError, probe

if TYPE_CHECKING:
    import opentimelineio as otio

INSTALL_HINT = 'install opentimelineio (pip install "micro-drama-studio[interchange]")'
SUFFIXES = {".otio": "otio_json", ".edl": "cmx_3600", ".xml": "fcp_xml"}
_PLUGINS = {"cmx_3600": "otio-cmx3600-adapter", "fcp_xml": "otio-fcp-adapter"}
_REEL_LEN = 8  # CMX 3600 reel names: up to 8 letters and digits
_TITLE_LEN = 70

MediaInfoFn = Callable[[Path], tuple[FrameRate, int]]


class InterchangeError(Exception):
    """The timeline cannot be built or written as asked: one line for the user."""


def _otio() -> Any:
    try:
        import opentimelineio
    except ImportError:
        raise InterchangeError(INSTALL_HINT) from None
    return opentimelineio


def available_adapters() -> list[str]:
    """The installed OpenTimelineIO adapters that can write a file; [] without opentimelineio."""
    try:
        otio = _otio()
    except InterchangeError:
        return []
    names = []
    for name in otio.adapters.available_adapter_names():
        try:
            if otio.adapters.from_name(name).has_feature("write_to_string"):
                names.append(name)
        except Exception:  # a broken plugin is simply not offered
            continue
    return sorted(names)


def probe_media(path: Path) -> tuple[FrameRate, int]:
    """A take file's own frame rate and frame count, as ffmpeg reads them."""
    info = probe(path)
    return FrameRate.parse(info.fps), info.frames


def build_timeline(
    plan: EpisodePlan, *, media_info: MediaInfoFn | None = None
) -> otio.schema.Timeline:
    """The episode as an OTIO timeline at the project rate, starting at 0.

    ``media_info`` gives a take file's rate and frame count (default: :func:`probe_media`);
    when it fails (MediaError, OSError, ValueError) that clip's media has no available range.
    """
    otio = _otio()
    rate = float(plan.fps)
    timeline = otio.schema.Timeline(
        name=_title(plan), global_start_time=otio.opentime.RationalTime(0, rate)
    )
    timeline.metadata["studio"] = {
        "episode": plan.number,
        "fps": str(plan.fps),
        "language": plan.language,
    }
    timeline.tracks.append(_picture(otio, plan, media_info or probe_media))
    timeline.tracks.extend(_dialogue(otio, plan))
    timeline.tracks.markers.extend(_markers(otio, plan))
    return timeline


def write_interchange(plan: EpisodePlan, out: Path, *, adapter: str | None = None) -> Path:
    """Write the episode's timeline to ``out``, whole or not at all; returns ``out``.

    The adapter comes from the suffix (.otio, .edl, .xml) unless named. InterchangeError when
    opentimelineio or the adapter is not installed, or the adapter refuses the timeline.
    """
    out = Path(out)
    name = adapter or SUFFIXES.get(out.suffix.lower())
    if name is None:
        raise InterchangeError(
            f"{out.name}: unknown interchange format {out.suffix or '(no suffix)'!r}; "
            "use .otio, .edl or .xml"
        )
    otio = _otio()
    _check_adapter(otio, name)
    timeline = build_timeline(plan)
    if name == "cmx_3600":
        timeline = _for_edl(otio, timeline)
    elif name == "fcp_xml":
        timeline = _for_fcp(otio, timeline, float(plan.fps))
    try:
        text = otio.adapters.write_to_string(timeline, adapter_name=name)
    except Exception as exc:  # plugins raise anything; their message is what the user needs
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InterchangeError(f"{name} cannot write {out.name}: {reason}") from exc
    try:
        write_atomic(out, text.encode("utf-8"))
    except OSError as exc:
        raise InterchangeError(f"could not write {out.name}: {describe(exc)}") from exc
    return out


def _check_adapter(otio: Any, name: str) -> None:
    try:
        otio.adapters.from_name(name)
    except otio.exceptions.NotSupportedError:
        if name in _PLUGINS:
            package = _PLUGINS[name]
            raise InterchangeError(
                f"the {name} adapter is not installed: install {package} (pip install {package})"
            ) from None
        known = ", ".join(available_adapters()) or "none"
        raise InterchangeError(
            f"no OpenTimelineIO adapter named {name!r} (installed: {known})"
        ) from None


def _title(plan: EpisodePlan) -> str:
    return f"{plan.project_title} — {episode_name(plan.number, plan.title)}"


def _plain(value: Any) -> Any:
    """``value`` as plain JSON data (what OTIO metadata can hold)."""
    return json.loads(json.dumps(value, default=str))


def _range(otio: Any, start: float, duration: float, rate: float) -> Any:
    rt = otio.opentime.RationalTime
    return otio.opentime.TimeRange(rt(start, rate), rt(duration, rate))


def _picture(otio: Any, plan: EpisodePlan, media_info: MediaInfoFn) -> Any:
    rate = float(plan.fps)
    track = otio.schema.Track(name="Picture", kind=otio.schema.TrackKind.Video)
    cursor = 0
    known: dict[Path, Any] = {}
    for cut in plan.cuts:
        if cut.start < cursor:
            raise InterchangeError(f"shot {cut.shot_id} overlaps the shot before it")
        if cut.start > cursor:
            track.append(otio.schema.Gap(source_range=_range(otio, 0, cut.start - cursor, rate)))
        if cut.media not in known:
            known[cut.media] = _available(otio, cut.media, media_info)
        reference = otio.schema.ExternalReference(
            target_url=cut.media.absolute().as_uri(), available_range=known[cut.media]
        )
        reference.name = cut.media.name
        clip = otio.schema.Clip(
            name=cut.shot_id,
            media_reference=reference,
            source_range=_range(otio, 0, cut.frames, rate),
        )
        clip.metadata["studio"] = {
            "shot": cut.shot_id,
            "take": cut.take_id,
            "approved": bool(cut.approved),
            "request": _plain(cut.request),
        }
        track.append(clip)
        cursor = cut.start + cut.frames
    if cursor < plan.frames:
        track.append(otio.schema.Gap(source_range=_range(otio, 0, plan.frames - cursor, rate)))
    return track


def _available(otio: Any, path: Path, media_info: MediaInfoFn) -> Any:
    """The take file's whole span at its own rate, or None when it cannot be read."""
    try:
        fps, frames = media_info(path)
    except (MediaError, OSError, ValueError):
        return None
    return _range(otio, 0, frames, float(fps)) if frames > 0 else None


def _dialogue(otio: Any, plan: EpisodePlan) -> list[Any]:
    """The voiced lines at their samples: one track, more where lines overlap."""
    end = float(plan.seconds * SAMPLE_RATE)
    tracks: list[tuple[Any, int]] = []  # (track, its end in samples)
    for line in sorted(plan.lines, key=lambda x: (x.start, x.shot_id, x.line)):
        k = next((i for i, (_, at) in enumerate(tracks) if at <= line.start), len(tracks))
        if k == len(tracks):
            name = "Dialogue" if k == 0 else f"Dialogue {k + 1}"
            tracks.append((otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio), 0))
        track, at = tracks[k]
        if line.start > at:
            track.append(
                otio.schema.Gap(source_range=_range(otio, 0, line.start - at, SAMPLE_RATE))
            )
        track.append(_line_clip(otio, line))
        tracks[k] = (track, line.start + line.samples)
    if not tracks:
        tracks.append((otio.schema.Track(name="Dialogue", kind=otio.schema.TrackKind.Audio), 0))
    for track, at in tracks:
        if at < end:
            track.append(otio.schema.Gap(source_range=_range(otio, 0, end - at, SAMPLE_RATE)))
    return [track for track, _ in tracks]


def _line_clip(otio: Any, line: Line) -> Any:
    span = _range(otio, 0, line.samples, SAMPLE_RATE)
    reference = otio.schema.ExternalReference(
        target_url=line.media.absolute().as_uri(), available_range=span
    )
    reference.name = line.media.name
    clip = otio.schema.Clip(
        name=f"{line.character} ({line.shot_id} line {line.line + 1})",
        media_reference=reference,
        source_range=span,
    )
    clip.metadata["studio"] = {
        "shot": line.shot_id,
        "line": line.line,
        "character": line.character,
        "text": line.text,
        "request": _plain(line.request),
    }
    return clip


def _markers(otio: Any, plan: EpisodePlan) -> list[Any]:
    """A green marker over each dialogue line, a yellow one over each caption cue."""
    rate = float(plan.fps)

    def span(start: Fraction, end: Fraction) -> Any:
        at = float(start * plan.fps.fraction)
        return _range(otio, at, float(end * plan.fps.fraction) - at, rate)

    found: list[tuple[Fraction, Any]] = []
    for line in plan.lines:
        start = Fraction(line.start, SAMPLE_RATE)
        marker = otio.schema.Marker(
            name=f"{line.character}: {line.text}",
            marked_range=span(start, start + Fraction(line.samples, SAMPLE_RATE)),
            color=otio.schema.MarkerColor.GREEN,
            metadata={"studio": {"kind": "dialogue", "shot": line.shot_id, "line": line.line}},
        )
        found.append((start, marker))
    for cue in plan.cues:
        marker = otio.schema.Marker(
            name=" / ".join(cue.lines),
            marked_range=span(cue.start, cue.end),
            color=otio.schema.MarkerColor.YELLOW,
            metadata={"studio": {"kind": "caption", "speaker": cue.speaker}},
        )
        found.append((cue.start, marker))
    return [marker for _, marker in sorted(found, key=lambda x: x[0])]


def _ascii(text: str) -> str:
    """``text`` as plain ASCII for a CMX 3600 line (accents dropped, others as '?')."""
    text = text.replace("—", "-").replace("–", "-")
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.encode("ascii", "replace").decode("ascii")


def _for_edl(otio: Any, timeline: Any) -> Any:
    """A copy an EDL can hold: the picture track only, ASCII names, short unique reels."""
    edl = timeline.deepcopy()
    edl.name = _ascii(edl.name)[:_TITLE_LEN]
    for i in reversed(range(len(edl.tracks))):  # an EDL is the picture; dialogue stays in .otio
        if edl.tracks[i].kind != otio.schema.TrackKind.Video:
            del edl.tracks[i]
    reels: dict[str, str] = {}
    for k, clip in enumerate(edl.tracks[0].find_clips()):
        shot = clip.name
        clip.name = _ascii(shot)
        if shot not in reels:
            reel = re.sub(r"[^A-Za-z0-9]", "", shot)[-_REEL_LEN:].upper()
            if not reel or reel in reels.values():
                reel = f"R{k + 1:03d}"
            reels[shot] = reel
        clip.metadata["cmx_3600"] = {"reel": reels[shot]}
    return edl


def _for_fcp(otio: Any, timeline: Any, rate: float) -> Any:
    """A copy FCP 7 XML can hold: every item timed at the sequence rate, every file ranged."""
    fcp = timeline.deepcopy()
    for track in fcp.tracks:
        for item in track:
            span = item.source_range
            item.source_range = otio.opentime.TimeRange(
                span.start_time.rescaled_to(rate), span.duration.rescaled_to(rate)
            )
            if not isinstance(item, otio.schema.Clip):
                continue
            ref = item.media_reference
            if ref.available_range is None:
                ref.available_range = item.source_range
            elif track.kind == otio.schema.TrackKind.Audio:
                whole = ref.available_range
                ref.available_range = otio.opentime.TimeRange(
                    whole.start_time.rescaled_to(rate), whole.duration.rescaled_to(rate)
                )
    return fcp
