"""A word-level diff of a shot's prompt and the assistant's, for the suggestions panel.

Words are compared, not characters, so a changed word reads as one word struck and one added;
the spaces between words stay with the word before them, so the ``same`` and ``added`` parts
joined give the new prompt back exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

_WORD = re.compile(r"\S+\s*|\s+")

PartKind = Literal["same", "deleted", "added"]


@dataclass(frozen=True, slots=True)
class DiffPart:
    """A run of words: in both prompts (``same``), only in the old one (``deleted``) or only in
    the new one (``added``)."""

    kind: PartKind
    text: str


def words(text: str) -> list[str]:
    """``text`` as words, each with the spaces after it (a leading space is a word of its own)."""
    return _WORD.findall(text)


def word_diff(before: str, after: str) -> list[DiffPart]:
    """The parts that turn ``before`` into ``after``, in reading order (a deletion before the
    addition that replaces it); words compare without their trailing spaces."""
    old, new = words(before), words(after)
    matcher = SequenceMatcher(None, [w.strip() for w in old], [w.strip() for w in new],
                              autojunk=False)  # fmt: skip
    parts: list[DiffPart] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _add(parts, "same", "".join(new[j1:j2]))
            continue
        if i2 > i1:
            _add(parts, "deleted", "".join(old[i1:i2]))
        if j2 > j1:
            _add(parts, "added", "".join(new[j1:j2]))
    return parts


def _add(parts: list[DiffPart], kind: PartKind, text: str) -> None:
    if parts and parts[-1].kind == kind:
        parts[-1] = DiffPart(kind, parts[-1].text + text)
    elif text:
        parts.append(DiffPart(kind, text))
