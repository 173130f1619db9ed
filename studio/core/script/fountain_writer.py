"""Write screenplay elements as Fountain 1.1 text.

:func:`to_fountain` is the inverse of :func:`studio.core.script.fountain.parse` up to ``lines``:
parsing its output gives back the same kinds, texts, cues, extensions, dual flags, speech
parts, scene numbers, section depths and title fields. It forces an element (``.`` heading,
``!`` action, ``@`` cue, ``>`` transition) only where the plain form would read as something
else, so the text stays what a writer would type. The title page comes first (a TITLE_PAGE
anywhere in the list is written there); one blank line separates elements.

What Fountain cannot say, and so does not survive the trip: a synopsis or section of more than
one line, a dialogue line that looks like a parenthetical ``(...)`` or starts with ``~``, a
DIALOGUE without speech, blank lines inside action, notes or title values, leading or trailing
white space in anything but action, a note containing ``]]`` or a boneyard containing ``*/``, a
scene heading without ``INT.``/``EXT.`` that does not start with a letter or digit (``.`` then
``(`` does not force a heading).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from studio.core.script.elements import Element, Kind, Speech, SpeechKind
from studio.core.script.fountain_lines import Line, logical_lines

_HEADING = re.compile(r"(?:int\./ext|int/ext|i/e|int|ext|est)[. ]", re.IGNORECASE)
_TITLE_KEY = re.compile(r"[^\W_][\w '\-]*?[ \t]*:.*")
_PAGE_BREAK = re.compile(r"={3,}")
_EXTENSIONS = re.compile(r"(\s*\([^()]*\))+\s*$")
# Line starts that make a paragraph something other than action (or a cue something else).
_MARKUP_START = ("!", "#", "=", ">", "~", "@", ".", "[[", "/*")


def to_fountain(elements: list[Element]) -> str:
    """Fountain text for ``elements``: the (first) title page, then the body in order."""
    blocks: list[str] = []
    title = next((e for e in elements if e.kind is Kind.TITLE_PAGE and _has_values(e)), None)
    if title is not None:
        blocks.append(_title_page(title))
    for element in elements:
        if element.kind is not Kind.TITLE_PAGE:
            blocks.append(_WRITERS[element.kind](element, not blocks))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _has_values(element: Element) -> bool:
    return any(value.strip() for _, value in element.fields)


def _title_page(element: Element) -> str:
    lines = []
    for key, value in element.fields:
        parts = value.split("\n")
        if len(parts) == 1:
            lines.append(f"{key}: {value}".rstrip())
        else:
            lines.append(f"{key}:")
            lines += [f"    {part}" for part in parts]
    return "\n".join(lines)


def _title_like(line: str, first: bool) -> bool:
    """Whether the script's first line would open a title page (only when it has none)."""
    return first and bool(_TITLE_KEY.fullmatch(line))


def _cue_like(line: str) -> bool:
    """Whether ``line`` reads as a character cue when text follows it."""
    name = line.strip().removesuffix("^").rstrip()
    name = _EXTENSIONS.sub("", name)
    return bool(name) and name.isupper()


def _logical(text: str) -> list[Line]:
    """``text`` cut into lines as the parser cuts it (:mod:`.fountain_lines`)."""
    return logical_lines(text.split("\n"))


def _raw_lines(text: str) -> list[str]:
    return [line.raw for line in _logical(text)]


def _visible(line: Line) -> str:
    """A logical line as the parser classifies it: notes and boneyard gone, stripped."""
    return " ".join(line.vis.split()) if line.vis != line.raw else line.vis.strip()


# --- elements ----------------------------------------------------------------------------------


def _scene_heading(element: Element, first: bool) -> str:
    text = element.text
    if not _HEADING.match(text) or _title_like(text, first):
        text = "." + text
    return f"{text} #{element.scene_number}#" if element.scene_number else text


def _action(element: Element, first: bool) -> str:
    head, *rest = _logical(element.text)
    lines = ["!" + head.raw if _action_head_forced(head, not rest, first) else head.raw]
    lines += ["!" + line.raw if _action_line_forced(line) else line.raw for line in rest]
    return "\n".join(lines)


def _action_head_forced(line: Line, single: bool, first: bool) -> bool:
    s = _visible(line)
    return (
        not s
        or line.gap
        or s.startswith(_MARKUP_START)
        or bool(_PAGE_BREAK.fullmatch(s))
        or bool(_HEADING.match(s))
        or (s.isupper() and s.endswith("TO:"))
        or (not single and _cue_like(s))
        or _title_like(line.raw, first)
    )


def _action_line_forced(line: Line) -> bool:
    """A later action line the parser would not keep in the paragraph (or would unmark)."""
    s, raw = _visible(line), line.raw.strip()
    centered = len(s) >= 2 and s.startswith(">") and s.endswith("<")
    return (
        not raw
        or line.gap
        or raw.startswith("!")
        or s.startswith("~")
        or centered
        or bool(_PAGE_BREAK.fullmatch(s))
    )


def _cue(element: Element, first: bool) -> str:
    name = element.character
    plain = (
        name.isupper()
        and name[:1].isalnum()
        and not _HEADING.match(name)
        and not _title_like(name, first)
        and not name.endswith((")", "^"))
    )
    cue = name if plain else "@" + name
    if element.extension:
        cue += f" ({element.extension})"
    return cue + (" ^" if element.dual else "")


def _speech(part: Speech) -> str:
    if part.kind is SpeechKind.LYRIC:
        return "\n".join("~" + line for line in _raw_lines(part.text))
    if part.kind is SpeechKind.PARENTHETICAL:
        return part.text
    return "\n".join(line if line.strip() else "  " for line in _raw_lines(part.text))


def _dialogue(element: Element, first: bool) -> str:
    speech = [_speech(part) for part in element.speech] or ["  "]
    return "\n".join([_cue(element, first), *speech])


def _transition(element: Element, first: bool) -> str:
    text = element.text
    plain = (
        text.isupper()
        and text.endswith("TO:")
        and not text.startswith(_MARKUP_START)
        and not _HEADING.match(text)
        and not _title_like(text, first)
    )
    return text if plain else "> " + text


def _centered(element: Element, _first: bool) -> str:
    return "\n".join(f"> {line} <" for line in _raw_lines(element.text))


def _section(element: Element, _first: bool) -> str:
    return "#" * max(element.depth, 1) + " " + element.text


def _synopsis(element: Element, _first: bool) -> str:
    return "\n".join("= " + line for line in _raw_lines(element.text))


def _lyrics(element: Element, _first: bool) -> str:
    return "\n".join("~" + line for line in _raw_lines(element.text))


def _note(element: Element, _first: bool) -> str:
    text = element.text
    return f"[[{text} ]]" if text.endswith("]") else f"[[{text}]]"


def _boneyard(element: Element, _first: bool) -> str:
    return f"/*{element.text}*/"


def _page_break(_element: Element, _first: bool) -> str:
    return "==="


_WRITERS: dict[Kind, Callable[[Element, bool], str]] = {
    Kind.SCENE_HEADING: _scene_heading,
    Kind.ACTION: _action,
    Kind.DIALOGUE: _dialogue,
    Kind.TRANSITION: _transition,
    Kind.CENTERED: _centered,
    Kind.PAGE_BREAK: _page_break,
    Kind.NOTE: _note,
    Kind.BONEYARD: _boneyard,
    Kind.SECTION: _section,
    Kind.SYNOPSIS: _synopsis,
    Kind.LYRICS: _lyrics,
}
