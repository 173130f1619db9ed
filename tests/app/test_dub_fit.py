"""How translated lines fit the picture: slots laid out as the source lines are placed, spoken
lengths from dubbed clips or the language's speaking rate, the verdicts and re-timing."""

from __future__ import annotations

from fractions import Fraction

import pytest
from language_samples import SPANISH, clip, spanish_project

from studio.app.dub_fit import MAX_SPEED_UP, fit_report, line_slots, spoken_estimate
from studio.core.durations import speech_seconds
from studio.core.model import DialogueLine, Shot, ShotKind
from studio.core.translations import find_language


def test_slots_follow_the_placement_of_the_source_lines():
    shot = Shot("sh-1", ShotKind.DIALOGUE, "", 150)
    shot.dialogue = [DialogueLine("MAYA", "One. Two."), DialogueLine("MAYA", "Three four.")]
    seconds = Fraction(5)
    shot.voice = [clip(0, 1.0, 0.2), clip(1, 2.0, 1.45)]
    # the first line: from 0.2 s to the second's start less the 0.25 s gap; the last: to the
    # shot's end less the 0.4 s tail
    assert line_slots(shot, seconds) == [Fraction(1), Fraction(315, 100)]
    shot.voice = []  # not voiced: 5 - 0.2 - 0.4 - 0.25 s shared by the estimated lengths
    first, second = line_slots(shot, seconds)
    assert first + second == Fraction(415, 100)
    assert first / second == speech_seconds("One. Two.") / speech_seconds("Three four.")
    shot.dialogue[1].character = "ETHAN"  # dual dialogue: both start after the head
    assert line_slots(shot, seconds) == [Fraction(44, 10)] * 2


def test_fit_report_says_fits_speed_up_or_does_not_fit_and_proposes_a_retime():
    project, shots = spanish_project()
    for shot in shots:
        shot.duration_frames = 75  # 2.5 s at 30 fps: a slot of 2.5 - 0.2 - 0.4 = 1.9 s
    shots[2].duration_locked = True
    spanish = find_language(project, "es")
    spanish.lines[(shots[1].id, 0)].voice = clip(0, 2.1, name="es")  # 2.1 / 1.9 = 1.105
    report = fit_report(project, "es")
    (maya, ethan, roof) = report.lines
    assert maya.slot == Fraction(19, 10) and not maya.dubbed
    assert maya.spoken == spoken_estimate(SPANISH[0], "es") > Fraction(19, 10) * MAX_SPEED_UP
    assert maya.verdict == "does not fit"
    assert ethan.dubbed and ethan.spoken == Fraction(21, 10) and ethan.verdict == "speed-up"
    assert roof.verdict == "fits"
    first, second, third = report.shots
    need = project.fps.frames_ceil(Fraction(1, 5) + maya.spoken + Fraction(2, 5))
    assert first.longer == need - 75 > 0 and first.proposal == f"re-time: {need - 75} frames longer"
    assert second.proposal == "speed up (at most 1.15x), or re-time: 6 frames longer"  # 2.7 s
    assert third.proposal == ""
    shots[0].duration_locked = True
    assert fit_report(project, "es").shots[0].proposal.startswith("locked: ")
    record = report.to_json()
    assert record["counts"] == {"fits": 1, "speed-up": 1, "does not fit": 1, "not translated": 0}
    assert record["shots"][1]["lines"][0]["speed"] == pytest.approx(2.1 / 1.9, abs=1e-3)


def test_the_speaking_rate_depends_on_the_language():
    text = "Solo vengo a hacer una entrega"  # 25 letters
    assert spoken_estimate(text, "es") == Fraction(25) / Fraction("14.5")
    assert spoken_estimate(text, "en") > spoken_estimate(text, "es")
    assert spoken_estimate("你好。我是小明。", "zh-Hans") == Fraction(6) / Fraction(
        "4.5"
    ) + Fraction(1, 5)
    assert spoken_estimate("Habari yako rafiki", "sw") == Fraction(3) / Fraction(13, 5)  # words
