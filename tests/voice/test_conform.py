"""Frame-rate conform: 16, 24 and 25 fps takes shown at the project's rate keep their timing."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from studio.core.time import FrameRate
from studio.media.conform import conformed, source_index


@pytest.mark.parametrize("source", ["16/1", "24/1", "25/1", "24000/1001", "30/1"])
def test_each_output_frame_shows_the_source_frame_on_screen_then(source: str) -> None:
    src, dst = FrameRate.parse(source), FrameRate(30)
    n = src.frames_ceil(5)
    out = [int(f[0, 0, 0]) + 256 * int(f[0, 0, 1]) for f in conformed(
        (np.full((2, 2, 3), (i % 256, i // 256, 0), np.uint8) for i in range(n)), src, dst, n, 150
    )]  # fmt: skip
    assert len(out) == 150
    for i, shown in enumerate(out):
        t = (Fraction(i) + Fraction(1, 2)) / dst.fraction
        assert src.seconds(shown) <= t < src.seconds(shown + 1)  # never drifts, even at 5 s


def test_a_short_source_holds_its_last_frame() -> None:
    frames = [np.full((2, 2, 3), i, np.uint8) for i in range(10)]
    out = list(conformed(iter(frames), FrameRate(25), FrameRate(30), 10, 30))
    assert len(out) == 30 and all(int(f[0, 0, 0]) == 9 for f in out[12:])
    assert source_index(29, FrameRate(25), FrameRate(30), 10) == 9
