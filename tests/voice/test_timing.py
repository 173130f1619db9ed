"""Word and phoneme timing: rescaling between sample rates, shifting, and checked loading."""

from __future__ import annotations

import pytest

from studio.core.jsonread import SchemaError
from studio.core.speech_timing import Mark, SpeechTiming

TIMING = SpeechTiming(
    22050, 44100, (Mark(0, 11025, "Hello"), Mark(11025, 44100, "there")),
    (Mark(0, 3000, "h"), Mark(3000, 11025, "ɛ")),
)  # fmt: skip


def test_rescale_to_48k_keeps_times_in_seconds() -> None:
    scaled = TIMING.rescaled(48000)
    assert scaled.samples == 96000
    assert scaled.words[0] == Mark(0, 24000, "Hello")
    for before, after in zip(TIMING.phonemes, scaled.phonemes, strict=True):
        assert abs(after.start / 48000 - before.start / 22050) <= 0.5 / 48000


def test_shift_moves_every_mark() -> None:
    moved = TIMING.shifted(100)
    assert [m.start for m in moved.words] == [100, 11125]
    assert moved.samples == TIMING.samples + 100


def test_json_round_trip() -> None:
    assert SpeechTiming.from_json(TIMING.to_json()) == TIMING


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ([[5, 2, "x"]], r"timing\.words\[0\]: start 5 and end 2 are out of order"),
        ([[0, 1]], r"timing\.words\[0\]: expected \[start, end, text\]"),
        ([[0, "1", "x"]], r"timing\.words\[0\]: expected \[start, end, text\]"),
    ],
)
def test_bad_marks_are_named(words: list, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        SpeechTiming.from_json({"sample_rate": 48000, "samples": 10, "words": words})
