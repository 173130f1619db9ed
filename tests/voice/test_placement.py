"""Voiced lines placed in their shot; the shot's length follows the audio unless locked."""

from __future__ import annotations

from fractions import Fraction

from studio.core.model import DialogueLine, Shot, ShotKind
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE, VoiceClip
from studio.voice.placement import GAP_S, HEAD_S, TAIL_S, place_lines


def shot(*speakers: str, seconds: float = 1.0, locked: int = 0) -> Shot:
    lines = [DialogueLine(name, "Hi.") for name in speakers]
    clips = [
        VoiceClip(i, name, f"{i}.wav", f"{i}.json", 0, round(seconds * SAMPLE_RATE * (i + 1)))
        for i, name in reversed(list(enumerate(speakers)))
    ]
    return Shot("sh-1", ShotKind.DIALOGUE, "", locked or 10, dialogue=lines, voice=clips,
                duration_locked=bool(locked))  # fmt: skip


def test_one_speakers_lines_follow_each_other() -> None:
    s = shot("MAYA", "MAYA")
    assert place_lines(s, FrameRate(30)) == []
    head, gap = HEAD_S * SAMPLE_RATE, GAP_S * SAMPLE_RATE
    assert [c.line for c in s.voice] == [0, 1]
    assert s.voice[0].start == head and s.voice[1].start == head + SAMPLE_RATE + gap
    end = Fraction(s.voice[1].end, SAMPLE_RATE)
    assert s.duration_frames == FrameRate(30).frames_ceil(end + TAIL_S)


def test_dual_dialogue_starts_together() -> None:
    s = shot("MAYA", "ETHAN")
    place_lines(s, FrameRate.parse("24000/1001"))
    assert s.voice[0].start == s.voice[1].start == HEAD_S * SAMPLE_RATE
    fps = FrameRate.parse("24000/1001")
    assert s.duration_frames == fps.frames_ceil(Fraction(s.voice[1].end, SAMPLE_RATE) + TAIL_S)


def test_locked_duration_is_kept_and_a_cut_is_reported() -> None:
    s = shot("MAYA", seconds=3.0, locked=30)
    warnings = place_lines(s, FrameRate(30))
    assert s.duration_frames == 30
    assert warnings == [
        "shot sh-1: its dialogue runs 0:03.200 but its locked duration is 0:01.000; the end is cut"
    ]
    roomy = shot("MAYA", seconds=0.5, locked=60)
    assert place_lines(roomy, FrameRate(30)) == [] and roomy.duration_frames == 60


def test_clips_of_removed_lines_are_dropped() -> None:
    s = shot("MAYA", "MAYA")
    s.dialogue.pop()
    place_lines(s, FrameRate(30))
    assert [c.line for c in s.voice] == [0]
