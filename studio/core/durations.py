"""Estimated shot durations, before any audio exists.

Dialogue is timed from what is said: words for alphabetic scripts, characters for CJK (one
syllable each), at a brisk micro-drama pace, plus head and tail padding. Action and insert
shots get a fixed default. A user-set duration (``Shot.duration_locked``) is never re-estimated.
"""

from __future__ import annotations

import re
from fractions import Fraction

from studio.core.model import ShotKind
from studio.core.time import FrameRate

WORDS_PER_SECOND = Fraction(13, 5)  # 2.6 words/s = 156 wpm: quick, as micro-dramas are cut
CJK_PER_SECOND = Fraction(9, 2)  # 4.5 characters/s: fast conversational Mandarin
PAUSE_SECONDS = Fraction(1, 5)  # a beat at each sentence break inside a line
PADDING_SECONDS = Fraction(1, 2)  # head + tail around the speech
MIN_DIALOGUE_SECONDS = Fraction(6, 5)
DEFAULT_SECONDS = {ShotKind.ACTION: Fraction(5, 2), ShotKind.INSERT: Fraction(2)}

_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002ffff]"
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_BREAK = re.compile(r"[.!?;…。！？；]+(?=\s*\S)")


def speech_seconds(text: str) -> Fraction:
    """How long ``text`` takes to say, without padding."""
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    pauses = len(_BREAK.findall(text))
    return cjk / CJK_PER_SECOND + words / WORDS_PER_SECOND + pauses * PAUSE_SECONDS


def estimate_frames(
    kind: ShotKind, lines: list[str], fps: FrameRate, *, overlap: bool = False
) -> int:
    """Frames for a shot of ``kind`` speaking ``lines`` (spoken one after another, or at
    once when ``overlap`` — dual dialogue)."""
    if kind is not ShotKind.DIALOGUE:
        return fps.frames_ceil(DEFAULT_SECONDS[kind])
    spoken = [speech_seconds(line) for line in lines] or [Fraction(0)]
    talk = max(spoken) if overlap else sum(spoken)
    return fps.frames_ceil(max(talk + PADDING_SECONDS, MIN_DIALOGUE_SECONDS))
