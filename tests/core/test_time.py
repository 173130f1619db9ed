from fractions import Fraction

import pytest

from studio.core.time import FrameRate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30", FrameRate(30, 1)),
        (30, FrameRate(30, 1)),
        ("30/1", FrameRate(30, 1)),
        ("24000/1001", FrameRate(24000, 1001)),
        ("29.97", FrameRate(30000, 1001)),
        ("23.976", FrameRate(24000, 1001)),
        ("25.0", FrameRate(25, 1)),
        ("60/2", FrameRate(30, 1)),
    ],
)
def test_parse(text, expected):
    assert FrameRate.parse(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "0", "-24", "30/0", "1/-2"])
def test_parse_rejects_nonsense_with_a_clear_message(text):
    with pytest.raises(ValueError, match="frame rate"):
        FrameRate.parse(text)


def test_reduced_and_printed_as_ratio():
    rate = FrameRate(48000, 2002)
    assert (rate.num, rate.den) == (24000, 1001)
    assert str(rate) == "24000/1001"


def test_seconds_are_exact_fractions():
    ntsc = FrameRate(30000, 1001)
    assert ntsc.seconds(30000) == Fraction(1001)
    assert FrameRate(30).seconds(45) == Fraction(3, 2)


def test_frames_round_to_nearest_and_ceil_covers():
    fps = FrameRate(30)
    assert fps.frames(Fraction(1, 2)) == 15
    assert fps.frames(0.51) == 15
    assert fps.frames(Fraction(1, 60)) == 1  # half a frame rounds up
    assert fps.frames_ceil(Fraction(1, 100)) == 1
    assert fps.frames_ceil(2) == 60


def test_round_trip_frames_seconds_frames_is_identity_at_ntsc():
    fps = FrameRate(24000, 1001)
    for frames in (0, 1, 23, 24, 1001, 86_399):
        assert fps.frames(fps.seconds(frames)) == frames


def test_timecode_and_clock():
    fps = FrameRate(30)
    assert fps.timecode(0) == "00:00:00:00"
    assert fps.timecode(30 * 3661 + 7) == "01:01:01:07"
    assert FrameRate(30000, 1001).timecode(30) == "00:00:01:00"  # nominal 30 frames a second
    assert fps.clock(95) == "0:03.167"
    assert fps.clock(30 * 125) == "2:05.000"
