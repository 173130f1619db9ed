"""Property tests: the Fountain parser takes any text and returns well-formed elements."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.script.elements import Element, Kind, ScriptError
from studio.core.script.emphasis import plain, runs
from studio.core.script.fountain import decode, parse

FRAGMENTS = [
    "INT. ", "EXT. ", "EST ", "INT./EXT ", "I/E ", ".", "..", "@", "^", "[[", "]]", "/*", "*/",
    ">", "<", "> THE END <", "===", "#", "##", "=", "~", "!", "(", ")", "(V.O.)", "#1A#",
    "林晓", "第一集", "MEI", "ZHOU ^", "Hello.", "CUT TO:", "Title:", "Author: x", ":", "*", "**",
    "_", "\\", " ", "  ", "\t", "\n", "\n", "\n\n", "\r\n", "\r", "\u3000", "\ufeff",
]  # fmt: skip

fountainish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=60).map(
    "".join
)
any_text = st.text(max_size=300)
FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _line_count(text: str) -> int:
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def _check(text: str, elements: list[Element]) -> None:
    count = _line_count(text)
    previous = 0
    covered: set[int] = set()
    for element in elements:
        assert isinstance(element.kind, Kind)
        first, last = element.lines
        assert previous < first <= last <= count, (element, count)
        previous = last
        covered.update(range(first, last + 1))
        inner = first
        for part in element.speech:
            assert first < part.lines[0] <= part.lines[1] <= last
            assert part.lines[0] >= inner
            inner = part.lines[1] + 1
        if element.kind is Kind.DIALOGUE:
            assert element.character
        if element.kind is Kind.TITLE_PAGE:
            assert element.fields and first == min(covered)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").split("\n")
    for number, line in enumerate(lines, start=1):
        if line.strip():
            assert number in covered, (number, line)


@FAST
@given(any_text)
def test_any_text_parses(text: str) -> None:
    _check(text, parse(text))


@FAST
@given(fountainish)
def test_fountainish_text_parses(text: str) -> None:
    _check(text, parse(text))


@FAST
@given(fountainish)
def test_plain_and_runs_agree(text: str) -> None:
    styled = runs(text)
    assert "".join(part for part, _ in styled) == plain(text)
    assert all(part and style <= {"bold", "italic", "underline"} for part, style in styled)


@FAST
@given(st.binary(max_size=200))
def test_decode_either_returns_text_or_raises_script_error(data: bytes) -> None:
    try:
        text = decode(data)
    except ScriptError as error:
        assert "\n" not in str(error)
    else:
        assert "\r" not in text
        _check(text, parse(text))
