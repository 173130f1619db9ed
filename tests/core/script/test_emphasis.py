"""Fountain inline markup: what a reader sees, and the styled runs a highlighter paints."""

import pytest

from studio.core.script.emphasis import plain, runs

# fmt: off
PLAIN_CASES = [
    ("*italic* **bold** ***both*** _under_", "italic bold both under"),
    ("_**BRICK & STEEL**_", "BRICK & STEEL"),
    ("\\*not italic\\* and \\_not under\\_", "*not italic* and _not under_"),
    ("* not italic * 2 * 3", "* not italic * 2 * 3"),
    ("snake_case_name", "snake_case_name"),
    ("**unclosed", "**unclosed"),
    ("*across\nlines*", "*across\nlines*"),
    ("From **here *to* there**", "From here to there"),
    ("Hello [[note]].", "Hello."),
    ("  [[note]] indented", "  indented"),
    ("A /* gone\n\nacross lines */ B", "A B"),
    ("One\n[[a whole line]]\nTwo", "One\nTwo"),
    ("One\n\nTwo", "One\n\nTwo"),
    ("[[unclosed", "[[unclosed"),
    ("keep  double  spaces", "keep  double  spaces"),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), PLAIN_CASES)
def test_plain(text: str, expected: str) -> None:
    assert plain(text) == expected


def test_runs() -> None:
    bold, italic, under = frozenset({"bold"}), frozenset({"italic"}), frozenset({"underline"})
    assert runs("a **b** *c* _d_ ***e***") == [
        ("a ", frozenset()),
        ("b", bold),
        (" ", frozenset()),
        ("c", italic),
        (" ", frozenset()),
        ("d", under),
        (" ", frozenset()),
        ("e", bold | italic),
    ]
    assert runs("_**x**_\ny") == [("x", bold | under), ("\ny", frozenset())]
    assert runs("") == []


@pytest.mark.parametrize("text", ["*a **b** c*", "x [[n]] _y_ /* z */", "\\* *\\**", "a\n\n*b*"])
def test_runs_join_to_plain(text: str) -> None:
    assert "".join(part for part, _ in runs(text)) == plain(text)
