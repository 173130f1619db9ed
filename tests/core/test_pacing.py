"""Pacing analysis on scripts made to pass and to fail each check."""

from __future__ import annotations

from fractions import Fraction

import pytest

from studio.core.model import Project, Shot
from studio.core.pacing import EpisodePacing, episode_pacing, is_question
from studio.core.pacing_beats import place_beats, read_markers
from studio.core.pacing_preset import PacingPreset
from studio.core.script.importer import apply_script
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE, VoiceClip

FPS = FrameRate(30)


def build(script: str, seconds: list[float] | None = None) -> Project:
    """A project broken down from ``script``; ``seconds`` sets each shot's length in order."""
    project = Project(title="t", fps=FPS)
    apply_script(project, script)
    if seconds is not None:
        shots = list(project.shots())
        assert len(shots) == len(seconds), [s.description for s in shots]
        for shot, length in zip(shots, seconds, strict=True):
            shot.duration_frames = FPS.frames(Fraction(length))
    return project


def analyse(project: Project, script: str, episode: int = 1, **preset: object) -> EpisodePacing:
    beats = place_beats(project, script)
    return episode_pacing(
        project.episode(episode), FPS, beats.get(episode, []), PacingPreset(**preset)
    )


def voice(shot: Shot, line: int, start_s: float, length_s: float) -> None:
    shot.voice.append(
        VoiceClip(line, shot.dialogue[line].character, f"voice/{shot.id}.wav",
                  f"voice/{shot.id}.json", round(start_s * SAMPLE_RATE),
                  round(length_s * SAMPLE_RATE))
    )  # fmt: skip


# --- hook ---------------------------------------------------------------------------------

DIALOGUE_OPEN = """INT. ROOM - DAY

LIN
You came back.
"""

SLOW_OPEN = """INT. ROOM - DAY

The city wakes slowly under grey light.

LIN
You came back.
"""


def test_dialogue_in_the_first_second_passes_the_hook():
    project = build(DIALOGUE_OPEN, [2])
    voice(next(project.shots()), 0, 0.5, 1.0)
    result = analyse(project, DIALOGUE_OPEN)
    assert result.hook == Fraction(1, 2)
    assert result.hook_source == "dialogue"
    assert not result.hook_flag


def test_a_slow_establishing_shot_fails_the_hook():
    project = build(SLOW_OPEN, [5, 2])
    result = analyse(project, SLOW_OPEN)
    assert result.hook == 5 + Fraction(1, 5)  # the unvoiced line starts after the 0.2 s head
    assert result.hook_flag
    assert any(flag.startswith("hook at 5.2 s") for flag in result.flags())
    assert not analyse(project, SLOW_OPEN, hook_max_seconds=6).hook_flag


def test_a_marked_beat_in_the_first_shot_is_the_hook():
    script = SLOW_OPEN.replace("light.", "light. [[beat: slap]]")
    result = analyse(build(script, [5, 2]), script)
    assert (result.hook, result.hook_source, result.hook_flag) == (0, "beat: slap", False)


def test_no_dialogue_and_no_beat_is_no_hook():
    script = "INT. ROOM - DAY\n\nRain.\n"
    result = analyse(build(script, [2]), script)
    assert result.hook is None and result.hook_flag
    assert "no hook" in result.flags()[0]


# --- turns --------------------------------------------------------------------------------

TWO_STILL_SHOTS = """INT. ROOM - DAY

Lin waits by the window.

Lin keeps waiting by the window.
"""


def test_forty_seconds_without_a_turn_is_flagged():
    result = analyse(build(TWO_STILL_SHOTS, [20, 20]), TWO_STILL_SHOTS)
    assert result.turns == []
    assert result.longest_gap is not None and result.longest_gap.seconds == 40
    assert [(g.start, g.end) for g in result.long_gaps] == [(0, 40)]


@pytest.mark.parametrize(
    "turn",
    [
        "[[beat: reveal]]",  # a marked reveal between the shots
        "EXT. STREET - DAY",  # a new scene
        "MAYA enters, soaked.",  # a new character (a speaker elsewhere in the script)
        "LIN\nWho sent you?",  # a question line
    ],
)
def test_a_turn_halfway_breaks_the_stretch(turn):
    script = TWO_STILL_SHOTS.replace("\nLin keeps", f"\n{turn}\n\nLin keeps")
    if "MAYA" in turn:
        script += "\nMAYA\nHello.\n"
    project = build(script)
    lengths = {"Lin waits": 20, "Lin keeps": 20}
    for shot in project.shots():
        shot.duration_frames = FPS.frames(lengths.get(shot.description[:9], 2))
    result = analyse(project, script)
    assert result.turns, script
    assert result.longest_gap is not None and result.longest_gap.seconds < 30  # 40 without
    assert result.long_gaps == []


def test_question_marks_after_closers_and_in_chinese():
    assert is_question('"Who are you?"')
    assert is_question("What?!")
    assert is_question("你是谁？」")
    assert not is_question("I know.")
    assert not is_question("Why? I know.")


# --- ending -------------------------------------------------------------------------------

ENDING = """INT. ROOM - DAY

Lin reads the letter.

Lin folds the letter.

LIN
LAST
"""


@pytest.mark.parametrize(
    ("last", "marker", "passes"),
    [
        ("It's over.", "", False),
        ("It's over.", "\n[[cliffhanger]]\n", True),
        ("It's over.", "\n[[beat: threat]]\n", True),
        ("It's over.", "\n[[beat: reveal]]\n", False),  # a reveal resolves; not a cliffhanger
        ("Who opened it?", "", True),
    ],
)
def test_the_final_ten_seconds_need_an_unresolved_beat(last, marker, passes):
    script = ENDING.replace("LAST", last) + marker
    result = analyse(build(script, [30, 5, 4]), script)
    assert result.ending_flag is not passes
    assert any("final 10 s" in f for f in result.flags()) is not passes


