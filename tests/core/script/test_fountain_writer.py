"""Fountain writing: the forms it picks, and parse(to_fountain(x)) == x up to line numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.script import fountain
from studio.core.script.elements import Element, Kind, Speech, SpeechKind
from studio.core.script.fountain_writer import to_fountain


def el(kind: Kind, text: str = "", **extra: object) -> Element:
    return Element(kind, text, (0, 0), **extra)  # type: ignore[arg-type]


def talk(character: str, *parts: tuple[SpeechKind, str], **extra: object) -> Element:
    speech = tuple(Speech(k, t, (0, 0)) for k, t in parts)
    text = "\n".join(t for _, t in parts)
    return el(Kind.DIALOGUE, text, character=character, speech=speech, **extra)


def without_lines(elements: list[Element]) -> list[Element]:
    def clear(e: Element) -> Element:
        speech = tuple(dataclasses.replace(s, lines=(0, 0)) for s in e.speech)
        return dataclasses.replace(e, lines=(0, 0), speech=speech)

    return [clear(e) for e in elements]


def assert_round_trip(elements: list[Element]) -> str:
    text = to_fountain(elements)
    assert without_lines(fountain.parse(text)) == without_lines(elements), text
    return text


P, D, L = SpeechKind.PARENTHETICAL, SpeechKind.DIALOGUE, SpeechKind.LYRIC


@pytest.mark.parametrize(
    ("element", "written"),
    [
        (el(Kind.SCENE_HEADING, "INT. HOUSE - DAY", scene_number="1A"), "INT. HOUSE - DAY #1A#"),
        (el(Kind.SCENE_HEADING, "THE ROOFTOP"), ".THE ROOFTOP"),
        (el(Kind.SCENE_HEADING, "屋顶 - 夜"), ".屋顶 - 夜"),
        (el(Kind.ACTION, "He waits."), "He waits."),
        (el(Kind.ACTION, "BANG\nThe door flies open."), "!BANG\nThe door flies open."),
        (el(Kind.ACTION, "INT. is short for interior."), "!INT. is short for interior."),
        (el(Kind.ACTION, "林晓跑过来。\n她停下。"), "林晓跑过来。\n她停下。"),
        (el(Kind.ACTION, "JO (V.O.) ^\nwaves."), "!JO (V.O.) ^\nwaves."),
        (
            el(Kind.ACTION, "He waits.\n!Bang.\n~la\n> x <\n==="),
            "He waits.\n!!Bang.\n!~la\n!> x <\n!===",
        ),
        (el(Kind.ACTION, "> not a transition"), "!> not a transition"),
        (el(Kind.ACTION, "She fades to:"), "She fades to:"),
        (el(Kind.TRANSITION, "CUT TO:"), "CUT TO:"),
        (el(Kind.TRANSITION, "FADE OUT."), "> FADE OUT."),
        (el(Kind.CENTERED, "THE END"), "> THE END <"),
        (el(Kind.PAGE_BREAK), "==="),
        (el(Kind.NOTE, "check this"), "[[check this]]"),
        (el(Kind.BONEYARD, "old scene"), "/*old scene*/"),
        (el(Kind.SECTION, "Act one", depth=2), "## Act one"),
        (el(Kind.SYNOPSIS, "They meet."), "= They meet."),
        (el(Kind.LYRICS, "La la\nLa"), "~La la\n~La"),
        (talk("MARA", (D, "Hi.")), "MARA\nHi."),
        (talk("林晓", (D, "你好。")), "@林晓\n你好。"),
        (talk("McCLANE", (D, "Yippee.")), "@McCLANE\nYippee."),
        (
            talk("JO", (P, "(low)"), (D, "One."), (L, "Two"), extension="V.O.", dual=True),
            "JO (V.O.) ^\n(low)\nOne.\n~Two",
        ),
    ],
)
def test_written_form(element: Element, written: str) -> None:
    previous = [talk("A", (D, "x"))] if element.dual else []
    text = to_fountain([*previous, element])
    assert text.endswith(written + "\n")
    assert_round_trip([*previous, element])


def test_title_page_first_and_multiline_fields() -> None:
    elements = [
        el(
            Kind.TITLE_PAGE,
            "BIG NIGHT",
            fields=(("Title", "BIG NIGHT"), ("Author", "A. Writer"), ("Contact", "a@b.c\n555")),
        ),
        el(Kind.SCENE_HEADING, "EXT. PIER - NIGHT"),
    ]
    text = assert_round_trip(elements)
    assert text.startswith("Title: BIG NIGHT\nAuthor: A. Writer\nContact:\n    a@b.c\n    555\n\n")


def test_action_that_looks_like_a_title_page() -> None:
    assert_round_trip([el(Kind.ACTION, "Note: the dog is asleep.")])


@pytest.mark.parametrize(
    "text",
    [
        "INT. HOUSE - DAY\n[[Shot: wide]]\n\nEXT. ROAD\n\nBANG\nHe runs.",
        "Rain. [[a note\n> that spans <\n~lines]] Still rain.\n\nMARA\nHi /* cut\n\nthis */ there.",
        "!\n\nA\n!\n\n~la [[x\ny]]\n~lo",
        "Title: T\n\nNote: not a title key once the title page is there.",
        "Note: the first paragraph is a title page unless forced.",
    ],
)
def test_parsed_fountain_survives_a_rewrite(text: str) -> None:
    assert_round_trip(fountain.parse(text))


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parent / "corpus").glob("*.fountain")), ids=lambda p: p.name
)
def test_corpus_survives_a_rewrite(path: Path) -> None:
    assert_round_trip(fountain.parse_file(path))


@pytest.mark.timeout(10)
def test_unclosed_openers_are_written_in_linear_time() -> None:
    text = "[[ /* " * 100_000
    assert assert_round_trip([el(Kind.ACTION, text.strip())]) == "!" + text.strip() + "\n"


def test_nothing_to_write() -> None:
    assert to_fountain([]) == ""


def test_empty_line_inside_dialogue() -> None:
    text = to_fountain([talk("MARA", (D, "One.\n\nTwo."))])
    assert "One.\n  \nTwo." in text


# --- property: random element lists survive the round trip -----------------------------------

WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP林晓雨夜说走0123456789", min_size=1
)
PUNCT = st.sampled_from(["", ".", ",", "!", "?", "'s", "-"])
UPPER = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)


@st.composite
def phrase(draw: st.DrawFn, words: st.SearchStrategy[str] = WORD, most: int = 6) -> str:
    parts = draw(st.lists(st.tuples(words, PUNCT), min_size=1, max_size=most))
    return " ".join(w + p for w, p in parts)


def lines_of(line: st.SearchStrategy[str], most: int = 3) -> st.SearchStrategy[str]:
    return st.lists(line, min_size=1, max_size=most).map("\n".join)


LEAD = st.sampled_from(["", "", "", ">", "#", "=", "~", "@", ".", "INT. ", "EXT. "])


@st.composite
def action(draw: st.DrawFn) -> Element:
    first = draw(LEAD) + draw(phrase())
    rest = draw(st.lists(phrase(), max_size=2))
    return el(Kind.ACTION, "\n".join([first, *rest]))


@st.composite
def scene(draw: st.DrawFn) -> Element:
    lead = draw(st.sampled_from(["INT. ", "EXT. ", "I/E ", "", ""]))
    number = draw(st.sampled_from(["", "", "1", "12A", "A1", "3.1", "I-1-A"]))
    return el(Kind.SCENE_HEADING, lead + draw(phrase(UPPER | WORD)), scene_number=number)


@st.composite
def dialogue(draw: st.DrawFn, dual: bool = False) -> Element:
    name = draw(st.sampled_from(["MARA", "DR. KIM", "林晓", "McCLANE", "Jo", "R2", "O'NEIL"]))
    extension = draw(st.sampled_from(["", "", "V.O.", "O.S.", "CONT'D", "V.O. CONT'D"]))
    part = st.one_of(
        phrase().map(lambda t: (P, f"({t})")),
        lines_of(phrase()).map(lambda t: (D, t)),
        phrase().map(lambda t: (L, t)),
    )
    merged: list[tuple[SpeechKind, str]] = []
    for kind, text in draw(st.lists(part, min_size=1, max_size=4)):
        if merged and kind is D and merged[-1][0] is D:  # Fountain joins dialogue lines
            kind, text = D, merged.pop()[1] + "\n" + text
        merged.append((kind, text))
    return talk(name, *merged, extension=extension, dual=dual)


def simple_kind(kind: Kind, text: st.SearchStrategy[str], **extra: object) -> st.SearchStrategy:
    return text.map(lambda t: el(kind, t, **extra))


ELEMENT = st.one_of(
    action(),
    scene(),
    dialogue(),
    simple_kind(Kind.TRANSITION, phrase(UPPER).map(lambda t: t + " TO:")),
    simple_kind(Kind.TRANSITION, phrase()),
    simple_kind(Kind.CENTERED, phrase()),
    simple_kind(Kind.PAGE_BREAK, st.just("")),
    simple_kind(Kind.NOTE, lines_of(phrase())),
    simple_kind(Kind.BONEYARD, lines_of(phrase())),
    st.tuples(phrase(), st.integers(1, 3)).map(lambda t: el(Kind.SECTION, t[0], depth=t[1])),
    simple_kind(Kind.SYNOPSIS, phrase()),
    simple_kind(Kind.LYRICS, lines_of(phrase())),
)


def title_page(fields: list[tuple[str, str]]) -> Element:
    title = next((value for key, value in fields if key == "Title"), "")
    return el(Kind.TITLE_PAGE, title, fields=tuple(fields))


TITLE = st.lists(
    st.tuples(st.sampled_from(["Title", "Credit", "Author", "Draft date", "Contact"]), phrase()),
    min_size=1,
    max_size=4,
).map(title_page)


@st.composite
def script(draw: st.DrawFn) -> list[Element]:
    elements = [draw(TITLE)] if draw(st.booleans()) else []
    for element in draw(st.lists(ELEMENT, min_size=1, max_size=8)):
        elements.append(element)
        if element.kind is Kind.DIALOGUE and draw(st.integers(0, 3)) == 0:
            elements.append(draw(dialogue(dual=True)))
    return elements


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script())
def test_round_trip_of_random_scripts(elements: list[Element]) -> None:
    assert_round_trip(elements)
