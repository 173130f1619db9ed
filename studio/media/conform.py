"""Frame-rate conform: a take made at 16, 24 or 25 fps shown at the project's rate.

Each output frame shows the source frame on screen at that moment (frames repeat or drop, none
are blended), so the picture keeps its timing; a source shorter than the shot holds its last
frame. Mouth shapes are computed at the output rate from the audio, so they never drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction

import numpy as np

from studio.core.time import FrameRate


def source_index(index: int, source: FrameRate, target: FrameRate, source_frames: int) -> int:
    """Which source frame is on screen at output frame ``index``."""
    t = Fraction(index) / target.fraction + Fraction(1, 2) / target.fraction  # frame centre
    return min(int(t * source.fraction), max(source_frames - 1, 0))


def conformed(
    frames: Iterable[np.ndarray],
    source: FrameRate,
    target: FrameRate,
    source_frames: int,
    count: int,
) -> Iterator[np.ndarray]:
    """``count`` frames at ``target`` from ``frames`` (``source_frames`` of them) at ``source``;
    the source is read once, in order."""
    it = iter(frames)
    current: np.ndarray | None = None
    position = -1
    for i in range(count):
        wanted = source_index(i, source, target, source_frames)
        while position < wanted:
            nxt = next(it, None)
            if nxt is None:
                break
            current, position = nxt, position + 1
        if current is None:
            return
        yield current
