"""Branching episodes: story notes read from the script, the segment graph, and shots placed."""

from __future__ import annotations

import pytest

from studio.core.model import Project
from studio.core.script import fountain
from studio.core.script.fountain_writer import to_fountain
from studio.core.script.importer import apply_script
from studio.core.story import START, StoryGraph, build_stories
from studio.core.story_syntax import (
    Condition,
    NoteKind,
    StorySyntaxError,
    label_of,
    parse_condition,
    read_note,
)

DEAL = """\
Title: The Deal

# Episode 1

INT. OFFICE - NIGHT

MIRA stares at the contract.

VICTOR
Sign it, and the company is yours.

[[choice: Take the deal -> #deal | Walk away -> #The Walk (default)]]

## Deal

MIRA signs. The lights go out.

[[set: signed = true]]
[[-> #after]]

## The walk

EXT. ROOF - NIGHT

MIRA walks into the rain.

[[-> #after]]

## After

VICTOR
You will regret this.

[[end]]
"""


def stories(script: str) -> tuple[Project, dict[int, StoryGraph]]:
    project = Project(title="t")
    apply_script(project, script)
    return project, build_stories(project, script)


def shot_texts(project: Project, ids: tuple[str, ...]) -> list[str]:
    shots = {shot.id: shot for shot in project.shots()}
    return [shots[i].description if not shots[i].dialogue else shots[i].dialogue[0].text
            for i in ids]  # fmt: skip


def test_choice_options_conditions_and_default() -> None:
    note = read_note("choice: Take it -> #deal | {trust >= 2} Trust him -> #Trust Him (default)")
    assert note is not None and note.kind is NoteKind.CHOICE
    take, trust = note.options
    assert (take.text, take.target, take.condition, take.default) == (
        "Take it",
        "deal",
        None,
        False,
    )
    assert (trust.text, trust.target, trust.default) == ("Trust him", "trust-him", True)
    assert trust.condition == Condition("trust", ">=", 2)


@pytest.mark.parametrize(
    ("text", "kind", "target"),
    [
        ("-> #after", NoteKind.DIVERT, "after"),
        ("  ->#The_After ", NoteKind.DIVERT, "the-after"),
        ("end", NoteKind.END, None),
        ("-> END", NoteKind.END, None),
    ],
)
def test_diverts_and_endings(text: str, kind: NoteKind, target: str | None) -> None:
    note = read_note(text)
    assert note is not None and note.kind is kind
    assert [o.target for o in note.options] == ([target] if target else [])


def test_other_notes_are_not_story_notes() -> None:
    assert read_note("beat: reveal") is None
    assert read_note("cliffhanger") is None
    assert read_note("shot: CLOSE ON the ring") is None
    assert read_note("Mira should sound tired here") is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("choice:", "no options"),
        ("choice: Take it -> deal", "must be a label"),
        ("choice: Take it", "cannot read the option"),
        ("choice:  -> #deal", "no text"),
        ("choice: A -> #a (default) | B -> #b (default)", "more than one (default)"),
        ("choice: " + " | ".join(f"O{i} -> #o{i}" for i in range(9)), "at most 8"),
        ("choice: {trust >> 2} A -> #a", "cannot read the condition"),
        ("choice: {not trust > 1} A -> #a", "'not' goes with a bare name"),
        ("choice: {trust > lots} A -> #a", "not a whole number"),
        ("-> #", "no label"),
        ("set: trust", "cannot read [[set: trust]]"),
        ("set: trust = 99999999", "too large"),
    ],
)
def test_story_notes_written_wrong_say_how(text: str, says: str) -> None:
    with pytest.raises(StorySyntaxError, match=r"(?i)" + says.replace("(", r"\(").replace(
            ")", r"\)").replace("[", r"\[").replace("]", r"\]")):  # fmt: skip
        read_note(text)


def test_conditions_and_labels() -> None:
    assert parse_condition("met").holds({"met": 1})
    assert not parse_condition("met").holds({})
    assert parse_condition("not met").holds({})
    assert parse_condition("trust < 0").holds({"trust": -1})
    assert parse_condition("done == true").holds({"done": 1})
    assert label_of("#The  Deal_2") == label_of("the-deal-2") == "the-deal-2"
    assert label_of("## 接受 交易") == "接受-交易"


