"""``studio story``: the segments, findings and paths of branching episodes, as a table or JSON;
``--twee`` writes the graph for Twine. Exit 1 only when an episode has an error."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import studio

SCRIPT = """\
Title: The Deal

# Episode 1

INT. OFFICE - NIGHT

MIRA stares at the contract.

[[choice: Take the deal -> #deal | Walk away -> #walk (default)]]

## Deal

MIRA signs.

[[-> #after]]

## Walk

MIRA walks into the rain.

[[-> #after]]

## After

VICTOR
You will regret this.

[[end]]

## Attic

Dust.

# Episode 2

EXT. ROOF - DAY

MIRA looks down.
"""


def make(tmp_path: Path, script: str = SCRIPT) -> Path:
    path = tmp_path / "deal.fountain"
    path.write_text(script, encoding="utf-8")
    assert studio("new", tmp_path / "Deal", "--script", path).returncode == 0
    return tmp_path / "Deal.mdstudio"


def test_story_table_findings_and_paths(tmp_path: Path) -> None:
    root = make(tmp_path)
    run = studio("story", root)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.startswith("Episode 1")
    assert "Episode 2" not in out  # linear: not a story
    for label in ("#start", "#deal", "#walk", "#after", "#attic"):
        assert label in out
    assert "warning: no path reaches #attic" in out
    assert "1. #start → (Take the deal) #deal → #after" in out
    assert "2. #start → (Walk away) #walk → #after" in out


def test_story_json(tmp_path: Path) -> None:
    root = make(tmp_path)
    run = studio("story", root, "--episode", "1", "--json")
    assert run.returncode == 0, run.stderr
    (story,) = json.loads(run.stdout)
    assert story["episode"] == 1 and story["start"] == "start"
    segments = {s["label"]: s for s in story["segments"]}
    assert segments["start"]["exit"] == "choice"
    assert [o["target"] for o in segments["start"]["options"]] == ["deal", "walk"]
    assert segments["start"]["options"][1]["default"] is True
    assert len(segments["after"]["shots"]) == 1 and segments["after"]["frames"] > 0
    assert {(p["kind"], p["segment"]) for p in story["problems"]} == {
        ("unreachable", "attic"), ("dead-end", "attic")}  # fmt: skip
    assert [p["segments"] for p in story["paths"]] == [
        ["start", "deal", "after"], ["start", "walk", "after"]]  # fmt: skip


def test_story_errors_exit_one(tmp_path: Path) -> None:
    root = make(tmp_path, SCRIPT.replace("-> #walk (default)", "-> #wlak"))
    run = studio("story", root)
    assert run.returncode == 1
    assert "error: #start goes to #wlak" in run.stdout


def test_story_of_a_linear_episode(tmp_path: Path) -> None:
    root = make(tmp_path)
    run = studio("story", root, "--episode", "2")
    assert run.returncode == 0
    assert "episode 2 does not branch" in run.stdout
    assert studio("story", root, "--episode", "7").returncode == 1
    refused = studio("story", root, "--episode", "2", "--twee", tmp_path / "x.twee")
    assert refused.returncode == 1 and "does not branch" in refused.stderr
    assert not (tmp_path / "x.twee").exists()


def test_story_twee(tmp_path: Path) -> None:
    root = make(tmp_path)
    out = tmp_path / "deal.twee"
    run = studio("story", root, "--twee", out)
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(":: StoryTitle\nThe Deal — Episode 1\n")
    assert "[[Take the deal->deal]]" in text and "[[Continue->after]]" in text
