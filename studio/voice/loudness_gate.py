"""How loud the voice is in each frame, and mouths that open with it.

The phoneme timing says which shape the mouth takes; the sound itself says how far. Each frame's
shape is scaled by a gate read from the shot's dialogue audio at that frame: closed where nothing
is heard (the shot's head and tail, pauses, the stretches a voice engine marks as a phoneme but
leaves silent), fuller as the voice gets louder, the whole shape at speaking level. Loudness is
measured against the line's own speaking level, so a quiet line moves its mouth as much as a loud
one. The gate only ever scales a shape towards rest: a mouth the phonemes keep shut stays shut.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.core.time import FrameRate
from studio.voice.visemes import MouthShape

SILENT_DB = -28.0  # below the speaking level: the mouth is at rest
FULL_DB = -8.0  # from here up the phonemes' shape is drawn whole
LEVEL_PERCENTILE = 90  # the speaking level: this percentile of the frames that are heard
HEARD_DB = -40.0  # frames this far below the loudest count towards the speaking level


def frame_loudness(audio: np.ndarray, sample_rate: int, fps: FrameRate, frames: int) -> np.ndarray:
    """The RMS of ``audio`` (mono, from the shot's first sample) over each of ``frames`` frames
    at ``fps``; 0 past the end of the audio."""
    out = np.zeros(frames, dtype=np.float64)
    samples = np.asarray(audio, dtype=np.float64)
    for i in range(frames):
        a = round(fps.seconds(i) * sample_rate)
        b = min(len(samples), round(fps.seconds(i + 1) * sample_rate))
        if b > a:
            out[i] = np.sqrt(np.mean(samples[a:b] ** 2))
    return out


def loudness_gate(loudness: np.ndarray) -> np.ndarray:
    """Per frame 0 … 1: how much of the phonemes' mouth shape to draw at that loudness."""
    loudness = np.asarray(loudness, dtype=np.float64)
    peak = float(loudness.max(initial=0.0))
    if peak <= 0.0:
        return np.zeros_like(loudness)
    heard = loudness[loudness >= peak * 10 ** (HEARD_DB / 20)]
    level = float(np.percentile(heard, LEVEL_PERCENTILE))
    db = 20 * np.log10(np.maximum(loudness, 1e-12) / level)
    t = np.clip((db - SILENT_DB) / (FULL_DB - SILENT_DB), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def gated(track: Sequence[MouthShape], gate: np.ndarray) -> list[MouthShape]:
    """``track`` with each frame's shape scaled towards rest by its gate."""
    if len(gate) != len(track):
        raise ValueError(f"{len(track)} mouth shapes but a gate for {len(gate)} frames")
    rest = MouthShape()
    return [
        shape if g >= 1.0 else rest.mix(shape, float(g))
        for shape, g in zip(track, gate, strict=True)
    ]
