"""Unit tests for the Fountain 1.1 parser (``fountain``) and inline markup (``emphasis``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from studio.core.script.elements import Element, Kind, Speech, SpeechKind
from studio.core.script.emphasis import plain
from studio.core.script.fountain import decode, parse, parse_file

CORPUS = Path(__file__).parent / "corpus"
D, P, L = SpeechKind.DIALOGUE, SpeechKind.PARENTHETICAL, SpeechKind.LYRIC


def kinds(text: str) -> list[Kind]:
    return [e.kind for e in parse(text)]


def only(text: str, kind: Kind) -> Element:
    (element,) = [e for e in parse(text) if e.kind is kind]
    return element


def test_parse_normalises_newlines_itself() -> None:
    assert [e.lines for e in parse("A\r\rB\r\n\r\nC")] == [(1, 1), (3, 3), (5, 5)]
    assert parse("\ufeffINT. A - DAY")[0].kind is Kind.SCENE_HEADING


# --- scene headings -----------------------------------------------------------------------------


# fmt: off
HEADINGS = [
    "INT. HOUSE - DAY", "EXT. SEA - NIGHT", "EST. CHEN TOWER - DAWN",
    "INT./EXT. CAR - MOVING", "INT/EXT. GATE - CONTINUOUS", "I/E. GARAGE",
    "int. nursery - night", "INT HOUSE", "EXT. 海边别墅 - 夜",
]
# fmt: on


@pytest.mark.parametrize("line", HEADINGS)
def test_scene_heading_prefixes(line: str) -> None:
    element = parse(f"Before.\n\n{line}\n\nAfter.")[1]
    assert element.kind is Kind.SCENE_HEADING and element.text == line and element.lines == (3, 3)


@pytest.mark.parametrize("line", ["INTERIOR HOUSE", "EXTRA EXTRA", "INT", "ESTATE SALE.", "I/EX"])
def test_not_scene_headings(line: str) -> None:
    assert Kind.SCENE_HEADING not in kinds(f"\n{line}\n\n")


def test_forced_scene_heading() -> None:
    element = only(".FLASHBACK - 1999\n\nHi.", Kind.SCENE_HEADING)
    assert element.text == "FLASHBACK - 1999"
    assert only(".the dream\n", Kind.SCENE_HEADING).text == "the dream"
    assert only(".**DREAM**\n", Kind.SCENE_HEADING).text == "**DREAM**"
    assert Kind.SCENE_HEADING not in kinds("...and then\n\nHi.")


@pytest.mark.parametrize(
    "line", [". . . where the carnival is parked.", ". the dream", "...", ".(later)", ". . . MEI"]
)
def test_only_a_period_then_a_letter_or_digit_forces_a_heading(line: str) -> None:
    elements = parse(f"A.\n\n{line}\n\nB.")
    assert [e.kind for e in elements] == [Kind.ACTION] * 3
    assert elements[1].text == line


# fmt: off
SCENE_NUMBERS = [
    ("INT. HOUSE - DAY #1#", "INT. HOUSE - DAY", "1"),
    ("INT. HOUSE - DAY #1A#", "INT. HOUSE - DAY", "1A"),
    ("EXT. SEA #I-1-A#  ", "EXT. SEA", "I-1-A"),
    (".DREAM #110.2#", "DREAM", "110.2"),
    ("INT. HOUSE #1 A#", "INT. HOUSE #1 A#", ""),
    ("INT. HOUSE #1_2#", "INT. HOUSE #1_2#", ""),
]
# fmt: on


@pytest.mark.parametrize(("line", "text", "number"), SCENE_NUMBERS)
def test_scene_numbers(line: str, text: str, number: str) -> None:
    element = only(f"{line}\n\nHi.", Kind.SCENE_HEADING)
    assert (element.text, element.scene_number) == (text, number)


def test_scene_heading_needs_blank_lines_around() -> None:
    assert Kind.SCENE_HEADING not in kinds("She says\nINT. HOUSE - DAY\n\nHi.")
    assert Kind.SCENE_HEADING not in kinds("Hi.\n\n.FLASHBACK\nStill action.")
    assert Kind.DIALOGUE not in kinds("Hi.\n\n.FLASHBACK\nStill action.")
    assert only("int. house - day\nShe sits.", Kind.ACTION).lines == (1, 2)
    assert only("INT. HOUSE - DAY\nShe sits.", Kind.DIALOGUE).character == "INT. HOUSE - DAY"


def test_heading_and_transition_ignore_a_note_line_below_them() -> None:
    assert kinds("INT. A - DAY\n[[rain?]]\n\nHi.") == [Kind.SCENE_HEADING, Kind.NOTE, Kind.ACTION]
    assert only("INT. A - DAY [[rain?]] #3#\n", Kind.SCENE_HEADING).scene_number == "3"


def test_indented_heading() -> None:
    assert only("  INT. A - DAY\n\nHi.", Kind.SCENE_HEADING).text == "INT. A - DAY"


# --- action -------------------------------------------------------------------------------------


def test_action_paragraph_keeps_indentation_and_drops_trailing_space() -> None:
    element = only("\nShe runs.   \n\tHe follows.\n    The door shuts.\n\n", Kind.ACTION)
    assert element.text == "She runs.\n\tHe follows.\n    The door shuts."
    assert element.lines == (2, 4)


def test_forced_action() -> None:
    element = only("!INT. HOUSE - DAY\n\n", Kind.ACTION)
    assert element.text == "INT. HOUSE - DAY"
    assert kinds("\n!SCREAMS\nfrom the hall.") == [Kind.ACTION]
    assert only("\n  !CUT TO:\n\n", Kind.ACTION).text == "  CUT TO:"


def test_caps_line_without_blank_before_is_action() -> None:
    assert kinds("She turns.\nMEI\nHello.") == [Kind.ACTION]


def test_action_stops_before_lyric_centered_and_page_break() -> None:
    assert kinds("Go.\n~la\n> END <\n===\nB.") == [
        Kind.ACTION,
        Kind.LYRICS,
        Kind.CENTERED,
        Kind.PAGE_BREAK,
        Kind.ACTION,
    ]


# --- characters and dialogue --------------------------------------------------------------------


# fmt: off
CUES = [
    ("MEI", "MEI", ""), ("MEI (V.O.)", "MEI", "V.O."),
    ("BUTLER (O.S.)", "BUTLER", "O.S."), ("NURSE (O.S.) (CONT'D)", "NURSE", "O.S. CONT'D"),
    ("HANS (on the radio)", "HANS", "on the radio"), ("GUARD #2", "GUARD #2", ""),
    ("R2D2", "R2D2", ""), ("@McKENNA", "McKENNA", ""),
    ("@林晓", "林晓", ""), ("@林晓 (V.O.)", "林晓", "V.O."),
    ("  MEI  ", "MEI", ""), ("@ Mr. Zhao", "Mr. Zhao", ""),
]
# fmt: on


@pytest.mark.parametrize(("cue", "name", "extension"), CUES)
def test_character_cues(cue: str, name: str, extension: str) -> None:
    element = only(f"Before.\n\n{cue}\nHello.\n\nAfter.", Kind.DIALOGUE)
    assert (element.character, element.extension, element.dual) == (name, extension, False)
    assert element.text == "Hello." and element.lines == (3, 4)


@pytest.mark.parametrize("cue", ["林晓", "McKENNA", "@", "@(V.O.)", "(V.O.)", "1999", "Mei"])
def test_not_character_cues(cue: str) -> None:
    assert Kind.DIALOGUE not in kinds(f"\n{cue}\nHello.\n")


def test_cue_needs_a_following_line() -> None:
    assert kinds("\nMEI\n\nHello.") == [Kind.ACTION, Kind.ACTION]
    assert kinds("\nMEI") == [Kind.ACTION]


def test_dialogue_block_parts() -> None:
    text = (
        "\nZHOU (O.S.)\n(shouting)\nOpen the door!\nNow!\n  \nI know.\n~la la\n(beat)\nBye.\n\nX."
    )
    element = only(text, Kind.DIALOGUE)
    assert element.speech == (
        Speech(P, "(shouting)", (3, 3)),
        Speech(D, "Open the door!\nNow!\n\nI know.", (4, 7)),
        Speech(L, "la la", (8, 8)),
        Speech(P, "(beat)", (9, 9)),
        Speech(D, "Bye.", (10, 10)),
    )
    assert element.text == "(shouting)\nOpen the door!\nNow!\n\nI know.\nla la\n(beat)\nBye."
    assert element.lines == (2, 10)


def test_dialogue_lines_are_trimmed_and_keep_markup() -> None:
    element = only("\nMEI\n   I *said*  [[aside]] no.   \n", Kind.DIALOGUE)
    assert element.text == "I *said*  [[aside]] no."
    assert plain(element.text) == "I said no."


def test_parenthetical_must_be_whole_line() -> None:
    element = only("\nJUNE\n(whispering) Go.\n(softly)\n", Kind.DIALOGUE)
    assert [s.kind for s in element.speech] == [D, P]


def test_two_space_line_right_after_cue() -> None:
    element = only("\nMEI\n  \nHello.\n", Kind.DIALOGUE)
    assert element.speech == (Speech(D, "\nHello.", (3, 4)),)


def test_dual_dialogue() -> None:
    elements = parse("\nZHOU\nAnswer it.\n\nMEI ^\nYou answer it.\n")
    assert [(e.character, e.dual) for e in elements] == [("ZHOU", False), ("MEI", True)]
    elements = parse("\nZHOU\nA.\n\n[[note]]\n\n@林晓 (V.O.) ^\nB.\n")
    assert (elements[-1].character, elements[-1].extension, elements[-1].dual) == (
        "林晓",
        "V.O.",
        True,
    )


def test_caret_without_a_first_block_is_not_dual() -> None:
    element = only("Mei freezes.\n\nZHOU ^\nNobody answers.", Kind.DIALOGUE)
    assert (element.character, element.dual) == ("ZHOU", False)


# --- transitions, centered, page breaks, lyrics ---------------------------------------------------


def test_transitions() -> None:
    assert only("A.\n\nCUT TO:\n\nB.", Kind.TRANSITION).text == "CUT TO:"
    assert only("A.\n\n> SMASH CUT TO:\n\nB.", Kind.TRANSITION).text == "SMASH CUT TO:"
    assert only(">FADE OUT.\n", Kind.TRANSITION).text == "FADE OUT."
    assert only("A.\n\n   CUT TO:\n\nB.", Kind.TRANSITION).text == "CUT TO:"
    assert only("A.\n\nCUT TO: [[quick]]\n\nB.", Kind.TRANSITION).text == "CUT TO:"


@pytest.mark.parametrize("line", ["CUT TO: ", "CUT TO:\t", "CUT TO:  "])
def test_transition_must_end_in_to_colon_exactly(line: str) -> None:
    elements = parse(f"A.\n\n{line}\n\nB.")
    assert [e.kind for e in elements] == [Kind.ACTION] * 3
    assert elements[1].text == "CUT TO:"
    assert Kind.TRANSITION not in kinds("A.\n\ncut to:\n\nB.")
    assert Kind.TRANSITION not in kinds("A.\nCUT TO:\n\nB.")
    assert only("A.\n\nCUT TO:\nB.", Kind.DIALOGUE).character == "CUT TO:"


def test_centered() -> None:
    assert only("> THE END <", Kind.CENTERED).text == "THE END"
    element = only(">TO BE<\n> CONTINUED <\nAfter.", Kind.CENTERED)
    assert (element.text, element.lines) == ("TO BE\nCONTINUED", (1, 2))


@pytest.mark.parametrize("line", ["===", "=====", "  ===  "])
def test_page_break(line: str) -> None:
    assert parse(f"A.\n\n{line}\n\nB.")[1] == Element(Kind.PAGE_BREAK, "", (3, 3))


def test_lyrics_outside_dialogue() -> None:
    element = only("\n~Happy birthday to you,\n~ happy birthday.\n", Kind.LYRICS)
    assert (element.text, element.lines) == ("Happy birthday to you,\nhappy birthday.", (2, 3))


# --- sections, synopses -------------------------------------------------------------------------


# fmt: off
SECTIONS = [
    ("# Episode 1", "Episode 1", 1), ("# 第一集", "第一集", 1),
    ("##Act", "Act", 2), ("### The rain", "The rain", 3),
    ("###### Deep", "Deep", 6), ("####### Deeper", "Deeper", 7),
]
# fmt: on


@pytest.mark.parametrize(("line", "text", "depth"), SECTIONS)
def test_sections(line: str, text: str, depth: int) -> None:
    element = only(f"{line}\n\nA.", Kind.SECTION)
    assert (element.text, element.depth, element.lines) == (text, depth, (1, 1))


def test_synopsis_and_section_lines_stand_alone() -> None:
    elements = parse("# Episode 1\n= She finds out.\nINT. A - DAY\n\nB.")
    assert [e.kind for e in elements] == [
        Kind.SECTION,
        Kind.SYNOPSIS,
        Kind.SCENE_HEADING,
        Kind.ACTION,
    ]
    assert elements[1].text == "She finds out."


def test_emphasis_stays_as_written_in_text() -> None:
    assert only("\nMEI\nI said **no**.\n", Kind.DIALOGUE).text == "I said **no**."


# --- robustness and speed -----------------------------------------------------------------------


# fmt: off
ODD_INPUTS = [
    "", "\n", "\n\n\n", "  ", "@", "^", "#", "=", "~", "!", ">", "<", "><", "[[", "]]", "/*", "*/",
    "[[]]", "/**/", ".", "..", "(", "()", "\x00", "\ufeff", "INT.", "Title:", ": x", "\r",
    "@\n^\n\n#", "~\n~", "(\n)", "/*\n*/*/", "[[[[\n]]]]", "\n\nA\n  \n  \n", "\n\n@X\n  ",
]
# fmt: on


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_inputs_never_raise(text: str) -> None:
    for element in parse(text):
        assert 1 <= element.lines[0] <= element.lines[1] <= text.count("\n") + 1


def test_blank_lines_are_not_elements() -> None:
    assert parse("\n \n\t\n") == []


def test_whitespace_only_line_is_blank() -> None:
    assert kinds("\nMEI\nHi.\n   \nBob walks.") == [Kind.DIALOGUE, Kind.ACTION]


def test_five_thousand_lines_parse_fast() -> None:
    block = (
        "INT. HOUSE - DAY #12#\n\nShe walks in, *slowly*. [[check]]\nThe door creaks.\n\n"
        "JOHN (V.O.)\n(quietly)\nHello there.\nI am fine.\n\nMARY ^\nFine.\n\nCUT TO:\n\n"
    )
    text = block * (5000 // block.count("\n") + 1)
    start = time.perf_counter()
    elements = parse(text)
    assert time.perf_counter() - start < 0.5
    assert len(elements) > 1500


# --- corpus -------------------------------------------------------------------------------------


def test_corpus_covers_every_kind_and_encoding() -> None:
    files = sorted(CORPUS.glob("*.fountain"))
    seen = {e.kind for path in files for e in parse_file(path)}
    assert seen == set(Kind)
    raw = [path.read_bytes() for path in files]
    assert any(b"\r\n" in data for data in raw)
    assert any(data.startswith(b"\xef\xbb\xbf") for data in raw)
    elements = [e for path in files for e in parse_file(path)]
    assert any(e.kind is Kind.DIALOGUE and e.character == "林晓" for e in elements)
    assert any(e.kind is Kind.DIALOGUE and e.dual for e in elements)
    assert {e.text for e in elements if e.kind is Kind.SECTION} >= {"Episode 1", "第一集"}


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.fountain")), ids=lambda p: p.name)
def test_corpus_line_spans_match_the_file(path: Path) -> None:
    lines = decode(path.read_bytes()).split("\n")
    previous = 0
    for element in parse_file(path):
        first, last = element.lines
        assert previous < first <= last <= len(lines)
        assert lines[first - 1].strip() and lines[last - 1].strip()
        previous = last


def test_fullwidth_parenthetical() -> None:
    element = only("\n@林晓\n（低声）\n你好。\n", Kind.DIALOGUE)
    assert [(p.kind, p.text) for p in element.speech] == [
        (SpeechKind.PARENTHETICAL, "（低声）"),
        (SpeechKind.DIALOGUE, "你好。"),
    ]
