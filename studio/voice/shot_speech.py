"""What is heard in one shot: its voiced lines with their timing, as mouth tracks and audio."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.core.request import SpokenLine
from studio.core.speech_timing import Mark, SpeechTiming
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE
from studio.engine.backends.base import BackendError
from studio.voice.visemes import MouthShape, mouth_track


@dataclass(frozen=True, slots=True)
class HeardLine:
    line: SpokenLine
    timing: SpeechTiming  # at 48 kHz, from the line's own start


def load_lines(project_dir: Path, lines: Sequence[SpokenLine]) -> list[HeardLine]:
    """Each line's timing read from its JSON; BackendError naming a missing or broken file."""
    heard = []
    for line in lines:
        path = project_dir / line.timing
        try:
            timing = SpeechTiming.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise BackendError(f"the voiced line's timing is missing: {line.timing}") from None
        except (OSError, ValueError) as exc:
            raise BackendError(f"cannot read the timing {line.timing}: {exc}") from None
        if timing.sample_rate != SAMPLE_RATE:
            timing = timing.rescaled(SAMPLE_RATE)
        heard.append(HeardLine(line, timing))
    return heard


def track_for(
    heard: Sequence[HeardLine], fps: FrameRate, frames: int, character: str | None = None
) -> list[MouthShape]:
    """The mouth of ``character`` (everyone's lines when None) over the shot's ``frames``."""
    phonemes = [
        Mark(mark.start + h.line.start, mark.end + h.line.start, mark.text)
        for h in heard
        if character is None or h.line.character == character
        for mark in h.timing.phonemes
    ]
    return mouth_track(phonemes, SAMPLE_RATE, fps, frames)


def shot_audio(
    project_dir: Path, heard: Sequence[HeardLine], fps: FrameRate, frames: int
) -> np.ndarray:
    """The shot's dialogue as one mono float32 track at 48 kHz, as long as the shot."""
    from studio.media.audio import read_wav
    from studio.media.ffmpeg import MediaError

    length = round(fps.seconds(frames) * SAMPLE_RATE)
    out = np.zeros(length, dtype=np.float32)
    for h in heard:
        try:
            samples, rate = read_wav(project_dir / h.line.media)
        except MediaError as exc:
            raise BackendError(f"cannot read the voiced line {h.line.media}: {exc}") from None
        if samples.ndim > 1:
            samples = samples.mean(axis=1)
        if rate != SAMPLE_RATE:
            from studio.media.audio import resample

            samples = resample(samples, rate, SAMPLE_RATE)
        start = h.line.start
        end = min(length, start + len(samples))
        if end > start:
            out[start:end] += samples[: end - start]
    return np.clip(out, -1.0, 1.0)
