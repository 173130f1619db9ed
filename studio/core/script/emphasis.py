"""Fountain inline markup: emphasis, escapes, inline notes and inline boneyard.

:func:`plain` gives the text a reader of the printed script sees; :func:`runs` gives the same text
cut into styled runs (``"bold"``, ``"italic"``, ``"underline"``) for a highlighter or a renderer.
``"".join(text for text, _ in runs(s)) == plain(s)`` always holds.

Rules (Fountain 1.1):

- ``***x***`` bold italic, ``**x**`` bold, ``*x*`` italic, ``_x_`` underline. The text inside
  must not start or end with whitespace (``* x *`` stays as written); emphasis never crosses a
  line break; an underline is not recognised inside a word (``snake_case_name`` stays as is).
- ``\\*`` and ``\\_`` are a literal ``*`` and ``_``.
- Notes ``[[...]]`` and boneyard ``/* ... */`` are removed; a note may span lines but not a
  blank line (a line of exactly two spaces does not count as blank); boneyard may span anything.
  An opener without its closer is literal text. Whitespace left behind by a removal collapses to
  one space (none at either end of a line), and a line that held nothing but removed markup is
  dropped. Other whitespace, indentation included, is kept.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

__all__ = ["STYLES", "plain", "runs"]

STYLES = ("bold", "italic", "underline")
Run = tuple[str, frozenset[str]]

_BOLD, _ITALIC, _UNDERLINE = 1, 2, 4
_PASSES: tuple[tuple[re.Pattern[str], int, int], ...] = (
    (re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*"), 3, _BOLD | _ITALIC),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), 2, _BOLD),
    (re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"), 1, _ITALIC),
    (re.compile(r"(?<![^\W_])_(?=\S)(.+?)(?<=\S)_(?![^\W_])"), 1, _UNDERLINE),
)
_CONSUMED = "\x01"  # stands in for markers already used, so no later pass matches them again
_OPENERS = (("/*", "*/"), ("[[", "]]"))
_CLOSING_PUNCT = frozenset(".,;:!?)]}…'\"")
_GAP = None  # a removed note or boneyard in the piece lists below
_STYLE_SETS = tuple(
    frozenset(name for bit, name in zip((1, 2, 4), STYLES, strict=True) if mask & bit)
    for mask in range(8)
)


def plain(text: str) -> str:
    """``text`` as a reader sees it: markup, escapes, notes and boneyard removed."""
    return "".join(part for part, _ in runs(text))


def runs(text: str) -> list[Run]:
    """``plain(text)`` cut into maximal runs of equal style (a subset of :data:`STYLES`)."""
    merged: list[tuple[list[str], frozenset[str]]] = []
    for number, line in enumerate(_visible_lines(text)):
        line_runs = _line_runs(line)
        if number:
            line_runs.insert(0, ("\n", _STYLE_SETS[0]))
        for part, style in line_runs:
            if merged and merged[-1][1] == style:
                merged[-1][0].append(part)
            else:
                merged.append(([part], style))
    return [("".join(parts), style) for parts, style in merged]


# --- notes and boneyard -------------------------------------------------------------------------


def _pieces(text: str) -> list[str | None]:
    """``text`` split into kept strings and ``_GAP`` where a note or boneyard was removed.

    Linear in ``len(text)``: each search resumes where the last one for the same marker ended,
    and whether a note crosses a blank line is a lookup, not a rescan."""
    out: list[str | None] = []
    pos = start = 0
    find = _finder(text)
    blanks = _blank_lines(text)
    while True:
        found = [(find(o, pos), c) for o, c in _OPENERS]
        found = [(at, closer) for at, closer in found if at >= 0]
        if not found:
            break
        at, closer = min(found)
        end = find(closer, at + 2)
        if end < 0 or (closer == "]]" and _crosses_blank_line(blanks, at, end)):
            pos = at + 2  # never closed: literal text
            continue
        out.extend((text[start:at], _GAP))
        pos = start = end + 2
    out.append(text[start:])
    return out


def _finder(text: str) -> Callable[[str, int], int]:
    """``text.find`` for starts that never decrease per substring: a remembered result is
    reused while it still lies ahead, so each substring scans ``text`` about once."""
    memo: dict[str, tuple[int, int]] = {}

    def find(sub: str, begin: int) -> int:
        hit = memo.get(sub)
        if hit is not None and hit[0] <= begin and (hit[1] < 0 or begin <= hit[1]):
            return hit[1]
        result = text.find(sub, begin)
        memo[sub] = (begin, result)
        return result

    return find


def _blank_lines(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the lines that stop a note: blank, but not exactly two spaces."""
    starts, ends = [], []
    begin = 0
    for line in text.split("\n"):
        if not line.strip() and line != "  ":
            starts.append(begin)
            ends.append(begin + len(line))
        begin += len(line) + 1
    return starts, ends


