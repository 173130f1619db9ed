"""The built-in lip-sync (CPU, no weights): mouths moved by visemes from the phoneme timing.

An animatic take is drawn again with each character's mouth set per frame from their own lines.
Generated footage is conformed to the project's rate, the face and mouth are found and tracked,
and the mouth region is warped per frame, opened as far as the voice is loud at that frame and
closed where nothing is heard (:mod:`studio.voice.loudness_gate`); when no face is found the run
fails with that reason and the source take is left as it was. The new take carries the shot's
dialogue as its sound.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from studio.core.kinds import Backend
from studio.core.request import GenerationRequest, LipSyncRequest
from studio.core.result import Rendered, Timings
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE
from studio.engine.backends.base import BackendError, Cancelled, RunContext
from studio.media.conform import conformed
from studio.media.ffmpeg import MediaError, VideoWriter, probe, read_frames
from studio.voice.face import MouthBox
from studio.voice.shot_speech import HeardLine, load_lines, shot_audio, track_for

PRESET = "veryfast"
REPORTS = 5  # progress messages per take
TRACK_EDGE = 480  # faces are looked for on frames scaled to this longest side


class VisemeBackend:
    name = Backend.VISEME

    def run(self, request: LipSyncRequest, ctx: RunContext) -> Rendered:
        fps = checked_rate(request, "the viseme lip-sync")
        heard = load_lines(ctx.project_dir, request.lines)
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="lipsync-") as tmp:
            sound = Path(tmp) / "dialogue.wav"
            audio = _write_sound(ctx.project_dir, heard, fps, request.frames, sound)
            source = request.source_request
            if isinstance(source, GenerationRequest) and source.backend is Backend.ANIMATIC:
                size, seconds = _redraw_animatic(request, heard, fps, sound, ctx)
            else:
                size, seconds = _warp_footage(request, heard, fps, (sound, audio), ctx)
        elapsed = time.perf_counter() - start
        timings = Timings(decode=max(0.0, elapsed - seconds), encode=seconds)
        return Rendered(size[0], size[1], request.frames, str(fps), timings)


def checked_rate(request: LipSyncRequest, who: str) -> FrameRate:
    """The frame rate of a lip-sync request; BackendError if the request cannot be run."""
    if not isinstance(request, LipSyncRequest):
        raise BackendError(f"{who} takes lip-sync requests, not {request.kind} requests")
    if request.frames < 1:
        raise BackendError(f"a take needs at least one frame, got {request.frames}")
    try:
        return FrameRate.parse(request.fps)
    except ValueError as exc:
        raise BackendError(str(exc)) from None


def _write_sound(
    root: Path, heard: list[HeardLine], fps: FrameRate, frames: int, path: Path
) -> np.ndarray:
    """Write the shot's dialogue to ``path``; its samples (mono, 48 kHz, as long as the shot)."""
    from studio.media.audio import write_wav

    audio = shot_audio(root, heard, fps, frames)
    write_wav(path, audio)
    return audio


def _reports(total: int) -> set[int]:
    return {max(1, round(total * k / REPORTS)) for k in range(1, REPORTS + 1)}


def _redraw_animatic(
    request: LipSyncRequest, heard: list[HeardLine], fps: FrameRate, sound: Path, ctx: RunContext
) -> tuple[tuple[int, int], float]:
    from studio.engine.backends.animatic import Panel

    if not isinstance(request.source_request, GenerationRequest):
        raise BackendError("the source take was not drawn by the animatic")
    source = replace(request.source_request, frames=request.frames, fps=str(fps))
    panel = Panel(source)
    names = [fig.name for fig in panel.figures]
    tracks = {name: track_for(heard, fps, request.frames, name) for name in names}
    w, h = source.width, source.height

    def frames() -> Iterator[np.ndarray]:
        for i in range(request.frames):
            panel.set_mouths({name: tracks[name][i].open for name in names})
            yield panel.frame(i)

    return (w, h), write_take(frames(), (w, h), fps, request.frames, sound, ctx)


@dataclass(frozen=True)
class Footage:
    """A video take conformed to the shot: its size, its frames (read again on each call) and
    the mouth tracked in each."""

    width: int
    height: int
    frames: Callable[[], Iterator[np.ndarray]]
    boxes: list[MouthBox]


def footage(request: LipSyncRequest, fps: FrameRate, ctx: RunContext) -> Footage:
    """The source take at ``fps`` and ``request.frames`` long, with its mouth found; BackendError
    when it cannot be read or shows no face."""
    from studio.voice.face import NoFaceFound, track_mouths

    source = ctx.project_dir / request.source_media
    try:
        info = probe(source)
    except MediaError as exc:
        raise BackendError(f"cannot read the source take: {exc}") from None
    src_fps = FrameRate.parse(info.fps) if info.fps != "0/1" else fps

    def frames() -> Iterator[np.ndarray]:
        return conformed(read_frames(source), src_fps, fps, info.frames, request.frames)

    scale = min(1.0, TRACK_EDGE / max(info.width, info.height))
    small = [_shrink(f, scale) for f in frames()]
    try:
        boxes = [_scaled(b, 1 / scale) for b in track_mouths(small, models_dir=ctx.models_dir)]
    except NoFaceFound as exc:
        raise BackendError(f"no lip-sync: {exc}; the take is left unchanged") from None
    return Footage(info.width, info.height, frames, boxes)


def write_take(
    frames: Iterable[np.ndarray],
    size: tuple[int, int],
    fps: FrameRate,
    total: int,
    sound: Path,
    ctx: RunContext,
) -> float:
    """Encode the lip-synced take with the shot's dialogue; the seconds spent in ffmpeg."""
    reports = _reports(total)
    try:
        with VideoWriter(ctx.output, *size, str(fps), preset=PRESET, audio=sound) as writer:
            for i, frame in enumerate(frames):
                if i % 8 == 0 and ctx.cancelled():
                    raise Cancelled()
                writer.write(frame)
                if i + 1 in reports:
                    ctx.progress(i + 1, total, None)
    except MediaError as exc:
        raise BackendError(f"could not write the lip-synced take: {exc}") from exc
    return writer.seconds


def _warp_footage(
    request: LipSyncRequest,
    heard: list[HeardLine],
    fps: FrameRate,
    sound: tuple[Path, np.ndarray],
    ctx: RunContext,
) -> tuple[tuple[int, int], float]:
    """Each frame's mouth drawn from the phonemes heard at that frame, opened as far as the
    voice is loud there (``sound``: the dialogue's file and its samples, placed in the shot)."""
    from studio.voice.loudness_gate import frame_loudness, gated, loudness_gate
    from studio.voice.mouth_warp import apply_mouth

    path, audio = sound
    shot = footage(request, fps, ctx)
    loudness = frame_loudness(audio, SAMPLE_RATE, fps, request.frames)
    track = gated(track_for(heard, fps, request.frames), loudness_gate(loudness))
    warped = (
        apply_mouth(frame, shot.boxes[min(i, len(shot.boxes) - 1)], track[i])
        for i, frame in enumerate(shot.frames())
    )
    size = (shot.width, shot.height)
    return size, write_take(warped, size, fps, request.frames, path, ctx)


def _scaled(box: MouthBox, k: float) -> MouthBox:
    x, y, w, h = box.face
    face = (round(x * k), round(y * k), round(w * k), round(h * k))
    return MouthBox(box.cx * k, box.cy * k, box.width * k, box.height * k, face)


def _shrink(frame: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return frame
    import cv2

    h, w = frame.shape[:2]
    return cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
