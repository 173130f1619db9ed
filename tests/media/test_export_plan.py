"""The export plan of an episode: which take each shot shows, where it sits, the voiced lines and
the captions timed from the word timings. Projects are built in code over real files."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from studio.core.model import (
    DialogueLine,
    Episode,
    Project,
    Scene,
    Shot,
    ShotKind,
    Take,
    TakeState,
)
from studio.core.request import ImageRequest, VoiceRequest
from studio.core.speech_timing import Mark, SpeechTiming
from studio.core.time import FrameRate
from studio.core.voicing import VoiceClip
from studio.media.export_plan import ExportError, export_take, plan_episode

RATE = 48_000
FPS = FrameRate(30)
PER_FRAME = RATE // 30  # samples a frame at 30 fps
WHEN = "2025-01-01T00:00:00+00:00"


def take(root: Path, shot_id: str, take_id: str, state: TakeState, *, media: bool = True) -> Take:
    """A take whose media file exists (a few bytes: the plan only checks it is there)."""
    rel = f"takes/{shot_id}/{take_id}.mp4" if media else ""
    if media:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"mp4")
    return Take(take_id, rel, ImageRequest(shot_id=shot_id, seed=1), state, created=WHEN)


def voice(
    root: Path, shot_id: str, line: int, words: list[tuple[int, int, str]], start: int = 0
) -> VoiceClip:
    """A voiced line with its WAV and its word timing JSON written beside it."""
    base = f"audio/{shot_id}/line-{line}"
    (root / base).parent.mkdir(parents=True, exist_ok=True)
    (root / f"{base}.wav").write_bytes(b"RIFF")
    samples = max(end for _, end, _ in words) + RATE // 10
    timing = SpeechTiming(RATE, samples, tuple(Mark(*w) for w in words))
    (root / f"{base}.json").write_text(json.dumps(timing.to_json()), encoding="utf-8")
    spoken = VoiceRequest(shot_id=shot_id, line=line, character="MAYA", text="hi")
    return VoiceClip(line, "MAYA", f"{base}.wav", f"{base}.json", start, samples, spoken, WHEN)


def shot(
    root: Path, shot_id: str, frames: int, *, lines: tuple[str, ...] = (), state=TakeState.APPROVED
) -> Shot:
    return Shot(
        id=shot_id,
        kind=ShotKind.DIALOGUE if lines else ShotKind.ACTION,
        description="",
        duration_frames=frames,
        dialogue=[DialogueLine("MAYA", text) for text in lines],
        takes=[take(root, shot_id, "tk-1", state)],
    )


def project(*shots: Shot, fps: FrameRate = FPS) -> Project:
    scenes = [Scene("INT. LOBBY - NIGHT", 1, shots=list(shots[:2])), Scene("EXT. ROOF", 2)]
    scenes[1].shots = list(shots[2:])
    return Project("Glass", fps=fps, language="en", episodes=[Episode(1, "Pilot", scenes)])


def test_the_approved_take_wins_over_a_later_finished_one(tmp_path):
    s = shot(tmp_path, "sh-1", 60)
    s.takes.append(take(tmp_path, "sh-1", "tk-2", TakeState.DONE))
    s.takes.append(take(tmp_path, "sh-1", "tk-3", TakeState.STARRED))
    assert export_take(s) is s.takes[0]
    plan = plan_episode(tmp_path, project(s), 1)
    (cut,) = plan.cuts
    assert (cut.shot_id, cut.take_id, cut.approved) == ("sh-1", "tk-1", True)
    assert cut.media == tmp_path / "takes/sh-1/tk-1.mp4"
    assert cut.request == ImageRequest(shot_id="sh-1", seed=1).to_json()  # as stored
    assert plan.warnings == ()


def test_without_an_approved_take_the_latest_finished_one_with_media_is_shown(tmp_path):
    s = shot(tmp_path, "sh-1", 60, state=TakeState.DONE)
    s.takes += [
        take(tmp_path, "sh-1", "tk-2", TakeState.STARRED),
        take(tmp_path, "sh-1", "tk-3", TakeState.DONE, media=False),
        take(tmp_path, "sh-1", "tk-4", TakeState.FAILED),
        take(tmp_path, "sh-1", "tk-5", TakeState.REJECTED),
        take(tmp_path, "sh-1", "tk-6", TakeState.QUEUED, media=False),
    ]
    assert export_take(s) is s.takes[1]
    others = [shot(tmp_path, "sh-2", 30), shot(tmp_path, "sh-3", 30, state=TakeState.DONE)]
    plan = plan_episode(tmp_path, project(s, *others), 1)
    assert [(c.take_id, c.approved) for c in plan.cuts] == [
        ("tk-2", False), ("tk-1", True), ("tk-1", False),
    ]  # fmt: skip
    (warning,) = plan.warnings
    assert "2 of 3 shots are not approved" in warning
    assert "sh-1 (take tk-2)" in warning and "sh-3 (take tk-1)" in warning


def test_the_unapproved_warning_names_four_shots_and_counts_the_rest(tmp_path):
    shots = [shot(tmp_path, f"sh-{k}", 30, state=TakeState.DONE) for k in range(1, 7)]
    (warning,) = plan_episode(tmp_path, project(*shots), 1).warnings
    assert "6 of 6 shots are not approved" in warning
    assert "sh-4 (take tk-1) and 2 more" in warning and "sh-5" not in warning


def test_approved_only_refuses_naming_every_unapproved_shot(tmp_path):
    shots = [
        shot(tmp_path, "sh-1", 30),
        shot(tmp_path, "sh-2", 30, state=TakeState.DONE),
        shot(tmp_path, "sh-3", 30, state=TakeState.STARRED),
    ]
    with pytest.raises(ExportError) as caught:
        plan_episode(tmp_path, project(*shots), 1, approved_only=True)
    message = str(caught.value)
    assert "sh-2 (take tk-1), sh-3 (take tk-1) is not approved" in message
    assert "sh-1" not in message
    shots[1].approve("tk-1")
    shots[2].approve("tk-1")
    assert plan_episode(tmp_path, project(*shots), 1, approved_only=True).warnings == ()


def test_a_shot_without_a_finished_take_stops_the_export_naming_it(tmp_path):
    waiting = shot(tmp_path, "sh-2", 30)
    waiting.takes = [
        take(tmp_path, "sh-2", "tk-1", TakeState.QUEUED, media=False),
        take(tmp_path, "sh-2", "tk-2", TakeState.FAILED),
        take(tmp_path, "sh-2", "tk-3", TakeState.DONE, media=False),
    ]
    empty = shot(tmp_path, "sh-3", 30)
    empty.takes = []
    assert export_take(waiting) is None and export_take(empty) is None
    with pytest.raises(ExportError, match=r"no finished take for shot sh-2, sh-3; generate"):
        plan_episode(tmp_path, project(shot(tmp_path, "sh-1", 30), waiting, empty), 1)


def test_a_missing_take_file_stops_the_export_naming_it(tmp_path):
    s = shot(tmp_path, "sh-1", 30)
    (tmp_path / "takes/sh-1/tk-1.mp4").unlink()
    with pytest.raises(ExportError) as caught:
        plan_episode(tmp_path, project(s), 1)
    assert "shot sh-1 (takes/sh-1/tk-1.mp4 is missing)" in str(caught.value)


def test_a_take_with_a_media_problem_stops_the_export_with_the_problem(tmp_path):
    s = shot(tmp_path, "sh-1", 30)
    s.takes[0].media_problem = "the media path is outside the project"
    with pytest.raises(ExportError, match=r"sh-1 \(the media path is outside the project\)"):
        plan_episode(tmp_path, project(s), 1)


def test_cuts_follow_each_other_in_timeline_order(tmp_path):
    shots = [shot(tmp_path, "sh-a", 60), shot(tmp_path, "sh-b", 45), shot(tmp_path, "sh-c", 31)]
    shots[1].focus = (0.2, 0.7)
    plan = plan_episode(tmp_path, project(*shots, fps=FrameRate(24000, 1001)), 1)
    assert [(c.shot_id, c.start, c.frames) for c in plan.cuts] == [
        ("sh-a", 0, 60), ("sh-b", 60, 45), ("sh-c", 105, 31),
    ]  # fmt: skip
    assert [c.focus for c in plan.cuts] == [(0.5, 0.5), (0.2, 0.7), (0.5, 0.5)]
    assert plan.frames == 136
    assert plan.seconds == Fraction(136 * 1001, 24000)
    assert (plan.project_title, plan.number, plan.title, plan.language) == (
        "Glass", 1, "Pilot", "en",
    )  # fmt: skip
    assert plan.lines == () and plan.cues == ()


def test_voiced_lines_and_cues_sit_at_the_shot_start_plus_the_clip_start(tmp_path):
    first = shot(tmp_path, "sh-1", 60)  # 0–2 s
    second = shot(tmp_path, "sh-2", 45, lines=("Sign, please.",))  # 2–3.5 s
    second.voice = [voice(tmp_path, "sh-2", 0, [(0, 9600, "Sign"), (12000, 24000, "please")], 4800)]
    plan = plan_episode(tmp_path, project(first, second), 1)
    (line,) = plan.lines
    shot_start = 60 * PER_FRAME
    assert (line.shot_id, line.line, line.character) == ("sh-2", 0, "MAYA")
    assert line.text == "Sign, please."
    assert line.media == tmp_path / "audio/sh-2/line-0.wav"
    assert (line.start, line.samples) == (shot_start + 4800, second.voice[0].samples)
    assert line.request == second.voice[0].request.to_json()
    (cue,) = plan.cues
    assert cue.start == Fraction(shot_start + 4800, RATE) == Fraction(21, 10)
    assert isinstance(cue.start, Fraction)
    assert cue.end >= Fraction(shot_start + 4800 + 24000, RATE)
    assert (cue.lines, cue.speaker) == (("Sign, please.",), "MAYA")
    assert plan.cuts[0].cues == () and plan.cuts[1].cues == (cue,)
    assert plan.warnings == ()


def test_each_cue_belongs_to_the_cut_it_starts_in(tmp_path):
    shots = [shot(tmp_path, f"sh-{k}", 120, lines=("One. Two. Three.",)) for k in (1, 2, 3)]
    # shot 1's line runs on over shots 2 and 3 (4 s each): heard at 0.5, 4.5 and 8.5 s
    words = [(24000, 36000, "One"), (216000, 228000, "Two"), (408000, 420000, "Three")]
    shots[0].voice = [voice(tmp_path, "sh-1", 0, words)]
    shots[1].voice = [voice(tmp_path, "sh-2", 0, [(0, 40000, "Yes")])]
    shots[2].voice = [voice(tmp_path, "sh-3", 0, [(12000, 30000, "No")], 2 * RATE)]
    shots[1].dialogue[0].text = "Yes."
    shots[2].dialogue[0].text = "No."
    plan = plan_episode(tmp_path, project(*shots), 1)
    starts = {cue.lines[0]: cue.start for cue in plan.cues}
    assert starts == {
        "One.": Fraction(1, 2), "Yes.": 4, "Two.": Fraction(9, 2), "Three.": Fraction(17, 2),
        "No.": Fraction(8 * RATE + 2 * RATE + 12000, RATE),
    }  # fmt: skip
    owner = {cue.lines[0]: k for k, cut in enumerate(plan.cuts) for cue in cut.cues}
    assert owner == {"One.": 0, "Yes.": 1, "Two.": 1, "Three.": 2, "No.": 2}
    assert sum(len(cut.cues) for cut in plan.cuts) == len(plan.cues) == 5
    assert all(cut.cues == tuple(sorted(cut.cues, key=lambda c: c.start)) for cut in plan.cuts)


def test_a_cue_starting_exactly_on_a_cut_belongs_to_the_next_shot(tmp_path):
    shots = [shot(tmp_path, "sh-1", 30, lines=("Now.",)), shot(tmp_path, "sh-2", 30)]
    shots[0].voice = [voice(tmp_path, "sh-1", 0, [(30 * PER_FRAME, 30 * PER_FRAME + 9000, "Now")])]
    plan = plan_episode(tmp_path, project(*shots), 1)
    assert plan.cues[0].start == 1
    assert (plan.cuts[0].cues, plan.cuts[1].cues) == ((), plan.cues)


def test_unvoiced_dialogue_gets_captions_spread_inside_its_shot_with_a_warning(tmp_path):
    first = shot(tmp_path, "sh-1", 30)
    quiet = shot(tmp_path, "sh-2", 90, lines=("Wait for me.", "Please."))  # 1–4 s
    plan = plan_episode(tmp_path, project(first, quiet), 1)
    assert plan.lines == ()
    assert plan.warnings == (
        "shot sh-2 has unvoiced dialogue: its captions are spread over the shot",
    )
    assert [cue.lines for cue in plan.cues] == [("Wait for me.",), ("Please.",)]
    assert all(cue.speaker == "MAYA" for cue in plan.cues)
    assert plan.cues[0].start == 1 + Fraction(1, 5)  # after the shot's head
    assert all(1 <= cue.start < cue.end <= 4 for cue in plan.cues)  # inside the shot
    assert plan.cuts[1].cues == plan.cues


def test_a_voiced_and_an_unvoiced_line_in_one_shot_both_get_captions(tmp_path):
    s = shot(tmp_path, "sh-1", 60, lines=("Hello.", "Goodbye now."))
    s.voice = [voice(tmp_path, "sh-1", 0, [(0, 12000, "Hello")], 2400)]
    plan = plan_episode(tmp_path, project(s), 1)
    assert [(line.line, line.text) for line in plan.lines] == [(0, "Hello.")]
    assert {cue.lines for cue in plan.cues} == {("Hello.",), ("Goodbye now.",)}
    assert any("sh-1 has unvoiced dialogue" in w for w in plan.warnings)


def test_a_word_timing_at_another_sample_rate_is_timed_by_its_own_rate(tmp_path):
    s = shot(tmp_path, "sh-1", 60, lines=("Hi.",))
    s.voice = [voice(tmp_path, "sh-1", 0, [(0, 9000, "Hi")], 4800)]
    timing = SpeechTiming(24_000, 12_000, (Mark(12_000, 18_000, "Hi"),))  # heard from 0.5 s
    (tmp_path / s.voice[0].timing).write_text(json.dumps(timing.to_json()), encoding="utf-8")
    (cue,) = plan_episode(tmp_path, project(s), 1).cues
    assert cue.start == Fraction(4800, RATE) + Fraction(1, 2)


def test_a_voice_clip_for_a_line_no_longer_in_the_shot_is_left_out(tmp_path):
    s = shot(tmp_path, "sh-1", 60, lines=("Hi.",))
    s.voice = [
        voice(tmp_path, "sh-1", 0, [(0, 9000, "Hi")]),
        voice(tmp_path, "sh-1", 3, [(0, 9, "x")]),
    ]
    plan = plan_episode(tmp_path, project(s), 1)
    assert [line.line for line in plan.lines] == [0]
    assert [cue.lines for cue in plan.cues] == [("Hi.",)]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"sample_rate": 48000}',
        '{"sample_rate": 48000, "samples": 9, "words": [[5, 1, "x"]]}',
    ],
)
def test_a_broken_word_timing_stops_the_export_naming_the_file(tmp_path, content):
    s = shot(tmp_path, "sh-1", 60, lines=("Hi.",))
    s.voice = [voice(tmp_path, "sh-1", 0, [(0, 9000, "Hi")])]
    (tmp_path / s.voice[0].timing).write_text(content, encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        plan_episode(tmp_path, project(s), 1)
    message = str(caught.value)
    assert message.startswith(
        "shot sh-1 line 1: cannot read the word timing audio/sh-1/line-0.json"
    )
    assert "voice the shot again" in message and "\n" not in message


def test_a_missing_word_timing_stops_the_export_naming_the_file(tmp_path):
    s = shot(tmp_path, "sh-1", 60, lines=("Hi.",))
    s.voice = [voice(tmp_path, "sh-1", 0, [(0, 9000, "Hi")])]
    (tmp_path / s.voice[0].timing).unlink()
    with pytest.raises(ExportError, match=r"cannot read the word timing audio/sh-1/line-0\.json"):
        plan_episode(tmp_path, project(s), 1)


def test_an_unknown_or_empty_episode_is_refused(tmp_path):
    with pytest.raises(ExportError, match=r"^no episode 9 \(the project has 1\)$"):
        plan_episode(tmp_path, project(shot(tmp_path, "sh-1", 30)), 9)
    empty = Project("Glass", episodes=[Episode(1, "Pilot", [Scene("INT. LOBBY", 1)])])
    with pytest.raises(ExportError, match=r"^episode 1 has no shots$"):
        plan_episode(tmp_path, empty, 1)
