"""An episode exported as the vertical MP4 that ships, with its captions, cover and labels.

The steps (each reported as an :class:`ExportEvent`):

1. plan: each shot's take, the dialogue and the captions (:mod:`studio.media.export_plan`);
2. video: each shot encoded into a cached segment, or the cached one reused
   (:mod:`studio.media.segments`), with captions and the visible label burned in;
3. audio: the episode mixed, normalized two-pass to the preset's loudness and encoded as AAC
   (cached too, by the mix's content);
4. join: the segments joined by stream copy and muxed with the sound, with the AI-content
   metadata, ``+faststart``; then signed with C2PA when a key is given;
5. extras: the SRT/WebVTT sidecars, the cover image, the OpenTimelineIO file
   (:mod:`studio.media.episode_extras`).

Nothing appears at ``out`` until all of it is done: every file is written under a temporary
name and renamed at the end, and any failure (ffmpeg's, a full disk) removes what was written.
The project itself is only read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from studio.core.atomic import describe
from studio.core.model import Project
from studio.core.paths import resolve_inside
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE
from studio.media.c2pa_sign import SigningKey
from studio.media.caption_rules import caption_style
from studio.media.captions import Cue, has_cjk
from studio.media.episode_extras import write_extras
from studio.media.episode_join import join_episode, temp_beside
from studio.media.export_plan import EpisodePlan, ExportError, plan_episode
from studio.media.ffmpeg import MediaError
from studio.media.labels import Label, default_label
from studio.media.presets import PRESETS, ExportPreset
from studio.media.segments import SegmentSpec, encode_segment, segment_key
from studio.media.subtitles import ass_text, caption_font, caption_size

CACHE = "exports/.cache"  # in the project folder: segments and encoded sound, per episode+preset
ENCODERS = 2  # segments encoded at once: x264 leaves cores idle at each segment's start and end


@dataclass(frozen=True, slots=True)
class ExportOptions:
    preset: ExportPreset = PRESETS["shorts"]
    captions: str = ""  # burn | sidecar | both | none; "" = the preset's
    labels: bool = True  # the visible label and the AI-content metadata
    label_text: str = ""  # "" = the project's label, else "AI-generated" in its language
    label_intro: bool = True  # the large label over the first seconds (else the corner one)
    approved_only: bool = False
    cover: bool = True
    otio: bool = False
    signing: SigningKey | None = None  # sign with C2PA after the mux
    resources: Path | None = None  # the app's resources/ (shipped caption fonts)
    cache: str = ""  # the folder in exports/.cache; "" = episode-N-<preset>
    prune: bool = True  # remove the cache's files this export did not use (False: the caller
    #                     prunes, as one interactive package of many exports does)


@dataclass(frozen=True, slots=True)
class ExportEvent:
    """Progress: ``done`` of ``total`` units (frames for video, else steps) of ``stage``."""

    episode: int
    stage: str  # plan | video | audio | join | extras | done
    done: int
    total: int
    message: str = ""


@dataclass
class ExportResult:
    episode: int
    files: dict[str, Path] = field(default_factory=dict)  # video, srt, vtt, cover, otio
    warnings: list[str] = field(default_factory=list)
    segments_encoded: int = 0
    segments_reused: int = 0
    frames: int = 0
    fps: str = ""
    loudness: float | None = None  # the mix's loudness before normalizing (LUFS); None if cached
    plan: EpisodePlan | None = field(default=None, repr=False)  # what was exported
    cached: set[str] = field(default_factory=set)  # the cache files it used (names)


def default_output(root: Path, project: Project, number: int, preset: ExportPreset) -> Path:
    """``exports/<title>-ep01.mp4`` in the project (``-<preset>`` added but for shorts)."""
    slug = re.sub(r"[^\w-]+", "-", project.title)[:80].strip("-") or "episode"
    suffix = "" if preset.name == "shorts" else f"-{preset.name}"
    return inside_project(root, f"exports/{slug}-ep{number:02d}{suffix}.mp4")


def inside_project(root: Path, rel: str) -> Path:
    """``root / rel``, or ExportError when it leads outside the project (a linked folder)."""
    try:
        return resolve_inside(root, rel)
    except ValueError as exc:
        raise ExportError(f"cannot write there: {exc}") from None


def export_episode(
    root: Path,
    project: Project,
    number: int,
    out: Path | None = None,
    options: ExportOptions = ExportOptions(),
    on_event: Callable[[ExportEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> ExportResult:
    """Export episode ``number`` of the project in ``root`` to ``out`` (default
    :func:`default_output`). ExportError or MediaError, with nothing left behind, on failure."""
    preset = options.preset
    out = (out or default_output(root, project, number, preset)).resolve()
    if out.suffix.lower() != ".mp4":
        raise ExportError(f"the output must be an .mp4 file, not {out.name}")
    emit = on_event or (lambda event: None)
    emit(ExportEvent(number, "plan", 0, 1))
    style = caption_style(project.language, portrait=preset.height >= preset.width)
    plan = plan_episode(root, project, number, approved_only=options.approved_only, style=style)
    result = ExportResult(number, warnings=list(plan.warnings), plan=plan)
    captions = options.captions or preset.captions
    rate = preset.rate(project.fps)
    bounds = _output_bounds(plan, rate)
    result.frames, result.fps = bounds[-1], str(rate)
    cache = inside_project(root, f"{CACHE}/{options.cache or f'episode-{number}-{preset.name}'}")
    written: list[Path] = []  # finished temporary files, renamed at the end
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        cache.mkdir(parents=True, exist_ok=True)
        emit(ExportEvent(number, "plan", 1, 1, f"{len(plan.cuts)} shots"))
        burn = captions in ("burn", "both") and bool(plan.cues)
        label = _label(plan, project, options, rate, bounds[-1], preset)
        fonts = _fonts(plan, burn, label, options.resources, result)
        if label is not None:
            label = dataclasses.replace(label, language=fonts.language, font=fonts.family)
        with ThreadPoolExecutor(1, thread_name_prefix="sound") as background:
            # the sound is mixed and normalized (mostly one core) while the shots encode
            mixing = background.submit(_sound, root, project, plan, preset,
                                       rate.seconds(bounds[-1]), cache, result)  # fmt: skip
            keys = _video(plan, preset, rate, bounds, burn, label, fonts, cache, result, emit,
                          cancel)  # fmt: skip
            _check(cancel)
            emit(ExportEvent(number, "audio", 0, 1, "mixing and normalizing the sound"))
            sound, sound_key = mixing.result()
        emit(ExportEvent(number, "audio", 1, 1))
        _check(cancel)
        content_id = hashlib.sha256("".join([*keys, sound_key]).encode()).hexdigest()[:32]
        emit(ExportEvent(number, "join", 0, 1))
        video = join_episode(
            plan, rate, keys, cache, sound, out, project, label, content_id, options.signing
        )
        written.append(video)
        emit(ExportEvent(number, "join", 1, 1))
        _check(cancel)
        emit(ExportEvent(number, "extras", 0, 1, "captions, cover, timeline"))
        extras = write_extras(plan, project, video, out, rate, captions=captions,
                              cover=options.cover, otio=options.otio,
                              warnings=result.warnings)  # fmt: skip
        written += extras.values()
        _publish(written, video, out, extras, result)
        written = []
        result.cached = {f"{k}.mp4" for k in keys} | {f"{sound_key}.m4a"}
        if options.prune:
            prune_cache(cache, result.cached)
    except OSError as exc:
        raise ExportError(f"cannot write the export of episode {number}: {describe(exc)}") from None
    finally:
        for path in written:
            path.unlink(missing_ok=True)
    emit(ExportEvent(number, "done", 1, 1, str(out)))
    return result


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise ExportError("export cancelled")


def _output_bounds(plan: EpisodePlan, rate: FrameRate) -> list[int]:
    """Where each shot starts at the delivery rate, then the end: shot durations kept within
    half a frame, their sum exact."""
    starts = [cut.start for cut in plan.cuts] + [plan.frames]
    bounds = [round(plan.fps.seconds(s) * rate.fraction) for s in starts]
    if any(b >= c for b, c in itertools.pairwise(bounds)):
        raise ExportError(f"a shot of episode {plan.number} is shorter than a frame at {rate} fps")
    return bounds


def _label(
    plan: EpisodePlan,
    project: Project,
    options: ExportOptions,
    rate: FrameRate,
    frames: int,
    preset: ExportPreset,
) -> Label | None:
    if not options.labels:
        return None
    text = options.label_text or project.label or default_label(plan.language or "en")
    return Label(text, preset.width, preset.height, rate.seconds(frames), intro=options.label_intro)


@dataclass(frozen=True, slots=True)
class _Fonts:
    """What libass draws the captions and the label with."""

    language: str  # the dialogue's, else guessed from the text drawn
    family: str  # "" = the default family for the language
    folder: Path | None  # shipped fonts handed to libass


def _fonts(
    plan: EpisodePlan, burn: bool, label: Label | None, resources: Path | None,
    result: ExportResult,
) -> _Fonts:  # fmt: skip
    drawn = [" ".join(c.lines) for c in plan.cues] if burn else []
    cjk = any(has_cjk(text) for text in [*drawn, label.text if label else ""])
    language = plan.language or ("zh" if cjk else "en")
    family, folder = caption_font(language, resources)
    if cjk and not family:
        result.warnings.append(
            "no CJK font found for the captions and label: they may show as boxes; put one in "
            "resources/fonts or install Noto Sans CJK"
        )
    return _Fonts(language, family, folder)


def _video(
    plan: EpisodePlan,
    preset: ExportPreset,
    rate: FrameRate,
    bounds: list[int],
    burn: bool,
    label: Label | None,
    fonts: _Fonts,
    cache: Path,
    result: ExportResult,
    emit: Callable[[ExportEvent], None],
    cancel: threading.Event | None,
) -> list[str]:
    """Each shot's segment in the cache (encoded unless already there); their keys."""
    size = caption_size(plan.cues, preset.width, preset.height, boxed=preset.boxed_captions)
    keys: list[str] = []
    todo: dict[int, SegmentSpec] = {}
    total = bounds[-1]
    emit(ExportEvent(plan.number, "video", 0, total, "encoding shots"))
    for k, cut in enumerate(plan.cuts):
        start, end = rate.seconds(bounds[k]), rate.seconds(bounds[k + 1])
        cues = [_shifted(c, start, end) for c in cut.cues] if burn else []
        layers = [label.layer(start, end)] if label is not None else []
        script = ""
        if cues or layers:
            script = ass_text(
                [c for c in cues if c is not None], width=preset.width, height=preset.height,
                font=fonts.family, boxed=preset.boxed_captions, language=fonts.language,
                font_size=size,
                layers=layers,
            )  # fmt: skip
        spec = SegmentSpec(
            cut.media, bounds[k + 1] - bounds[k], rate, cut.focus, preset, script, fonts.folder
        )
        keys.append(segment_key(spec))
        if not (cache / f"{keys[-1]}.mp4").is_file():
            todo[k] = spec
    result.segments_reused = len(keys) - len(todo)
    done = total - sum(spec.frames for spec in todo.values())
    emit(ExportEvent(plan.number, "video", done, total, f"{result.segments_reused} shots cached"))
    with ThreadPoolExecutor(ENCODERS, thread_name_prefix="segment") as pool:
        running = {
            pool.submit(encode_segment, spec, cache / f"{keys[k]}.mp4"): k
            for k, spec in todo.items()
        }
        try:
            for future in as_completed(running):
                future.result()
                k = running[future]
                result.segments_encoded += 1
                done += todo[k].frames
                emit(ExportEvent(plan.number, "video", done, total, f"shot {plan.cuts[k].shot_id}"))
                _check(cancel)
        except BaseException:
            for future in running:
                future.cancel()
            raise
    return keys


