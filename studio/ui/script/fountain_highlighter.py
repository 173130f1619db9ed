"""Fountain syntax colouring for the script editor.

Every line's kind comes from core's own Fountain parser (:func:`studio.core.script.fountain.
parse`), so the editor colours a line exactly as the breakdown reads it: a cue only when
dialogue follows, a heading only between blank lines. Inline notes ``[[...]]`` and boneyard
``/* ... */`` are coloured on top, across lines where they span several.

The whole text is parsed again after each edit (scripts are small; parsing is linear). Each
block's state is a fingerprint of what it was coloured with, so after an edit any line whose
kind changed elsewhere in the script (a cue that became action, lines under a new ``/*``) is
coloured again.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)

from studio.core.script import fountain
from studio.core.script.elements import Element, Kind, SpeechKind

__all__ = ["FORMATS", "FountainHighlighter", "line_kinds", "markup_spans"]

Span = tuple[int, int, str]  # start, end (python indices), format kind

_TITLE_KEY = re.compile(r"[^\W_][\w '\-]*?[ \t]*:")  # as the parser's title-page key
_TWO_SPACES = "  "
_ELEMENT_KINDS = {
    Kind.TITLE_PAGE: "title_page",
    Kind.SCENE_HEADING: "scene_heading",
    Kind.ACTION: "action",
    Kind.TRANSITION: "transition",
    Kind.CENTERED: "centered",
    Kind.PAGE_BREAK: "page_break",
    Kind.NOTE: "note",
    Kind.BONEYARD: "boneyard",
    Kind.SYNOPSIS: "synopsis",
    Kind.LYRICS: "lyrics",
}
_SPEECH_KINDS = {
    SpeechKind.DIALOGUE: "dialogue",
    SpeechKind.PARENTHETICAL: "parenthetical",
    SpeechKind.LYRIC: "lyrics",
}


def _format(
    colour: str = "", *, bold: bool = False, italic: bool = False, underline: bool = False
) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if colour:
        fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    fmt.setFontUnderline(underline)
    return fmt


# Line kinds (and "title_key", the key of a title-page line) -> how they look. Colours are
# light enough for the dark theme; "action" and "dialogue" keep the palette's text colour.
FORMATS: dict[str, QTextCharFormat] = {
    "blank": _format(),
    "action": _format(),
    "dialogue": _format(),
    "scene_heading": _format("#7fb8ff", bold=True),
    "character": _format("#f0c674", bold=True),
    "parenthetical": _format("#a7b3bf", italic=True),
    "transition": _format("#c792ea", bold=True),
    "centered": _format("#d7d7af"),
    "note": _format("#8fce7a", italic=True),
    "boneyard": _format("#7c8591", italic=True),
    "episode": _format("#ff9e64", bold=True, underline=True),
    "section": _format("#ffb38a", bold=True),
    "synopsis": _format("#8fbcbb", italic=True),
    "title_page": _format("#b8c0c8"),
    "title_key": _format("#e0e6ec", bold=True),
    "lyrics": _format("#e5a5c8", italic=True),
    "page_break": _format("#8a8f98", bold=True),
}


def line_kinds(text: str) -> list[str]:
    """The kind of each line of ``text`` (``text.split("\\n")``), as the parser reads it."""
    lines = text.split("\n")
    kinds = ["action" if line.strip() else "blank" for line in lines]
    for element in fountain.parse(text):
        for number, kind in _element_lines(element):
            if 0 < number <= len(kinds):
                kinds[number - 1] = kind
    return kinds


def _element_lines(element: Element) -> list[tuple[int, str]]:
    """(1-based line, kind) for every line of ``element``."""
    first, last = element.lines
    if element.kind is Kind.SECTION:
        kind = "episode" if element.depth == 1 else "section"
        return [(n, kind) for n in range(first, last + 1)]
    if element.kind is not Kind.DIALOGUE:
        kind = _ELEMENT_KINDS.get(element.kind, "action")
        return [(n, kind) for n in range(first, last + 1)]
    out = [(first, "character")] + [(n, "dialogue") for n in range(first + 1, last + 1)]
    for part in element.speech:
        kind = _SPEECH_KINDS[part.kind]
        out += [(n, kind) for n in range(part.lines[0], part.lines[1] + 1)]
    return out


def markup_spans(text: str) -> list[Span]:
    """Where notes and boneyard are in ``text``, by the parser's rules: boneyard closes
    anywhere later, a note not across a blank line, an opener never closed is plain text."""
    spans: list[Span] = []
    pos = 0
    while True:
        bone, note = text.find("/*", pos), text.find("[[", pos)
        if bone < 0 and note < 0:
            return spans
        is_bone = bone >= 0 and (note < 0 or bone < note)
        at, closer = (bone, "*/") if is_bone else (note, "]]")
        end = text.find(closer, at + 2)
        if end < 0 or (not is_bone and _blank_between(text, at, end)):
            pos = at + 2
            continue
        spans.append((at, end + 2, "boneyard" if is_bone else "note"))
        pos = end + 2


def _blank_between(text: str, at: int, end: int) -> bool:
    """Whether a blank line (not the two spaces of an empty dialogue line) lies wholly between
    the lines of offsets ``at`` and ``end``."""
    first_break = text.find("\n", at)
    last_break = text.rfind("\n", 0, end)
    if first_break < 0 or last_break <= first_break:
        return False
    between = text[first_break + 1 : last_break].split("\n")
    return any(not line.strip() and line != _TWO_SPACES for line in between)


def _per_line(text: str, spans: list[Span]) -> dict[int, list[Span]]:
    """``spans`` cut at line ends, as {0-based line: [(start, end, kind)] within the line}."""
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    out: dict[int, list[Span]] = {}
    line = 0
    for start, end, kind in spans:
        while line + 1 < len(starts) and starts[line + 1] <= start:
            line += 1
        n = line
        while n < len(starts) and starts[n] < end:
            line_end = starts[n + 1] - 1 if n + 1 < len(starts) else len(text)
            lo, hi = max(start, starts[n]) - starts[n], min(end, line_end) - starts[n]
            if hi > lo:
                out.setdefault(n, []).append((lo, hi, kind))
            n += 1
    return out


def _utf16(text: str, index: int) -> int:
    """A python index of ``text`` as the UTF-16 offset Qt counts in."""
    head = text[:index]
    return index + sum(1 for char in head if ord(char) > 0xFFFF)


class FountainHighlighter(QSyntaxHighlighter):
    """Colours a QTextDocument as Fountain; :meth:`kind_at` says what a line was read as."""

    def __init__(self, document: QTextDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._kinds: list[str] = []
        self._spans: dict[int, list[Span]] = {}
        self._dirty = True
        self._sweeping = False
        # Connected before setDocument's own connection, so the text is known to be stale
        # before any block is coloured; the sweep is connected after, so it runs last.
        document.contentsChange.connect(self._on_change)
        self.setDocument(document)
        document.contentsChange.connect(self._sweep)

    def kind_at(self, block: QTextBlock) -> str:
        """The kind of the line ``block`` holds ("blank", "action", "character", ...)."""
        return self.kinds()[block.blockNumber()] if block.isValid() else "blank"

    def kinds(self) -> list[str]:
        """The kind of every line of the document, in order."""
        self._parse()
        return list(self._kinds)

    def highlightBlock(self, text: str) -> None:
        self._parse()
        number = self.currentBlock().blockNumber()
        kind = self._kinds[number] if number < len(self._kinds) else "blank"
        wide = not text.isascii()
        if text:
            self.setFormat(0, _utf16(text, len(text)) if wide else len(text), FORMATS[kind])
        if kind == "title_page" and (match := _TITLE_KEY.match(text)):
            self.setFormat(
                0, _utf16(text, match.end()) if wide else match.end(), FORMATS["title_key"]
            )
        for start, end, mark in self._spans.get(number, ()):
            if wide:
                start, end = _utf16(text, start), _utf16(text, end)
            self.setFormat(start, end - start, FORMATS[mark])
        self.setCurrentBlockState(self._fingerprint(number))

    def _fingerprint(self, number: int) -> int:
        kind = self._kinds[number] if number < len(self._kinds) else "blank"
        return hash((kind, tuple(self._spans.get(number, ())))) & 0x3FFFFFFF

    def _on_change(self, _position: int, removed: int, added: int) -> None:
        if removed or added:
            self._dirty = True

    def _parse(self) -> None:
        if not self._dirty:
            return
        document = self.document()
        text = document.toPlainText() if document is not None else ""
        self._kinds = line_kinds(text)
        self._spans = _per_line(text, markup_spans(text))
        self._dirty = False

    def _sweep(self, _position: int, removed: int, added: int) -> None:
        """Colour again every line whose kind or markup changed with the last edit."""
        document = self.document()
        if self._sweeping or document is None or not (removed or added):
            return
        self._sweeping = True
        try:
            self._parse()
            block = document.firstBlock()
            while block.isValid():
                if block.userState() != self._fingerprint(block.blockNumber()):
                    self.rehighlightBlock(block)
                block = block.next()
        finally:
            self._sweeping = False