def test_segments_exits_and_shots_in_order() -> None:
    project, found = stories(DEAL)
    graph = found[1]
    assert graph.labels() == [START, "deal", "the-walk", "after"]
    start, deal, walk, after = graph.segments
    assert start.exit is NoteKind.CHOICE and start.targets == ("deal", "the-walk")
    assert deal.exit is NoteKind.DIVERT and deal.targets == ("after",)
    assert [str(a) for a in deal.sets] == ["signed = 1"]
    assert after.exit is NoteKind.END and after.options == ()
    assert shot_texts(project, start.shot_ids) == [
        "MIRA stares at the contract.", "Sign it, and the company is yours."]  # fmt: skip
    assert shot_texts(project, walk.shot_ids) == ["MIRA walks into the rain."]
    assert shot_texts(project, after.shot_ids) == ["You will regret this."]
    shots = {s.id: s for s in project.shots()}
    assert deal.frames == sum(shots[i].duration_frames for i in deal.shot_ids)
    lines = DEAL.splitlines()
    assert lines[walk.lines[0] - 1] == "## The walk"
    assert lines[start.exit_line - 1].startswith("[[choice:")
    assert graph.shots_on(["start", "the-walk", "after"]) == [
        *start.shot_ids, *walk.shot_ids, *after.shot_ids]  # fmt: skip


def test_a_linear_episode_has_no_story() -> None:
    _, found = stories("INT. HALL - DAY\n\nMIRA waits.\n\n## Later\n\nShe leaves.\n")
    assert found == {}


def test_scene_numbers_start_segments_only_when_named() -> None:
    script = """\
INT. OFFICE - NIGHT #1#

MIRA hesitates.

[[choice: Stay -> #stay | Run -> #run]]

INT. OFFICE - LATER #stay#

She stays.

[[end]]

EXT. STREET - NIGHT #run#

She runs.

[[end]]

EXT. STREET - LATER #9#

She stops running.
"""
    project, found = stories(script)
    graph = found[1]
    assert graph.labels() == [START, "stay", "run"]  # #1# and #9# are not targets
    assert graph.segment("stay").title == "INT. OFFICE - LATER"
    assert shot_texts(project, graph.segment("run").shot_ids) == [
        "She runs.", "She stops running."]  # fmt: skip


def test_a_script_may_open_on_a_labelled_segment() -> None:
    script = "## Door\n\nMIRA knocks.\n\n[[-> #hall]]\n\n## Hall\n\nNobody answers.\n\n[[end]]\n"
    _, found = stories(script)
    assert found[1].labels() == ["door", "hall"]
    assert found[1].start == "door"


def test_problems_found_while_reading() -> None:
    script = """\
MIRA waits.

[[choice: Go -> #a | Stay -> b]]

## A

She goes.

[[end]]
[[-> #a]]

## a

Again.

[[set: mood]]
"""
    _, found = stories(script)
    kinds = [(p.kind, p.segment, p.line) for p in found[1].problems]
    assert ("syntax", START, 3) in kinds
    assert ("two-exits", "a", 10) in kinds
    assert ("duplicate-label", "a", 12) in kinds
    assert ("syntax", "a", 16) in kinds
    assert all(p.severity == "error" for p in found[1].problems)


def test_each_episode_has_its_own_story() -> None:
    script = """\
# Episode 1

MIRA waits.

## Later

Still waiting.

# Episode 2

MIRA opens the door.

[[choice: In -> #in | Out -> #out]]

## In

She steps in.

[[end]]

## Out

She leaves.

[[end]]
"""
    project, found = stories(script)
    assert list(found) == [2]
    graph = found[2]
    assert graph.labels() == [START, "in", "out"]
    episode_two = {shot.id for shot in project.episode(2).shots()}
    assert {s for seg in graph.segments for s in seg.shot_ids} == episode_two
    assert build_stories(project, script, only=1) == {}  # linear: no story
    assert build_stories(project, script, only=2) == {2: graph}


def test_notes_in_boneyard_do_not_branch() -> None:
    script = "MIRA waits.\n\n/* [[choice: A -> #a | B -> #b]] */\n\n## A\n\nShe goes.\n"
    _, found = stories(script)
    assert found == {}


def test_the_graph_survives_the_fountain_writer() -> None:
    project, before = stories(DEAL)
    rewritten = to_fountain(fountain.parse(DEAL))
    after = build_stories(project, rewritten)
    assert [(s.label, s.exit, s.options, s.sets, s.shot_ids) for s in after[1].segments] == [
        (s.label, s.exit, s.options, s.sets, s.shot_ids) for s in before[1].segments
    ]


def test_a_stranger_script_cannot_make_unbounded_segments() -> None:
    from studio.core.story import MAX_SEGMENTS

    sections = "".join(f"## S{i}\n\nShot {i}.\n\n" for i in range(MAX_SEGMENTS + 50))
    _, found = stories("MIRA waits.\n\n[[-> #s1]]\n\n" + sections)
    assert len(found[1].segments) <= MAX_SEGMENTS + 1