def _shifted(cue: Cue, start: Fraction, end: Fraction) -> Cue | None:
    """``cue`` timed from ``start`` and cut at ``end`` (None if nothing of it is left)."""
    a, b = max(cue.start, start), min(cue.end, end)
    return Cue(a - start, b - start, cue.lines, cue.speaker) if b > a else None


def _sound(
    root: Path,
    project: Project,
    plan: EpisodePlan,
    preset: ExportPreset,
    seconds: Fraction,
    cache: Path,
    result: ExportResult,
) -> tuple[Path, str]:
    """The episode's sound mixed, normalized and encoded (cached by content); (file, key)."""
    from studio.core.store import StoreError
    from studio.media.audio import write_wav
    from studio.media.episode_mix import episode_mixdown
    from studio.media.loudness import LoudnessTarget, encode_normalized

    episode = project.episode(plan.number)
    try:
        audio, warnings = episode_mixdown(root, project.fps, episode)
    except StoreError as exc:
        raise ExportError(str(exc)) from None
    result.warnings += warnings
    target = LoudnessTarget(preset.loudness, preset.true_peak)
    digest = hashlib.sha256(audio.tobytes())
    digest.update(repr((target, preset.audio_bitrate, str(seconds), SAMPLE_RATE)).encode())
    key = digest.hexdigest()[:32]
    encoded = cache / f"{key}.m4a"
    if encoded.is_file():
        return encoded, key
    wav = temp_beside(cache / "mix.wav", ".wav")
    try:
        write_wav(wav, audio, SAMPLE_RATE)
        measured = encode_normalized(
            wav, encoded, seconds, target=target, bitrate=f"{preset.audio_bitrate}k"
        )
        result.loudness = measured.integrated
    except MediaError as exc:
        reason = str(exc).replace(wav.name, "the mix").replace(encoded.name, "the sound")
        raise ExportError(f"episode {plan.number}: cannot encode the sound: {reason}") from None
    finally:
        wav.unlink(missing_ok=True)
    return encoded, key


def _publish(
    written: list[Path], video: Path, out: Path, extras: dict[str, Path], result: ExportResult
) -> None:
    """Rename the finished files into place: the extras first, the MP4 last."""
    names = {"srt": ".srt", "vtt": ".vtt", "cover": "-cover.jpg", "otio": ".otio"}
    placed: list[Path] = []
    try:
        for kind, temp in extras.items():
            final = out.with_suffix(names[kind]) if names[kind].startswith(".") else (
                out.with_name(out.stem + names[kind])
            )  # fmt: skip
            os.replace(temp, final)
            placed.append(final)
            result.files[kind] = final
        os.replace(video, out)
    except OSError:
        for path in placed:
            with contextlib.suppress(OSError):
                path.unlink()
        result.files.clear()
        raise
    result.files = {"video": out, **result.files}


def prune_cache(cache: Path, keep: set[str]) -> None:
    """Remove cached files this export did not use (older versions of its shots)."""
    for path in cache.iterdir():
        if path.name not in keep and not path.name.startswith("."):
            with contextlib.suppress(OSError):
                path.unlink()
