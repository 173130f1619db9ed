"""A spoken line played a little faster, its pitch kept: ffmpeg's ``atempo`` filter (WSOLA),
for a dubbed line slightly longer than its slot in the shot."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

from studio.core.speech_timing import Mark, SpeechTiming
from studio.core.voicing import SAMPLE_RATE
from studio.media.audio import read_wav
from studio.media.episode_join import temp_beside
from studio.media.ffmpeg import run_ffmpeg

MAX_TEMPO = Fraction(2)  # one atempo stage goes to 2.0; a dub needing more is rewritten, not sped


def speed_up(src: Path, dst: Path, speed: Fraction) -> int:
    """``src`` played ``speed`` times as fast (1 < speed <= 2), written to ``dst`` as a 48 kHz
    mono 16-bit WAV (whole or not at all); its length in samples. MediaError from ffmpeg."""
    if not 1 <= speed <= MAX_TEMPO:
        raise ValueError(f"a speed-up must be from 1 to {MAX_TEMPO}x, not {float(speed):g}x")
    partial = temp_beside(dst, ".wav")
    try:
        run_ffmpeg(
            ["-loglevel", "error", "-i", str(src), "-filter:a", f"atempo={float(speed):.6f}",
             "-ar", str(SAMPLE_RATE), "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav", str(partial)],
            f"speed up {src.name}",
        )  # fmt: skip
        samples = len(read_wav(partial)[0])
        os.replace(partial, dst)
    finally:
        partial.unlink(missing_ok=True)
    return samples


def faster_timing(timing: SpeechTiming, speed: Fraction, samples: int) -> SpeechTiming:
    """``timing`` of a line played ``speed`` times as fast, ``samples`` long at 48 kHz."""
    if timing.sample_rate != SAMPLE_RATE:
        timing = timing.rescaled(SAMPLE_RATE)

    def scaled(marks: tuple[Mark, ...]) -> tuple[Mark, ...]:
        return tuple(
            Mark(min(samples, round(m.start / speed)), min(samples, round(m.end / speed)), m.text)
            for m in marks
        )

    return SpeechTiming(SAMPLE_RATE, samples, scaled(timing.words), scaled(timing.phonemes))
