"""Fountain notes ``[[...]]`` and boneyard ``/* ... */``: what they hide, the lines they glue, and
the paragraphs they must not join; linear time however many openers never close."""

from __future__ import annotations

import pytest

from studio.core.script.elements import Element, Kind, Speech, SpeechKind
from studio.core.script.emphasis import plain
from studio.core.script.fountain import parse

D = SpeechKind.DIALOGUE


def kinds(text: str) -> list[Kind]:
    return [e.kind for e in parse(text)]


def only(text: str, kind: Kind) -> Element:
    (element,) = [e for e in parse(text) if e.kind is kind]
    return element


# --- notes --------------------------------------------------------------------------------------


def test_standalone_and_multiline_notes() -> None:
    assert only("A.\n\n[[Check this.]]\n\nB.", Kind.NOTE) == Element(
        Kind.NOTE, "Check this.", (3, 3)
    )
    element = only("[[A long\n  \nnote]]\nMEI\nHi.", Kind.NOTE)
    assert (element.text, element.lines) == ("A long\n  \nnote", (1, 3))
    assert only("[[A long\n  \nnote]]\nMEI\nHi.", Kind.DIALOGUE).lines == (4, 5)


def test_inline_notes_stay_in_text() -> None:
    element = only("She runs. [[faster?]]\nHe [[does he?]] follows.", Kind.ACTION)
    assert element.text == "She runs. [[faster?]]\nHe [[does he?]] follows."
    assert plain(element.text) == "She runs.\nHe follows."


def test_note_cannot_span_a_blank_line() -> None:
    assert kinds("[[Not\n\nclosed]]") == [Kind.ACTION, Kind.ACTION]


def test_note_spanning_lines_hides_what_is_inside() -> None:
    element = only("\nMEI\nWell [[maybe\n(beat)\nJOHN]] no.\n", Kind.DIALOGUE)
    assert element.speech == (Speech(D, "Well [[maybe\n(beat)\nJOHN]] no.", (3, 5)),)


# --- boneyard -----------------------------------------------------------------------------------

BONEYARD = """INT. A - DAY

/* Old scene:

INT. HOSPITAL - DAY

NURSE
Nobody leaves.
*/

MEI
Hello.
"""


def test_boneyard_block_is_not_parsed_and_lines_stay_right() -> None:
    elements = parse(BONEYARD)
    assert [(e.kind, e.lines) for e in elements] == [
        (Kind.SCENE_HEADING, (1, 1)),
        (Kind.BONEYARD, (3, 9)),
        (Kind.DIALOGUE, (11, 12)),
    ]
    assert elements[1].text == "Old scene:\n\nINT. HOSPITAL - DAY\n\nNURSE\nNobody leaves."


def test_boneyard_line_before_cue_is_transparent() -> None:
    elements = parse("A.\n\n/* cut */\nMEI\nHi.")
    assert [e.kind for e in elements] == [Kind.ACTION, Kind.BONEYARD, Kind.DIALOGUE]


def test_boneyard_inside_dialogue_and_action_stays_inline() -> None:
    element = only("\nMEI\nOne.\n/* (pause)\nJOHN */\nTwo.\n", Kind.DIALOGUE)
    assert [s.kind for s in element.speech] == [D] and element.lines == (2, 6)
    assert plain(element.text) == "One.\nTwo."
    action = only("He walks /* slowly\n\n*/ away.\n", Kind.ACTION)
    assert action.lines == (1, 3) and plain(action.text) == "He walks away."


SPEC_BONEYARD = """COGNITO
Everyone's coming after you mate!

As he rattles off the long list, Brick and Steel share a look.

CUT TO:
/*
INT. GARAGE - DAY

BRICK and STEEL get into Mom's PORSCHE.

BRICK
This is everybody we've ever put away.

CUT TO:
*/
EXT. PALATIAL MANSION - DAY

An EXTREMELY HANDSOME MAN drinks a beer.
"""


def test_spec_boneyard_example_keeps_transition_and_heading_apart() -> None:
    elements = parse(SPEC_BONEYARD)
    assert [(e.kind, e.lines) for e in elements] == [
        (Kind.DIALOGUE, (1, 2)),
        (Kind.ACTION, (4, 4)),
        (Kind.TRANSITION, (6, 6)),
        (Kind.BONEYARD, (7, 16)),
        (Kind.SCENE_HEADING, (17, 17)),
        (Kind.ACTION, (19, 19)),
    ]
    assert elements[2].text == "CUT TO:"
    assert elements[4].text == "EXT. PALATIAL MANSION - DAY"
    assert elements[3].text.startswith("INT. GARAGE - DAY\n\nBRICK and STEEL")


def test_boneyard_spanning_a_blank_line_never_joins_paragraphs() -> None:
    assert kinds("She waits.\n/*\n\n*/\nHe runs.") == [Kind.ACTION, Kind.BONEYARD, Kind.ACTION]
    elements = parse("MEI\nOne.\n/* (pause)\n\nJOHN */\nTwo.\n")
    assert [(e.kind, e.lines) for e in elements] == [
        (Kind.DIALOGUE, (1, 2)),
        (Kind.BONEYARD, (3, 5)),
        (Kind.ACTION, (6, 6)),
    ]
    assert kinds("A.\n\n/* old */\n\nINT. HOUSE - DAY\n\nB.") == [
        Kind.ACTION,
        Kind.BONEYARD,
        Kind.SCENE_HEADING,
        Kind.ACTION,
    ]


def test_boneyard_without_a_blank_line_inside_is_transparent() -> None:
    element = only("\nMEI\nOne.\n/* (pause) */\nTwo.\n", Kind.DIALOGUE)
    assert plain(element.text) == "One.\nTwo."
    assert only("[[n]] /* a\n\nb */\nMEI\nHi.", Kind.DIALOGUE).lines == (4, 5)


def test_boneyard_before_a_title_page_leaves_no_title_page() -> None:
    elements = parse("/* draft\n\n*/\nTitle: X\n\nINT. A - DAY")
    assert Kind.TITLE_PAGE not in [e.kind for e in elements]
    assert elements[0] == Element(Kind.BONEYARD, "draft", (1, 3))


def test_unclosed_openers_are_literal() -> None:
    assert kinds("/* never closed\n\nINT. A - DAY\n\nB.") == [
        Kind.ACTION,
        Kind.SCENE_HEADING,
        Kind.ACTION,
    ]
    assert only("[[ open\n", Kind.ACTION).text == "[[ open"


UNCLOSED = ["[[ " * 200_000, "/* " * 200_000, "[[" * 200_000, "[[ " * 200_000 + "\n\n]]"]


@pytest.mark.timeout(10)
@pytest.mark.parametrize("text", UNCLOSED, ids=["notes", "boneyard", "tight", "closed-too-late"])
def test_unclosed_openers_take_linear_time(text: str) -> None:
    """200,000 unclosed openers on one line took two minutes when each rescanned the line."""
    elements = parse(text + "\nSHE waits.")
    assert {e.kind for e in elements} == {Kind.ACTION}
    assert elements[0].text.startswith(text[:6]) and elements[-1].text.endswith("SHE waits.")
    assert plain(text) == text  # never closed (or not before a blank line): literal
