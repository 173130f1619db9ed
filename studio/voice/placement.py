"""Where a shot's voiced lines sit, and how long the shot becomes.

Lines of one speaker follow each other with a short gap; the two sides of dual dialogue (lines
of different characters in one shot) start together. The shot lasts from a short head before
the first word to a tail after the last, unless the user locked its duration.
"""

from __future__ import annotations

from fractions import Fraction

from studio.core.model import Shot
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE

HEAD_S = Fraction(1, 5)  # before the first line
GAP_S = Fraction(1, 4)  # between one speaker's lines
TAIL_S = Fraction(2, 5)  # after the last line: room to cut on


def place_lines(shot: Shot, fps: FrameRate) -> list[str]:
    """Set each clip's ``start`` and, unless locked, the shot's duration from its audio.
    Clips of lines the script no longer has are dropped. Returns warnings (a locked shot too
    short for its lines)."""
    shot.voice = sorted(
        (c for c in shot.voice if c.line < len(shot.dialogue)), key=lambda c: c.line
    )
    if not shot.voice:
        return []
    head, gap = round(HEAD_S * SAMPLE_RATE), round(GAP_S * SAMPLE_RATE)
    dual = len({line.character for line in shot.dialogue}) > 1
    position = head
    for clip in shot.voice:
        clip.start = head if dual else position
        position = clip.end + gap
    end = max(clip.end for clip in shot.voice)
    needed = fps.frames_ceil(Fraction(end, SAMPLE_RATE) + TAIL_S)
    if not shot.duration_locked:
        shot.duration_frames = needed
        return []
    heard = fps.frames_ceil(Fraction(end, SAMPLE_RATE))
    if heard > shot.duration_frames:
        return [
            f"shot {shot.id}: its dialogue runs {fps.clock(heard)} but its locked duration is "
            f"{fps.clock(shot.duration_frames)}; the end is cut"
        ]
    return []