def _crosses_blank_line(blanks: tuple[list[int], list[int]], at: int, end: int) -> bool:
    """Whether a blank line lies wholly between the line holding ``at`` and that holding ``end``
    (the first blank line starting after ``at`` ends before ``end``)."""
    starts, ends = blanks
    k = bisect.bisect_right(starts, at)
    return k < len(starts) and ends[k] < end


def _visible_lines(text: str) -> list[str]:
    lines: list[list[str | None]] = [[]]
    for piece in _pieces(text):
        if piece is _GAP:
            lines[-1].append(_GAP)
            continue
        first, *rest = piece.split("\n")
        lines[-1].append(first)
        lines.extend([line] for line in rest)
    out = []
    for pieces in lines:
        if _GAP in pieces and not "".join(p for p in pieces if p is not _GAP).strip():
            continue  # the line held only removed markup
        out.append(_join_around_gaps(pieces))
    return out


def _join_around_gaps(pieces: list[str | None]) -> str:
    result = ""
    gap = False
    for piece in pieces:
        if piece is _GAP:
            gap = True
        elif gap:
            result = _close_gap(result, piece)
            gap = False
        else:
            result += piece
    return result.rstrip() if gap else result


def _close_gap(left: str, right: str) -> str:
    if not left.strip():
        return left + right.lstrip(" \t")  # keep the line's own indentation
    if not right.strip():
        return left.rstrip(" \t")
    lt, rt = left.rstrip(" \t"), right.lstrip(" \t")
    spaced = lt != left or rt != right
    if spaced and rt == right and rt[0] in _CLOSING_PUNCT:
        spaced = False  # "Hello [[note]]." reads "Hello."
    return lt + (" " if spaced else "") + rt


# --- emphasis -----------------------------------------------------------------------------------


def _line_runs(line: str) -> list[Run]:
    n = len(line)
    dropped = bytearray(n)
    style = bytearray(n)
    work = list(line)
    i = 0
    while i < n - 1:
        if line[i] == "\\" and line[i + 1] in "*_":
            dropped[i] = 1
            work[i] = work[i + 1] = _CONSUMED
            i += 2
        else:
            i += 1
    scratch = "".join(work)
    for pattern, width, mask in _PASSES:
        scratch = pattern.sub(_marker(dropped, style, width, mask), scratch)
    out: list[Run] = []
    p = 0
    while p < n:
        q = p + 1
        while q < n and dropped[q] == dropped[p] and style[q] == style[p]:
            q += 1
        if not dropped[p]:
            out.append((line[p:q], _STYLE_SETS[style[p]]))
        p = q
    return out


def _marker(
    dropped: bytearray, style: bytearray, width: int, mask: int
) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        start, end = match.span()
        for p in (*range(start, start + width), *range(end - width, end)):
            dropped[p] = 1
        for p in range(match.start(1), match.end(1)):
            style[p] |= mask
        return _CONSUMED * width + match.group(1) + _CONSUMED * width

    return replace
