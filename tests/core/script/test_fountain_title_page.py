"""The Fountain title page: ``Key: value`` lines, continuations, indentation."""

from __future__ import annotations

import pytest

from studio.core.script.elements import Element, Kind
from studio.core.script.fountain import parse


def kinds(text: str) -> list[Kind]:
    return [e.kind for e in parse(text)]


def only(text: str, kind: Kind) -> Element:
    (element,) = [e for e in parse(text) if e.kind is kind]
    return element


# --- title page ---------------------------------------------------------------------------------

TITLE = """Title:
    _**BRICK & STEEL**_
    FULL RETIRED
Credit: Written by
Author: Stu
Draft date: 1/20/2012
Contact:
\tNext Level Productions
\tSolvang, CA

INT. HOUSE - DAY
"""


def test_title_page_fields_and_multiline_values() -> None:
    page, heading = parse(TITLE)
    assert page.kind is Kind.TITLE_PAGE and page.lines == (1, 9)
    assert page.fields == (
        ("Title", "_**BRICK & STEEL**_\nFULL RETIRED"),
        ("Credit", "Written by"),
        ("Author", "Stu"),
        ("Draft date", "1/20/2012"),
        ("Contact", "Next Level Productions\nSolvang, CA"),
    )
    assert page.text == "_**BRICK & STEEL**_\nFULL RETIRED"
    assert heading.kind is Kind.SCENE_HEADING and heading.lines == (11, 11)


def test_title_page_inline_value_with_continuation() -> None:
    page = parse("Title: The Heiress\n    Returns\nAuthor: Lin\n\nText.")[0]
    assert page.fields == (("Title", "The Heiress\nReturns"), ("Author", "Lin"))


def test_indented_title_page() -> None:
    text = "    Title: Big Fish\n    Credit: written by\n    Author: John August\n\nINT. A - DAY"
    page, heading = parse(text)
    assert page.kind is Kind.TITLE_PAGE and page.text == "Big Fish" and page.lines == (1, 3)
    assert page.fields == (
        ("Title", "Big Fish"),
        ("Credit", "written by"),
        ("Author", "John August"),
    )
    assert heading.kind is Kind.SCENE_HEADING
    nested = parse("\tTitle:\n\t\tTHE HEIRESS\n\t\tRETURNS\n\tAuthor: Lin\n\nHi.")[0]
    assert nested.fields == (("Title", "THE HEIRESS\nRETURNS"), ("Author", "Lin"))


def test_title_page_only_at_the_start() -> None:
    assert kinds("\n\nTitle: x\n\nHi.") == [Kind.TITLE_PAGE, Kind.ACTION]
    assert kinds("Hi.\n\nTitle: x\nAuthor: y") == [Kind.ACTION, Kind.ACTION]


@pytest.mark.parametrize(
    "text",
    ["FADE IN:\n\nHi.", "INT. HOUSE: DAY\n\nHi.", "Title: x\nnot a key line\n\nHi.", "Title:\n"],
)
def test_not_a_title_page(text: str) -> None:
    assert Kind.TITLE_PAGE not in kinds(text)


def test_heading_right_after_title_page() -> None:
    assert kinds("Title: x\n\nEXT. SEA - DAY\n\nWaves.")[1] is Kind.SCENE_HEADING
