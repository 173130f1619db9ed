"""The validator's findings and the paths of branching episodes, each on a script made to pass
or to fail one check; and the Twee 3 export of a graph."""

from __future__ import annotations

import json
import re
import uuid

from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.story import StoryGraph, build_stories
from studio.core.story_check import check_story, default_option, story_paths
from studio.core.story_twee import ifid, story_twee


def graph_of(script: str) -> StoryGraph:
    project = Project(title="t")
    apply_script(project, script)
    return build_stories(project, script)[1]


def kinds(graph: StoryGraph) -> list[tuple[str, str]]:
    return [(p.kind, p.segment) for p in check_story(graph)]


CLEAN = """\
MIRA waits.

[[choice: Left -> #left | Right -> #right]]

## Left

She goes left.

[[-> #end]]

## Right

She goes right.

[[-> #end]]

## End

They meet.

[[end]]
"""


def test_a_clean_story_has_no_findings_and_two_paths() -> None:
    graph = graph_of(CLEAN)
    assert check_story(graph) == []
    paths, more = story_paths(graph)
    assert not more
    assert [(p.segments, p.choices, p.ending) for p in paths] == [
        (("start", "left", "end"), ("Left", ""), "end"),
        (("start", "right", "end"), ("Right", ""), "end"),
    ]
    assert paths[0].describe() == "#start → (Left) #left → #end"


def test_broken_link_is_an_error() -> None:
    graph = graph_of(CLEAN.replace("-> #right]]", "-> #rihgt]]"))
    problems = check_story(graph)
    assert problems[0].severity == "error" and problems[0].kind == "broken-link"
    assert "#rihgt" in problems[0].message and problems[0].line == 3
    assert ("unreachable", "right") in kinds(graph)


def test_unreachable_and_dead_end() -> None:
    graph = graph_of(CLEAN.replace("[[-> #end]]\n\n## Right", "[[-> #end]]\n\n## Right\n\n"
                                   "[[set: x = 1]]").replace("Right -> #right", "Up -> #end")
                     + "\n## Attic\n\nDust.\n")  # fmt: skip
    found = kinds(graph)
    assert ("unreachable", "right") in found and ("unreachable", "attic") in found
    assert ("dead-end", "attic") in found
    assert all(p.severity == "warning" for p in check_story(graph))


def test_dead_end_on_a_path() -> None:
    graph = graph_of(CLEAN.replace("She goes right.\n\n[[-> #end]]", "She goes right."))
    assert kinds(graph) == [("dead-end", "right")]
    endings = {p.segments: p.ending for p in story_paths(graph)[0]}
    assert endings[("start", "right")] == "dead-end"


def test_loops_are_found_and_paths_stop_at_the_repeat() -> None:
    graph = graph_of(CLEAN.replace("[[-> #end]]\n\n## End", "[[choice: Again -> #start | "
                                   "On -> #end]]\n\n## End"))  # fmt: skip
    loops = [p for p in check_story(graph) if p.kind == "loop"]
    assert [p.message for p in loops] == ["loop: #start → #right → #start"]
    paths = story_paths(graph)[0]
    assert (("start", "right", "start"), "loop") in [(p.segments, p.ending) for p in paths]
    assert all(p.segments.count(p.segments[-1]) <= 2 for p in paths)


def test_empty_segment() -> None:
    graph = graph_of(CLEAN.replace("She goes left.\n\n", ""))
    assert kinds(graph) == [("empty", "left")]


CONDITIONS = """\
MIRA meets VICTOR.

[[choice: Be kind -> #kind | Be cold -> #cold]]

## Kind

She smiles.

[[set: trust += 2]]
[[-> #door]]

## Cold

She frowns.

[[set: trust -= 1]]
[[-> #door]]

## Door

VICTOR opens the door.

[[choice: {trust >= 2} Trust him -> #trust | {not trust} Leave -> #leave |
{trust < 0} Run -> #run (default)]]

## Trust

They go in together.

[[end]]

## Leave

She leaves.

[[end]]

## Run

She runs.

[[end]]
"""


def test_conditions_choose_the_options_on_each_path() -> None:
    graph = graph_of(CONDITIONS)
    problems = check_story(graph)
    assert [(p.kind, p.segment) for p in problems] == [("unreachable", "leave")]
    paths = story_paths(graph)[0]
    assert [p.segments for p in paths] == [
        ("start", "kind", "door", "trust"),
        ("start", "cold", "door", "run"),
    ]
    door = graph.segment("door")
    assert default_option(door, {"trust": -1}).target == "run"  # the (default) one
    assert default_option(door, {"trust": 5}).target == "trust"  # the first shown
    assert default_option(door, {"trust": 1}) is None


def test_a_choice_with_no_option_shown_is_found() -> None:
    graph = graph_of(CONDITIONS.replace("[[set: trust -= 1]]", "[[set: trust += 1]]"))
    problems = {(p.kind, p.segment): p for p in check_story(graph)}
    stuck = problems[("no-option", "door")]
    assert "trust = 1" in stuck.message
    assert ("start", "cold", "door") in [p.segments for p in story_paths(graph)[0]]


def test_the_state_space_is_bounded() -> None:
    script = "MIRA counts.\n\n[[-> #count]]\n\n## Count\n\nOne more.\n\n[[set: n += 1]]\n" \
             "[[choice: {n < 100000} Again -> #count | Stop -> #stop]]\n\n## Stop\n\nDone.\n\n" \
             "[[end]]\n"  # fmt: skip
    graph = graph_of(script)
    found = kinds(graph)
    assert ("too-many-states", "") in found
    assert ("loop", "count") in found


def test_paths_are_bounded() -> None:
    from studio.core.story_check import MAX_PATHS

    # 9 choices of 2 in a row: 512 paths
    parts = ["MIRA starts.\n\n[[choice: A -> #a1 | B -> #b1]]\n"]
    for i in range(1, 10):
        nxt = f"[[choice: A -> #a{i + 1} | B -> #b{i + 1}]]" if i < 9 else "[[end]]"
        parts += [f"## A{i}\n\nA {i}.\n\n{nxt}\n", f"## B{i}\n\nB {i}.\n\n{nxt}\n"]
    graph = graph_of("\n".join(parts))
    paths, more = story_paths(graph)
    assert more and len(paths) == MAX_PATHS


def test_twee_passages_links_and_macros() -> None:
    project = Project(title="Glass")
    apply_script(project, CONDITIONS)
    graph = build_stories(project, CONDITIONS)[1]
    text = story_twee(graph, project.episode(1), "Glass")
    passages = dict(re.findall(r"^:: (\S+)(?: \{[^\n]*\})?\n(.*?)(?=^:: |\Z)", text, re.M | re.S))
    assert list(passages) == ["StoryTitle", "StoryData", *graph.labels()]
    data = json.loads(passages["StoryData"])
    assert data["start"] == "start" and data["format"] == "SugarCube"
    assert uuid.UUID(data["ifid"]).version == 4 and data["ifid"] == data["ifid"].upper()
    assert story_twee(graph, project.episode(1), "Glass") == text  # the same file each time
    assert ifid("Glass", 2) != data["ifid"] != ifid("Other", 1)
    assert "[[Be kind->kind]]" in passages["start"]
    assert "<<set $trust += 2>>" in passages["kind"]
    assert "<<if $trust gte 2>>[[Trust him->trust]]<</if>>" in passages["door"]
    assert "<<if $trust is 0>>[[Leave->leave]]<</if>>" in passages["door"]
    assert "[[Continue->door]]" in passages["cold"]
    assert "THE END" in passages["run"]
    assert "VICTOR opens the door." in passages["door"]
