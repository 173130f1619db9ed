"""Plain-text scripts as language models write them (``NAME: line``) into Fountain."""

from __future__ import annotations

import pytest

from studio.core.model import ShotKind
from studio.core.script import fountain
from studio.core.script.breakdown import Breakdown, break_down
from studio.core.script.script_format import script_fountain
from studio.core.time import FrameRate

SAMPLE = """# The Glass Tower

## Episode 1: The Fall

**Scene 1: Rooftop - Night**

Rain hammers the glass. Maya stands at the edge.

MAYA: I can't believe you came.
Dr. Chen (V.O.): You called me.
(beat)
MAYA: (whispering) Then listen.
She whispers: nothing at all.

CUT TO:

INT. LOBBY - LATER

**Maya:** Where is he?

Episode Two

Scene 2 - The street
Action: A car speeds past.
"""


def breakdown_of(text: str, fmt: str = "plain") -> Breakdown:
    converted = script_fountain(text.encode("utf-8"), ".txt", fmt)
    return break_down(fountain.parse(converted), FrameRate(30))


def test_sample_breakdown():
    result = breakdown_of(SAMPLE)
    assert result.title == "The Glass Tower"
    assert [e.title for e in result.episodes] == ["Episode 1: The Fall", "Episode Two"]
    first, second = result.episodes
    assert [s.heading for s in first.scenes] == ["Scene 1: Rooftop - Night", "INT. LOBBY - LATER"]
    assert [s.heading for s in second.scenes] == ["Scene 2 - The street"]
    assert result.speakers == ["MAYA", "Dr. Chen", "Maya"]
    lines = [
        (d.character, d.extension, d.parenthetical, d.text)
        for shot in result.shots()
        for d in shot.dialogue
    ]
    assert lines == [
        ("MAYA", "", "", "I can't believe you came."),
        ("Dr. Chen", "V.O.", "", "You called me."),
        ("MAYA", "", "beat; whispering", "Then listen."),
        ("Maya", "", "", "Where is he?"),
    ]
    actions = [s.description for s in result.shots() if s.kind is ShotKind.ACTION]
    assert actions == [
        "Rain hammers the glass. Maya stands at the edge.",
        "She whispers: nothing at all.",
        "A car speeds past.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "She whispers: nothing.",
        "At 10:30 the bus leaves.",
        "Location: the roof",
        "Note: shoot this at dusk",
        "http://example.com/a",
        "A very long sentence before: a colon",
    ],
)
def test_colon_lines_that_are_not_dialogue_stay_action(line):
    result = breakdown_of(f"Scene 1: Roof\n\nMAYA: Hi.\n{line}\n")
    assert result.speakers == ["MAYA"]
    assert result.shots()[1].kind is ShotKind.ACTION


@pytest.mark.parametrize(
    "episode", ["Episode 3", "EPISODE 3: Rain", "Ep. 3 - Rain", "Episode Three", "## Episode 3"]
)
def test_episode_lines(episode):
    result = breakdown_of(f"{episode}\n\nScene 1: Roof\nMAYA: Hi.\n\nEpisode 4\nJO: Bye.\n")
    assert len(result.episodes) == 2
    assert result.episodes[0].title == episode.lstrip("# ")


def test_a_sentence_mentioning_an_episode_is_action():
    result = breakdown_of("Scene 1: Den\nEpisode 3 of the show plays.\nMAYA: Off.\n")
    assert len(result.episodes) == 1
    assert result.shots()[0].description == "Episode 3 of the show plays."
