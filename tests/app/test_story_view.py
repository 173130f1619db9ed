"""The timeline's view of a branching episode without a window: the picker's entries, the
findings' summary, the segment marks, a path as an episode and the pacing along a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.app.pacing import load_pacing_preset, project_pacing
from studio.app.saved_script import SavedScript
from studio.app.story_view import (
    ALL_SHOTS,
    episode_paths,
    path_beats,
    path_episode,
    path_pacing,
    problem_summary,
    segment_marks,
)
from studio.core.model import Project
from studio.core.pacing_beats import Beat
from studio.core.script.importer import apply_script
from studio.core.store import create_project
from studio.core.story import Problem

SCRIPT = """Title: The Deal

# Episode 1

INT. OFFICE - NIGHT

MIRA stares at the contract.

VICTOR
Sign it, and the company is yours.

[[choice: Take the deal -> #deal | {trust} Trust him -> #trust | Walk away -> #walk (default)]]

## Deal

MIRA signs. The lights go out.

[[-> #after]]

## Walk

EXT. ROOF - NIGHT

MIRA walks into the rain.

[[-> #after]]

## After

VICTOR
You will regret this. [[cliffhanger]]

[[end]]

# Episode 2

INT. LOBBY - DAY

MIRA waits.
"""


def _project(script: str = SCRIPT) -> Project:
    project = Project(title="The Deal")
    apply_script(project, script)
    return project


def _names(project: Project, ids: tuple[str, ...] | list[str]) -> list[str]:
    """Shots by their first words, for readable asserts."""
    words = {s.id: " ".join(s.description.split()[:2]) for s in project.shots()}
    return [words[i] for i in ids]


def test_the_picker_offers_all_shots_then_each_path_with_its_shots_and_length():
    project = _project()
    paths = episode_paths(project, None, 1, SCRIPT)
    assert paths is not None
    texts = [c.text for c in paths.choices]
    assert texts == [
        ALL_SHOTS,
        "#start → (Take the deal) #deal → #after",
        "#start → (Walk away) #walk → #after",
    ]
    every, deal, walk = paths.choices
    assert every.segments == ()
    assert every.shot_ids == tuple(s.id for s in project.episode(1).shots())
    assert _names(project, deal.shot_ids) == ["MIRA stares", "VICTOR speaks", "MIRA signs.",
                                              "VICTOR speaks"]  # fmt: skip
    frames = {s.id: s.duration_frames for s in project.shots()}
    assert deal.frames == sum(frames[i] for i in deal.shot_ids) < every.frames
    assert (deal.segments, walk.ending) == (("start", "deal", "after"), "end")
    assert paths.find(("start", "walk", "after")) == 2
    assert paths.find(("start", "gone")) == 0  # a path no longer there: all shots
    assert problem_summary(paths.problems) == "1 error"  # the choice names #trust
    assert paths.problems[0].kind == "broken-link" and paths.problems[0].line == 12


def test_a_linear_episode_or_no_such_episode_has_no_picker():
    project = _project()
    assert episode_paths(project, None, 2, SCRIPT) is None
    assert episode_paths(project, None, 9, SCRIPT) is None


def test_the_summary_counts_errors_then_warnings():
    def problem(severity: str) -> Problem:
        return Problem(severity, "x", "", "m")

    assert problem_summary([]) == "no problems"
    assert problem_summary([problem("warning")]) == "1 warning"
    found = [problem("warning"), problem("error"), problem("warning")]
    assert problem_summary(found) == "1 error, 2 warnings"


def test_marks_fall_where_the_shots_shown_pass_into_another_segment():
    project = _project()
    paths = episode_paths(project, None, 1, SCRIPT)
    assert paths is not None
    every, deal, _ = paths.choices
    assert segment_marks(paths.graph, every.shot_ids) == [(0, "start"), (2, "deal"),
                                                          (3, "walk"), (4, "after")]  # fmt: skip
    assert segment_marks(paths.graph, deal.shot_ids) == [(0, "start"), (2, "deal"), (3, "after")]


def test_a_path_episode_holds_the_projects_own_shots_in_path_order():
    project = _project()
    episode = project.episode(1)
    shots = list(episode.shots())
    order = [shots[3].id, shots[0].id, shots[3].id, "gone"]
    shown = path_episode(episode, order)
    assert [s.id for s in shown.shots()] == order[:3]  # a shot twice; an unknown id skipped
    assert next(iter(shown.shots())) is shots[3]  # a trim of it is a trim of the project's
    assert shown.duration_frames() == 2 * shots[3].duration_frames + shots[0].duration_frames
    assert [s.id for s in episode.shots()] == [s.id for s in shots]  # the episode is untouched


def test_beats_move_with_their_shots_onto_the_path():
    project = _project()
    episode = project.episode(1)
    a, b, c = (s.id for s in list(episode.shots())[:3])
    frames = {s.id: s.duration_frames for s in episode.shots()}
    beats = [Beat("reveal", frames[a], frames[a] + frames[b], b), Beat("open", 0, 0, ""),
             Beat("twist", 0, frames[a], a)]  # fmt: skip
    moved = path_beats(beats, episode, [b, c])
    assert moved == [Beat("reveal", 0, frames[b], b), Beat("open", 0, 0, "")]  # a is off it


def test_pacing_along_a_path_ends_on_its_cliffhanger(tmp_path: Path):
    project = _project()
    project.script = "script.fountain"
    (tmp_path / "script.fountain").write_text(SCRIPT, encoding="utf-8")
    preset = load_pacing_preset()
    paths = episode_paths(project, tmp_path, 1)  # the script read from the file
    assert paths is not None
    walk = paths.choices[2]
    along = path_pacing(project, tmp_path, preset, 1, walk.shot_ids)
    (whole,) = project_pacing(project, tmp_path, preset, 1)
    fps = project.fps
    assert along.seconds == fps.seconds(walk.frames) < whole.seconds
    marked = [[t.detail for t in r.ending if t.kind == "beat"] for r in (along, whole)]
    assert marked == [["cliffhanger"], ["cliffhanger"]]
    assert [t.kind for t in along.ending] == [t.kind for t in whole.ending]  # and its threat line
    shift = paths.choices[0].frames - walk.frames  # the deal's shot is not on the walk
    assert along.ending[0].frame == whole.ending[0].frame - shift
    with pytest.raises(KeyError):
        path_pacing(project, tmp_path, preset, 7, walk.shot_ids)


def test_the_saved_script_goes_back_as_it_was(tmp_path: Path):
    project = Project(title="t", script="script/script.fountain")
    folder = create_project(tmp_path / "p.mdstudio", project)
    folder.write_text(project.script, "INT. A - DAY\n")
    saved = SavedScript.read(folder, "script/script.fountain")
    folder.write_text(project.script, "INT. B - NIGHT\n")
    saved.put_back(folder)
    assert folder.resolve(project.script).read_text(encoding="utf-8") == "INT. A - DAY\n"
    project.script = ""
    missing = SavedScript.read(folder, "script/new.fountain")
    assert (missing.rel, missing.data) == ("script/new.fountain", None)
    folder.write_text("script/new.fountain", "typed, never saved\n")
    missing.put_back(folder)
    assert not folder.resolve("script/new.fountain").exists()
    folder.close()
