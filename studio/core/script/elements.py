"""The screenplay elements that every script reader produces and the breakdown consumes.

Fountain and Final Draft both parse into a flat list of :class:`Element`, in script order, each
carrying the 1-based, inclusive span of source lines it came from. Dialogue is one element per
block (character cue plus its parentheticals, speech and lyrics), so the breakdown never has to
re-assemble it.

Inline markup (Fountain emphasis ``*``/``**``/``_``, escapes, inline notes) stays in ``text``
as written; :func:`studio.core.script.emphasis.plain` gives the text a viewer would read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TITLE_PAGE = "title_page"
    SCENE_HEADING = "scene_heading"
    ACTION = "action"
    DIALOGUE = "dialogue"
    TRANSITION = "transition"
    CENTERED = "centered"
    PAGE_BREAK = "page_break"
    NOTE = "note"
    BONEYARD = "boneyard"
    SECTION = "section"
    SYNOPSIS = "synopsis"
    LYRICS = "lyrics"


class SpeechKind(StrEnum):
    PARENTHETICAL = "parenthetical"
    DIALOGUE = "dialogue"
    LYRIC = "lyric"


@dataclass(frozen=True, slots=True)
class Speech:
    """One part of a dialogue block, under its character cue."""

    kind: SpeechKind
    text: str
    lines: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Element:
    """One screenplay element and the source lines it spans (1-based, inclusive).

    Fields past ``lines`` apply to some kinds only:

    - SCENE_HEADING: ``scene_number`` (``"1A"`` for ``#1A#``), text without the number or the
      forcing ``.``.
    - SECTION: ``depth`` (number of ``#``), text without the ``#``.
    - DIALOGUE: ``character`` (the base name, no extension, no ``@``/``^``), ``extension``
      (``"V.O."``, ``"O.S."``, ``"CONT'D"``; several joined by a space), ``dual`` (this block is
      the second of a dual-dialogue pair, cue ended with ``^``), ``speech`` (the parts in order).
      ``text`` is the speech text joined by newlines.
    - TITLE_PAGE: ``fields``: (key, value) pairs in order, keys as written (``Title``, ``Credit``).
    - TRANSITION, CENTERED, SYNOPSIS, NOTE, BONEYARD, LYRICS, ACTION: just ``text`` (without the
      forcing/markup characters: ``>``, ``> <``, ``=``, ``[[ ]]``, ``/* */``, ``~``, ``!``).
    """

    kind: Kind
    text: str
    lines: tuple[int, int]
    scene_number: str = ""
    depth: int = 0
    character: str = ""
    extension: str = ""
    dual: bool = False
    speech: tuple[Speech, ...] = field(default=())
    fields: tuple[tuple[str, str], ...] = field(default=())


HEADING_PREFIX = re.compile(r"(?:int\./ext|int/ext|i/e|int|ext|est)[. ]", re.IGNORECASE)
_FORCED_HEADING = re.compile(r"\.[*_]*[^\W_]")


def forces_heading(line: str) -> bool:
    """Whether ``line`` is a forced scene heading: ``.`` then a letter or digit (emphasis marks
    may come between: ``.**DREAM**``). ``...``, ``. . .`` and ``.(`` are not headings."""
    return bool(_FORCED_HEADING.match(line))


PARENTHESES = (("(", ")"), ("（", "）"))  # ASCII, and the fullwidth pair Chinese scripts use


def is_parenthetical(text: str) -> bool:
    """A line wholly in parentheses: ``(whispering)`` or ``（低声）``."""
    s = text.strip()
    return len(s) >= 2 and any(s[0] == a and s[-1] == b for a, b in PARENTHESES)


def parenthetical_inner(text: str) -> str:
    """``(whispering)`` → ``whispering``; other text unchanged."""
    s = text.strip()
    return s[1:-1].strip() if is_parenthetical(s) else s


class ScriptError(ValueError):
    """A script that cannot be read at all (not text, not XML, wrong format).

    Fountain itself never raises this for odd text: any text is some screenplay. The message is
    one line a user can act on.
    """