THREATS = ("you'll regret", "你会后悔")


@pytest.mark.parametrize(
    ("last", "passes"),
    [
        ("You'll REGRET  this, Lin.", True),
        ("你会后悔的。", True),
        ("You'll be fine.", False),
    ],
)
def test_a_threat_line_at_the_end_is_unresolved(last, passes):
    script = ENDING.replace("LAST", last)
    result = analyse(build(script, [30, 5, 4]), script, threat_phrases=THREATS)
    assert result.ending_flag is not passes
    assert [t.kind for t in result.ending] == (["threat"] if passes else [])


def test_a_threat_line_long_before_the_end_does_not_count():
    script = ENDING.replace("LAST", "It's over.").replace(
        "Lin folds the letter.", "LIN\nYou'll regret this."
    )
    result = analyse(build(script, [10, 5, 30]), script, threat_phrases=THREATS)
    assert result.ending_flag


def test_a_cliffhanger_long_before_the_end_does_not_count():
    script = ENDING.replace("LAST", "It's over.").replace(
        "Lin reads the letter.", "Lin reads the letter. [[cliffhanger]]"
    )
    result = analyse(build(script, [30, 5, 10]), script)  # the window starts at 35 s
    assert [b.kind for b in result.cliffhangers] == ["cliffhanger"]
    assert result.ending_flag
    assert not analyse(build(script, [30, 5, 10]), script, final_window_seconds=40).ending_flag


# --- where beats are ------------------------------------------------------------------------

EPISODES = """# Episode 1

INT. ROOM - DAY

Lin reads. [[beat: reveal]]

Lin runs.

[[cliffhanger]]

# Episode 2

[[beat: hook]]

INT. STREET - NIGHT

Rain.

/* [[beat: ignored]] */
"""


def test_beats_are_placed_by_the_shot_spans():
    project = build(EPISODES, [4, 6, 3])
    markers, sections = read_markers(EPISODES)
    assert [m.kind for m in markers] == ["reveal", "cliffhanger", "hook"]
    assert sections == [1, 11]
    beats = place_beats(project, EPISODES)
    reads = project.episode(1).scenes[0].shots[0].id
    runs = project.episode(1).scenes[0].shots[1].id
    assert [(b.kind, b.start, b.end, b.shot_id) for b in beats[1]] == [
        ("reveal", 0, 120, reads),  # inline: during the shot
        ("cliffhanger", 300, 300, runs),  # after the last shot: at its end
    ]
    assert [(b.kind, b.start, b.end) for b in beats[2]] == [("hook", 0, 0)]  # a new episode


# --- shot lengths and captions ------------------------------------------------------------


def test_shot_length_median_p95_and_cuts_per_minute():
    script = "\n\n".join(f"Shot number {n}." for n in range(5)) + "\n"
    result = analyse(build(script, [1, 2, 3, 4, 10]), script)
    assert (result.shot_median, result.shot_p95) == (3, 10)
    assert result.cuts_per_minute == 12  # 4 cuts in 20 s
    six = script + "\nShot number 5.\n"
    even = analyse(build(six, [1, 2, 3, 5, 5, 4]), six)
    assert even.shot_median == 3 + Fraction(1, 2)  # between the middle two
    assert even.cuts_per_minute == 15  # 5 cuts in 20 s


@pytest.mark.parametrize(
    ("text", "seconds", "fast"),
    [
        ("Twenty characters!!", 1.0, True),  # 19 characters in 1 s
        ("Twenty characters!!", 2.0, False),
        ("你好你好你好你好你好你好你好你好你好", 1.0, True),  # 18 CJK characters in 1 s
        ("你好你好你好你好你好你好你好你好你好", 1.5, False),
    ],
)
def test_caption_speed_counts_characters_over_the_voiced_time(text, seconds, fast):
    script = f"INT. ROOM - DAY\n\nLIN\n{text}\n"
    project = build(script, [3])
    voice(next(project.shots()), 0, 0.1, seconds)
    result = analyse(project, script)
    assert result.max_cps == Fraction(len(text)) / Fraction(seconds)
    assert bool(result.fast_lines) is fast
    assert any("characters/s" in f for f in result.flags()) is fast


def test_unvoiced_lines_are_timed_as_the_export_spreads_them():
    script = "INT. ROOM - DAY\n\nLIN\nOne two three four.\n"
    result = analyse(build(script, [2.6]), script)
    (speed,) = result.line_speeds
    assert speed.start == Fraction(1, 5) and speed.seconds == 2  # 2.6 s less 0.2 + 0.4 s


def test_sound_off_readability_is_every_captioned_line():
    with_lines = analyse(build(DIALOGUE_OPEN, [2]), DIALOGUE_OPEN)
    assert (with_lines.captioned_lines, with_lines.dialogue_lines) == (1, 1)
    assert with_lines.sound_off_share == 1
    silent = "INT. ROOM - DAY\n\nRain.\n"
    assert analyse(build(silent, [2]), silent).sound_off_share is None


def test_a_well_paced_episode_has_no_flags_and_json_says_so():
    script = ENDING.replace("LAST", "Who opened it?").replace(
        "Lin reads the letter.", "Lin reads the letter. [[beat: reveal]]"
    )
    result = analyse(build(script, [8, 5, 3]), script)
    assert result.flags() == []
    data = result.to_json()
    assert data["hook"] == {"seconds": 0.0, "source": "beat: reveal", "flag": False}
    assert data["ending"]["flag"] is False and data["flags"] == []
    assert data["sound_off"]["share"] == 1.0
