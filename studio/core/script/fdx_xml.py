"""Final Draft XML: the safe parse into nodes, and paragraph text as Fountain inline markup.

Part of :mod:`.fdx`: no DTDs or entities, a depth limit, one-line :class:`ScriptError` messages;
``<Text>`` runs become Fountain emphasis with literal ``*``/``_`` escaped and ``[[``/``]]`` made
single brackets, AllCaps applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from studio.core.script.elements import Element, Kind, ScriptError

__all__ = ["Node", "caps_types", "clean", "parse_xml", "plain_text", "runs"]

_MAX_DEPTH = 256
_DEFAULT_CAPS = {"Scene Heading", "Character", "Transition", "Shot", "New Act", "End of Act"}
_BRACKETS = re.compile(r"\[{2,}|\]{2,}")
_SPACE = re.compile(r"[^\S\n]+")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    start: int
    end: int = 0
    text: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)


# --- XML -------------------------------------------------------------------------------------


def parse_xml(data: bytes) -> Node:
    if not data.strip():
        raise ScriptError("Final Draft file is empty")
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    stack: list[Node] = []
    roots: list[Node] = []

    def refuse(*_: object) -> None:
        raise ScriptError("Final Draft file declares a DTD or entities, which are not allowed")

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= _MAX_DEPTH:
            raise ScriptError("Final Draft file is nested too deeply to be a script")
        node = Node(tag, attrs, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop().end = parser.CurrentLineNumber

    def chars(text: str) -> None:
        if stack:
            stack[-1].text.append(text)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        where = f"line {exc.lineno}, column {exc.offset + 1}"
        reason = expat.ErrorString(exc.code)
        raise ScriptError(f"Final Draft file is not well-formed XML: {where}: {reason}") from None
    except ScriptError:
        raise
    except (ValueError, LookupError, UnicodeError) as exc:
        raise ScriptError(f"Final Draft file cannot be decoded: {exc}") from None
    return roots[0]


def caps_types(root: Node) -> set[str]:
    """Paragraph types Final Draft shows in capitals (its ElementSettings, else its defaults)."""
    caps = set(_DEFAULT_CAPS)
    for setting in (c for c in root.children if c.tag == "ElementSettings"):
        font = setting.find("FontSpec")
        if font is None or "Type" not in setting.attrs:
            continue
        styles = font.attrs.get("Style", "").split("+")
        (caps.add if "AllCaps" in styles else caps.discard)(setting.attrs["Type"])
    return caps


# --- text ------------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Collapse white space, strip each line and drop blank lines. ``[[``/``]]`` become single
    brackets: Final Draft has no inline notes, and Fountain would hide the text between."""
    text = _BRACKETS.sub(lambda m: m.group()[0], text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _styled(text: str, style: str, caps: bool, before: str) -> str:
    """One ``<Text>`` run as Fountain: escaped, upper-cased if AllCaps, wrapped in emphasis.

    ``before`` is the text already written. Stars are left off where they would touch a ``/``
    and so open a Fountain boneyard ``/*``.
    """
    styles = set(style.split("+"))
    if caps or "AllCaps" in styles:
        text = text.upper()
    text = text.replace("*", "\\*").replace("_", "\\_")
    stars = "*" * (2 * ("Bold" in styles) + ("Italic" in styles))
    underline = "_" if "Underline" in styles else ""
    if not stars + underline:
        return text
    pieces = []
    for number, line in enumerate(text.split("\n")):
        core = line.strip()
        if core:
            lead, trail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
            touches = core.endswith("/") or (not number and not lead and before.endswith("/"))
            mark = underline + ("" if touches else stars)
            line = f"{lead}{mark}{core}{mark[::-1]}{trail}" if mark else line
        pieces.append(line)
    return "\n".join(pieces)


def runs(node: Node, caps: bool = False) -> str:
    """The paragraph's text: its ``<Text>`` children, styled, cleaned."""
    text = ""
    for run in (c for c in node.children if c.tag == "Text"):
        text += _styled("".join(run.text), run.attrs.get("Style", ""), caps, text)
    return clean(text)


def plain_text(node: Node) -> str:
    """Unstyled text (for cues); only a ``/*`` is escaped, as it would open a boneyard."""
    text = "".join("".join(c.text) for c in node.children if c.tag == "Text")
    return clean(text.replace("/*", "/\\*"))


def script_notes(node: Node | None) -> list[Element]:
    """The ``<ScriptNote>`` children of ``node`` as NOTE elements."""
    out = []
    for note in (c for c in node.children if c.tag == "ScriptNote") if node else ():
        text = clean("\n".join(runs(p) for p in note.children if p.tag == "Paragraph"))
        if text:
            out.append(Element(Kind.NOTE, text, (note.start, note.end)))
    return out
