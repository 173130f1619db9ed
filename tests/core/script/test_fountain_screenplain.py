"""Our Fountain parser against the independent ``screenplain`` parser, on the corpus.

Compared per file: the scene headings (text and scene number), the dialogue blocks in order
(character base name, dual flag, and every speech line with its parenthetical flag), and the
set of character names. Action, transitions and the rest are not compared.

screenplain 0.12 departs from the Fountain 1.1 spec in a few places that the corpus exercises on
purpose. Each one is normalised here, narrowly, and nowhere else:

1. Whole-line notes. screenplain deletes ``[[...]]`` inside a paragraph but keeps the line, so a
   note line on its own turns into an empty line: a note above a heading makes the heading a
   two-line paragraph (no longer a heading), a note line inside dialogue becomes an empty speech
   line. The spec says notes are not part of the script, so before screenplain sees the text,
   lines that hold nothing but notes are deleted (``_without_whole_line_markup``).
2. Whole-line boneyard. screenplain deletes ``/* ... */`` from the whole text before splitting
   lines, so a boneyard line inside a dialogue block becomes a blank line and ends the block
   (the rest turns into action). Same remedy: lines that hold nothing but boneyard are deleted.
3. Lyrics in dialogue. screenplain has no lyrics; ``~line`` stays a dialogue line with its
   ``~``. We drop the ``~`` from screenplain's line.
4. Parentheticals. screenplain marks a line starting with ``(`` as parenthetical and keeps every
   following line parenthetical until one ends with ``)``; the spec's parenthetical is a line
   wholly in parentheses. We recompute screenplain's flag per line by the spec rule.
5. A ``^`` cue that does not follow a dialogue block: screenplain keeps the ``^`` in the name.
   We strip it (and the block is not dual on either side).
6. ``\\_`` escapes: screenplain only unescapes ``\\*``; a lone ``\\_`` keeps its backslash (and a
   pair ``\\_x\\_`` is even read as underline). The corpus has a lone one; we unescape it.
7. Scene headings: screenplain upper-cases the whole heading, scene number included; headings are
   compared case-insensitively.
8. Whitespace: screenplain leaves the spaces on both sides of a removed inline note (two spaces),
   we collapse them; speech lines are compared with runs of whitespace collapsed.

Deviations the corpus deliberately avoids (test_fountain.py pins our behaviour): indented scene
headings (screenplain: action), whitespace-only lines other than ``""``/``" "`` (screenplain: not
blank, so they glue paragraphs), a failed forced heading ``.JOHN`` above a line (screenplain: a cue
named ``.JOHN``; ours: action), underscores inside words (screenplain underlines ``snake_case``),
``_`` in scene numbers (screenplain accepts it), ``#######`` (screenplain: action; ours: a depth-7
section), and a title-page value continued on indented lines after an inline value
(screenplain: no title page at all).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from screenplain.parsers import fountain as screenplain_fountain
from screenplain.types import Dialog, DualDialog, Slug

from studio.core.script.elements import Element, Kind, SpeechKind
from studio.core.script.emphasis import plain
from studio.core.script.fountain import parse_file

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.fountain"))

# A line made only of notes (not across a blank line) or only of boneyard, with its newline.
_WHOLE_LINE_MARKUP = re.compile(
    r"^[ \t]*(?:(?:\[\[(?:(?!\]\]).)*?\]\]|/\*.*?\*/)[ \t]*)+(?:\r?\n|\Z)",
    re.DOTALL | re.MULTILINE,
)
_BLANK_INSIDE = re.compile(r"\n(?!  \r?\n)[ \t]*\r?\n")

Block = tuple[str, bool, tuple[tuple[bool, str], ...]]


def _without_whole_line_markup(text: str) -> str:
    """Deviations 1 and 2: delete lines holding nothing but notes/boneyard."""

    def drop(match: re.Match[str]) -> str:
        is_note_only = "/*" not in match.group(0)
        if is_note_only and _BLANK_INSIDE.search(match.group(0)):
            return match.group(0)  # not a note by the spec: a note cannot span a blank line
        return ""

    return _WHOLE_LINE_MARKUP.sub(drop, text)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _is_parenthetical(line: str) -> bool:
    return len(line) >= 2 and line.startswith("(") and line.endswith(")")


def _their_blocks(para: object) -> list[tuple[Dialog, bool]]:
    if isinstance(para, DualDialog):
        return [(para.left, False), (para.right, True)]
    if isinstance(para, Dialog):
        return [(para, False)]
    return []


def _their_block(dialog: Dialog, dual: bool) -> Block:
    name = str(dialog.character).split("(", 1)[0].strip()
    name = name.removesuffix("^").rstrip()  # deviation 5
    lines = []
    for _, rich in dialog.blocks:
        line = str(rich).strip().replace("\\_", "_")  # deviation 6
        line = line.removeprefix("~").strip()  # deviation 3
        lines.append((_is_parenthetical(line), _squash(line)))  # deviations 4 and 8
    return name, dual, tuple(lines)


def screenplain_view(path: Path) -> tuple[list[tuple[str, str]], list[Block]]:
    # Read independently of our decode(): utf-8-sig drops a BOM, newline="" keeps CR/CRLF for
    # screenplain's own line splitting.
    text = path.read_bytes().decode("utf-8-sig")
    text = _without_whole_line_markup(text)
    play = screenplain_fountain.parse(io.StringIO(text, newline=""))
    headings: list[tuple[str, str]] = []
    blocks: list[Block] = []
    for para in play.paragraphs:
        if isinstance(para, Slug):
            number = str(para.scene_number) if para.scene_number else ""
            headings.append((_squash(str(para.line)).upper(), number.upper()))  # deviation 7
        blocks += [_their_block(dialog, dual) for dialog, dual in _their_blocks(para)]
    return headings, blocks


def _our_block(element: Element) -> Block:
    lines = []
    for part in element.speech:
        is_paren = part.kind is SpeechKind.PARENTHETICAL
        for line in plain(part.text).split("\n"):
            lines.append((is_paren, _squash(line)))
    return element.character, element.dual, tuple(lines)


def our_view(path: Path) -> tuple[list[tuple[str, str]], list[Block]]:
    elements = parse_file(path)
    headings = [
        (_squash(plain(e.text)).upper(), e.scene_number.upper())
        for e in elements
        if e.kind is Kind.SCENE_HEADING
    ]
    blocks = [_our_block(e) for e in elements if e.kind is Kind.DIALOGUE]
    return headings, blocks


def test_corpus_is_there() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scene_headings_match_screenplain(path: Path) -> None:
    ours, theirs = our_view(path)[0], screenplain_view(path)[0]
    assert ours == theirs


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_dialogue_blocks_match_screenplain(path: Path) -> None:
    ours, theirs = our_view(path)[1], screenplain_view(path)[1]
    assert [b[:2] for b in ours] == [b[:2] for b in theirs]  # names and dual flags first
    assert ours == theirs


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_character_names_match_screenplain(path: Path) -> None:
    ours, theirs = our_view(path)[1], screenplain_view(path)[1]
    assert {b[0] for b in ours} == {b[0] for b in theirs}


def test_normalisations_are_narrow() -> None:
    """The input normalisation only touches lines made entirely of notes or boneyard."""
    text = (
        "A [[inline]] note.\n[[whole]]\n  [[a]] [[b]]  \n/* x\n\ny */\nB /* inline */\n"
        "[[not a note\n\nacross a blank]]\n"
    )
    assert _without_whole_line_markup(text) == (
        "A [[inline]] note.\nB /* inline */\n[[not a note\n\nacross a blank]]\n"
    )


def test_deviations_are_real() -> None:
    """Each input normalisation exists because screenplain really does differ without it."""
    note_above_heading = "\n[[note]]\nINT. CAR - DAY\n\nShe waits.\n"
    play = screenplain_fountain.parse(io.StringIO(note_above_heading))
    assert not any(isinstance(p, Slug) for p in play.paragraphs)
    boneyard_in_dialogue = "\nMEI\nOne.\n/* cut */\nTwo.\n"
    play = screenplain_fountain.parse(io.StringIO(boneyard_in_dialogue))
    (dialog,) = [p for p in play.paragraphs if isinstance(p, Dialog)]
    assert [str(line) for _, line in dialog.blocks] == ["One."]
