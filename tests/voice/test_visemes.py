"""Phonemes to visemes and the per-frame mouth track: closures land on the frame they sound."""

from __future__ import annotations

import pytest

from studio.core.speech_timing import Mark
from studio.core.time import FrameRate
from studio.voice.visemes import SHAPES, Viseme, mouth_track, openness, viseme_of


@pytest.mark.parametrize(
    ("phoneme", "viseme"),
    [
        ("m", Viseme.CLOSED), ("ˈb", Viseme.CLOSED), ("ɑː", Viseme.OPEN), ("ˈaɪ", Viseme.OPEN),
        ("uː", Viseme.ROUND), ("oʊ", Viseme.ROUND), ("iː", Viseme.WIDE), ("s", Viseme.WIDE),
        ("f", Viseme.FV), ("ə", Viseme.MID), ("", Viseme.REST), ("_", Viseme.REST),
        ("a5", Viseme.OPEN), ("ts.h", Viseme.WIDE),
    ],
)  # fmt: skip
def test_viseme_of(phoneme: str, viseme: Viseme) -> None:
    assert viseme_of(phoneme) is viseme


def marks(spec: list[tuple[float, float, str]], rate: int = 48000) -> list[Mark]:
    return [Mark(round(a * rate), round(b * rate), t) for a, b, t in spec]


def test_closures_and_silence_land_within_a_frame_at_any_rate() -> None:
    # "ma ma" with a pause: open vowels, closed lips, silence, at 24000/1001 and 30 fps.
    spec = [(0.10, 0.20, "m"), (0.20, 0.50, "ɑ"), (0.50, 0.60, "m"), (0.60, 0.90, "ɑ")]
    for fps in (FrameRate(30), FrameRate.parse("24000/1001"), FrameRate(25)):
        frames = fps.frames_ceil(1.2)
        track = openness(mouth_track(marks(spec), 48000, fps, frames))
        period = 1 / float(fps)
        for i, value in enumerate(track):
            t = (i + 0.5) * period
            if 0.2 + period < t < 0.5 - period or 0.6 + period < t < 0.9 - period:
                assert value > 0.6, (fps, i)
            if 0.1 <= t < 0.2 or 0.5 <= t < 0.6 or t >= 0.9 or t < 0.1:
                assert value == 0.0, (fps, i)


def test_offset_moves_the_track_by_whole_frames() -> None:
    spec = marks([(0.0, 0.3, "a")])
    plain = openness(mouth_track(spec, 48000, FrameRate(30), 30, offset=1600))  # 1 frame
    later = openness(mouth_track(spec, 48000, FrameRate(30), 30, offset=6400))  # 3 more
    assert later[3:] == plain[:-3] and later[:4] == [0.0] * 4 and plain[1] > 0.5


def test_neighbours_blend_but_keep_their_order() -> None:
    spec = marks([(0.0, 1 / 30, "i"), (1 / 30, 2 / 30, "ɑ"), (2 / 30, 3 / 30, "i")])
    track = mouth_track(spec, 48000, FrameRate(30), 3)
    assert SHAPES[Viseme.WIDE].open < track[1].open < SHAPES[Viseme.OPEN].open
