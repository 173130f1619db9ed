"""Fountain text cut into logical lines: physical lines glued where a note or boneyard spans them.

A note ``[[...]]`` (not across a blank line; a line of exactly two spaces is not blank) or a
boneyard ``/* ... */`` (across anything) that closes on a later line glues those lines into one
logical line, so commented text is never read as script. An opener without a closer is literal.

A logical line that holds nothing but boneyard reads as if it were not there (the parser skips
it), except that a boneyard spanning a blank line keeps that blank line: the line reads as blank,
so the paragraphs around it stay apart (the spec's ``CUT TO:`` / boneyard / ``EXT. ...``).

The scan is linear in the length of the text, however many unclosed openers it holds. The parser
and the writer share it, so both cut text the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TWO_SPACES", "Line", "logical_lines"]

TWO_SPACES = "  "  # inside dialogue, a line of exactly two spaces is an empty line, not a blank
_CLOSERS = {"/*": "*/", "[[": "]]"}


@dataclass(frozen=True, slots=True)
class Line:
    first: int  # 1-based physical line numbers
    last: int
    raw: str  # as written, physical lines joined by "\n"
    vis: str  # notes and boneyard removed: what the line looks like to the reader
    gap: bool = False  # only boneyard, spanning a blank line: reads as a blank line
    notes: tuple[str, ...] = ()  # the text inside each note removed, in order
    bones: tuple[str, ...] = ()  # the text inside each boneyard removed, in order

    @property
    def blank(self) -> bool:
        return self.gap or not self.raw.strip()

    @property
    def hidden(self) -> bool:
        """Not blank, but nothing a reader sees: only notes and/or boneyard."""
        return not self.blank and not self.vis.strip()


def _stops_note(line: str) -> bool:
    return not line.strip() and line != TWO_SPACES


def _next_matching(lines: list[str], wanted: str | None) -> list[int]:
    """For each index, the first index at or after it whose line holds ``wanted`` (or is a blank
    that stops a note, when ``wanted`` is None); ``len(lines)`` when there is none."""
    n = len(lines)
    out = [n] * (n + 1)
    nxt = n
    for i in range(n - 1, -1, -1):
        line = lines[i]
        if (wanted in line) if wanted else _stops_note(line):
            nxt = i
        out[i] = nxt
    return out


class _Finder:
    """``str.find`` on one string for starts that never decrease: each substring's result is
    remembered, so a run of calls scans the string once per substring (not once per call)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.memo: dict[str, tuple[int, int]] = {}  # sub -> (start searched from, result)

    def find(self, sub: str, start: int) -> int:
        memo = self.memo.get(sub)
        if memo is not None and memo[0] <= start and (memo[1] < 0 or start <= memo[1]):
            return memo[1]
        found = self.text.find(sub, start)
        self.memo[sub] = (start, found)
        return found

    def opener(self, start: int) -> tuple[int, str]:
        """The first ``/*`` or ``[[`` at or after ``start`` and its closer; (-1, "") if none."""
        bone, note = self.find("/*", start), self.find("[[", start)
        if bone >= 0 and (note < 0 or bone < note):
            return bone, "*/"
        return (note, "]]") if note >= 0 else (-1, "")


def logical_lines(lines: list[str]) -> list[Line]:
    """``lines`` (physical, without newlines) as logical lines, in order, covering every line."""
    close = {"*/": _next_matching(lines, "*/"), "]]": _next_matching(lines, "]]")}
    stop = _next_matching(lines, None)
    n = len(lines)
    out: list[Line] = []
    i = 0
    while i < n:
        first, pos = i, 0
        finder = _Finder(lines[i])
        vis: list[str] = []  # what the reader sees
        removed: dict[str, list[str]] = {"]]": [], "*/": []}
        while True:
            at, closer = finder.opener(pos)
            if at < 0:
                vis.append(finder.text[pos:])
                break
            vis.append(finder.text[pos:at])
            end = finder.find(closer, at + 2)
            if end < 0:
                j = close[closer][i + 1]
                if j >= n or (closer == "]]" and stop[i + 1] < j):
                    vis.append(finder.text[at : at + 2])  # never closed: literal text
                    pos = at + 2
                    continue
                head = [finder.text[at + 2 :], *lines[i + 1 : j]]
                i, finder = j, _Finder(lines[j])
                end = finder.find(closer, 0)
                removed[closer].append("\n".join([*head, finder.text[:end]]))
            else:
                removed[closer].append(finder.text[at + 2 : end])
            pos = end + 2
        raw = "\n".join(lines[first : i + 1])
        text = "".join(vis)
        notes, bones = tuple(removed["]]"]), tuple(removed["*/"])
        gap = not notes and not text.strip() and any(not s.strip() for s in lines[first + 1 : i])
        out.append(Line(first + 1, i + 1, raw, text, gap, notes, bones))
        i += 1
    return out
