"""Read Final Draft (``.fdx``) files into the elements :mod:`.fountain` would give for the same
script: Fountain inline markup in ``text``, XML source lines in ``lines``, title page first.

- Scene Heading -> SCENE_HEADING (``Number`` -> ``scene_number``); Transition -> TRANSITION.
- Action, General, Shot, Cast List and unknown types -> ACTION (a shot is a camera direction,
  not a new scene); centred (``Alignment="Center"``) -> CENTERED.
- Character + the Parenthetical / Dialogue / Lyrics after it -> one DIALOGUE; in a
  ``<DualDialogue>`` the second speaker is ``dual``. Lyrics outside a block -> LYRICS; a cue
  with no speech, or speech with no cue -> ACTION.
- New Act -> SECTION depth 2 (an act inside the episode), depth 1 when it names an episode
  (``Episode 3``, ``第三集``: a level-1 section starts an episode in the breakdown). End of Act
  -> CENTERED, as Final Draft prints it. ``StartsNewPage="Yes"`` -> a PAGE_BREAK before it.
- ``<ScriptNote>`` in a paragraph -> NOTE after its element (after a whole dialogue block).
  The ``<ScriptNotes>`` list is anchored by offsets we do not reproduce: its notes come last.
- Styles Bold/Italic/Underline -> ``**``/``*``/``_``; literal ``*``, ``_`` are escaped, ``[[``
  ``]]`` become single brackets; AllCaps (a run's, or a type's in ``ElementSettings``, by default
  headings, cues, transitions, shots, acts) upper-cases. White space collapses; blank lines
  and empty paragraphs go. What Fountain cannot hold is adjusted to what it reads back.
- ``<TitlePage>``: see :func:`_title_fields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.parsers import expat

from studio.core.script.elements import (
    HEADING_PREFIX,
    Element,
    Kind,
    ScriptError,
    Speech,
    SpeechKind,
    forces_heading,
    is_parenthetical,
)

_MAX_DEPTH = 256
_SPEECH_TYPES = {"Parenthetical": SpeechKind.PARENTHETICAL, "Dialogue": SpeechKind.DIALOGUE}
_SPOKEN = {*_SPEECH_TYPES, "Lyrics"}
_KINDS = {
    "Scene Heading": Kind.SCENE_HEADING,
    "Transition": Kind.TRANSITION,
    "New Act": Kind.SECTION,
    "End of Act": Kind.CENTERED,
    "Lyrics": Kind.LYRICS,
}
_ONE_LINE = {Kind.SCENE_HEADING, Kind.TRANSITION, Kind.SECTION}
_DEFAULT_CAPS = {"Scene Heading", "Character", "Transition", "Shot", "New Act", "End of Act"}
_SCENE_NUMBER = re.compile(r"\s*#((?:[^\W_]|[.\-])+)#$")
_BRACKETS = re.compile(r"\[{2,}|\]{2,}")
_SPACE = re.compile(r"[^\S\n]+")
_EXTENSION = re.compile(r"\s*\(([^()]*)\)\s*$")
_CREDIT = re.compile(r"^((written|screenplay|teleplay|story|created|adapted)\b.*)?\bby:?$", re.I)
_EPISODE = re.compile(r"^(episode\b|ep\.|ep\s*\d)|^第.{1,6}[集话話]", re.I)
_DRAFT = re.compile(r"draft|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|^\w+ \d{1,2}, \d{4}$", re.I)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    start: int
    end: int = 0
    text: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def find(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)


@dataclass
class _Para:
    type: str
    text: str
    lines: tuple[int, int]
    attrs: dict[str, str]
    group: int  # the <DualDialogue> holding it (its line; 0: none): a block never leaves it
    notes: list[Element]
    dual: bool = False


def read_fdx_file(path: str | Path) -> list[Element]:
    """Read a ``.fdx`` file; see :func:`read_fdx`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ScriptError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_fdx(data)


def read_fdx(data: bytes) -> list[Element]:
    """Parse Final Draft XML into elements, title page first (Final Draft stores it after the
    script, so only the body's ``lines`` increase monotonically).

    Raises :class:`ScriptError` (one line) for anything that is not a readable Final Draft
    script: not XML, a DTD or entity declarations, another root element, no script text.
    """
    root = _parse_xml(data)
    if root.tag != "FinalDraft":
        raise ScriptError(f"not a Final Draft file: root element is <{root.tag}>")
    content = root.find("Content")
    if content is None:
        raise ScriptError("not a Final Draft script: it has no <Content> element")
    caps = _caps_types(root)
    elements = _body(_paragraphs(content.children, caps))
    elements += _notes(root.find("ScriptNotes"))
    title = _title_page(root.find("TitlePage"))
    if title is not None:
        elements.insert(0, title)
    if not elements:
        raise ScriptError("Final Draft file has no script text")
    return elements


# --- XML -------------------------------------------------------------------------------------


def _parse_xml(data: bytes) -> _Node:
    if not data.strip():
        raise ScriptError("Final Draft file is empty")
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    stack: list[_Node] = []
    roots: list[_Node] = []

    def refuse(*_: object) -> None:
        raise ScriptError("Final Draft file declares a DTD or entities, which are not allowed")

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= _MAX_DEPTH:
            raise ScriptError("Final Draft file is nested too deeply to be a script")
        node = _Node(tag, attrs, parser.CurrentLineNumber)
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


def _caps_types(root: _Node) -> set[str]:
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


def _clean(text: str) -> str:
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


def _runs(node: _Node, caps: bool = False) -> str:
    """The paragraph's text: its ``<Text>`` children, styled, cleaned."""
    text = ""
    for run in (c for c in node.children if c.tag == "Text"):
        text += _styled("".join(run.text), run.attrs.get("Style", ""), caps, text)
    return _clean(text)


def _plain(node: _Node) -> str:
    """Unstyled text (for cues); only a ``/*`` is escaped, as it would open a boneyard."""
    text = "".join("".join(c.text) for c in node.children if c.tag == "Text")
    return _clean(text.replace("/*", "/\\*"))


def _notes(node: _Node | None) -> list[Element]:
    """The ``<ScriptNote>`` children of ``node`` as NOTE elements."""
    out = []
    for note in (c for c in node.children if c.tag == "ScriptNote") if node else ():
        text = _clean("\n".join(_runs(p) for p in note.children if p.tag == "Paragraph"))
        if text:
            out.append(Element(Kind.NOTE, text, (note.start, note.end)))
    return out


# --- body ------------------------------------------------------------------------------------


def _paragraphs(nodes: list[_Node], caps: set[str], group: int = 0) -> list[_Para]:
    """Flatten ``<Content>``'s children into paragraphs, unwrapping ``<DualDialogue>``."""
    out: list[_Para] = []
    for node in nodes:
        if node.tag == "Paragraph":
            out.append(_paragraph(node, caps, group))
            out += _paragraphs([c for c in node.children if c.tag == "DualDialogue"], caps, group)
        elif node.tag == "DualDialogue":
            inner = _paragraphs(node.children, caps, node.start)
            cues = [p for p in inner if p.type == "Character" and p.text]
            if len(cues) > 1:
                cues[1].dual = True
            out += inner
    return out


def _paragraph(node: _Node, caps: set[str], group: int) -> _Para:
    kind = node.attrs.get("Type", "Action")
    text = _plain(node) if kind == "Character" else _runs(node, kind in caps)
    if kind == "Character" and kind in caps:
        text = text.upper()
    return _Para(kind, text, (node.start, node.end), node.attrs, group, _notes(node))


def _body(paras: list[_Para]) -> list[Element]:
    out: list[Element] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        if para.attrs.get("StartsNewPage") == "Yes" and out:
            out.append(Element(Kind.PAGE_BREAK, "", (para.lines[0], para.lines[0])))
        if para.type == "Character":
            i, element, notes = _dialogue(paras, i)
        else:
            i, element, notes = i + 1, _simple(para), para.notes
        if element is not None and element.dual and not _follows_dialogue(out):
            element = replace(element, dual=False)  # Fountain pairs only adjacent blocks
        out += [element, *notes] if element is not None else notes
    return out


def _follows_dialogue(out: list[Element]) -> bool:
    last = next((e for e in reversed(out) if e.kind not in (Kind.NOTE, Kind.BONEYARD)), None)
    return last is not None and last.kind is Kind.DIALOGUE


def _simple(para: _Para) -> Element | None:
    if not para.text:
        return None
    kind = _KINDS.get(para.type, Kind.ACTION)
    if kind is Kind.ACTION and para.attrs.get("Alignment") == "Center":
        kind = Kind.CENTERED
    text = para.text.replace("\n", " ") if kind in _ONE_LINE else para.text
    if kind is Kind.SCENE_HEADING:
        return _scene_heading(text, para)
    if kind is Kind.SECTION and (title := text.lstrip("# ")):
        return Element(kind, title, para.lines, depth=1 if _EPISODE.match(title) else 2)
    if kind is Kind.SECTION or (kind is Kind.TRANSITION and text.endswith("<")):
        kind = Kind.ACTION  # what Fountain cannot mark as a section or a transition
    return Element(kind, text, para.lines)


def _scene_heading(text: str, para: _Para) -> Element:
    """A heading as Fountain can hold it: no leading ``.`` (that is Fountain's forcing mark),
    and a trailing ``#12#`` in the text is the scene number when the paragraph has none. A
    heading Fountain cannot write (no ``INT.``/``EXT.``, and no letter or digit first) is action."""
    heading = text.lstrip(". ")
    number = re.sub(r"[^A-Za-z0-9.\-]", "", para.attrs.get("Number", ""))
    if not number and (match := _SCENE_NUMBER.search(heading)):
        heading, number = heading[: match.start()].rstrip(), match.group(1)
    if not (HEADING_PREFIX.match(heading) or forces_heading("." + heading)):
        return Element(Kind.ACTION, text, para.lines)  # Fountain cannot force it: "(LATER)"
    return Element(Kind.SCENE_HEADING, heading, para.lines, scene_number=number)


def _split_cue(cue: str) -> tuple[str, str]:
    """(name, extension) as Fountain splits a cue; a stray dual mark ``^`` is dropped."""
    extensions: list[str] = []
    cue = cue.strip()
    while cue.endswith("^") or _EXTENSION.search(cue):
        if cue.endswith("^"):
            cue = cue[:-1].rstrip()
        elif match := _EXTENSION.search(cue):
            extensions.insert(0, _SPACE.sub(" ", match.group(1)).strip())
            cue = cue[: match.start()].rstrip()
    return cue, " ".join(e for e in extensions if e)


def _dialogue(paras: list[_Para], i: int) -> tuple[int, Element | None, list[Element]]:
    """The dialogue block whose cue is ``paras[i]``; returns the index after it."""
    cue = paras[i]
    notes = list(cue.notes)
    speech: list[Speech] = []
    j = i + 1
    while j < len(paras) and paras[j].type in _SPOKEN and paras[j].group == cue.group:
        notes += paras[j].notes
        for part in _speech(paras[j]):
            _add_speech(speech, part)
        j += 1
    name, extension = _split_cue(cue.text.replace("\n", " "))
    if not speech or not name:
        return i + 1, _simple(cue), cue.notes
    element = Element(
        Kind.DIALOGUE,
        "\n".join(s.text for s in speech),
        (cue.lines[0], max(speech[-1].lines[1], cue.lines[1])),
        character=name,
        extension=extension,
        dual=cue.dual,
        speech=tuple(speech),
    )
    return j, element, notes


def _speech(part: _Para) -> list[Speech]:
    """A speech paragraph's parts, one per line, read as Fountain reads dialogue lines."""
    kind = _SPEECH_TYPES.get(part.type, SpeechKind.LYRIC)
    if kind is SpeechKind.PARENTHETICAL and part.text:
        text = part.text.replace("\n", " ")
        if not (text.startswith("(") and text.endswith(")")):
            text = f"({text.strip('()')})"
        return [Speech(kind, text, part.lines)]
    if kind is SpeechKind.LYRIC:
        return [Speech(kind, line, part.lines) for line in part.text.split("\n") if line]
    return [Speech(*_dialogue_line(line), part.lines) for line in part.text.split("\n") if line]


def _dialogue_line(line: str) -> tuple[SpeechKind, str]:
    """A dialogue line that Fountain would read as a parenthetical or a lyric is one."""
    if is_parenthetical(line):
        return SpeechKind.PARENTHETICAL, line
    if line.startswith("~"):
        return SpeechKind.LYRIC, line[1:].strip()
    return SpeechKind.DIALOGUE, line


def _add_speech(speech: list[Speech], part: Speech) -> None:
    """Append ``part``, merging consecutive dialogue lines into one part as Fountain does."""
    last = speech[-1] if speech else None
    if last and last.kind is part.kind is SpeechKind.DIALOGUE:
        speech[-1] = Speech(part.kind, f"{last.text}\n{part.text}", (last.lines[0], part.lines[1]))
    else:
        speech.append(part)


# --- title page ------------------------------------------------------------------------------


def _title_page(node: _Node | None) -> Element | None:
    content = node.find("Content") if node is not None else None
    if content is None:
        return None
    blocks: list[tuple[list[str], bool]] = []  # (lines, centred)
    fresh = True
    first = last = 0
    for para in (c for c in content.children if c.tag == "Paragraph"):
        text = _runs(para)
        if not text:
            fresh = True
            continue
        first, last = first or para.start, para.end
        if fresh:
            blocks.append(([], para.attrs.get("Alignment", "Center") == "Center"))
            fresh = False
        blocks[-1][0].extend(text.split("\n"))
    fields = _title_fields(blocks)
    if not fields:
        return None
    title = next((value for key, value in fields if key == "Title"), "")
    return Element(Kind.TITLE_PAGE, title, (first, last), fields=tuple(fields))


def _title_fields(blocks: list[tuple[list[str], bool]]) -> list[tuple[str, str]]:
    """Fountain title-page keys for Final Draft's free-form blocks (runs of non-empty lines).

    The first line and its block are the ``Title``. A short line ending in "by" (``Written
    by``) is a ``Credit``; the rest of its block, or the next block if none, the ``Author``. A
    short line naming a draft or a date is a ``Draft date``. Any other block is ``Notes`` when
    centred, ``Contact`` when not.
    """
    fields: list[tuple[str, str]] = []
    pending = "Title"
    for lines, centred in blocks:
        default = "Notes" if centred else "Contact"
        key, pending, buffer = pending or default, "", []
        for line in lines:
            special = _title_key(line, key) if fields or buffer else ""
            if special:
                _flush(fields, key, buffer)
                fields.append((special, line))
                key = "Author" if special == "Credit" else default
            else:
                buffer.append(line)
        pending = "Author" if key == "Author" and not buffer else ""
        _flush(fields, key, buffer)
    return fields


def _title_key(line: str, key: str) -> str:
    if len(line) > 40:
        return ""
    if _CREDIT.match(line):
        return "Credit"
    return "Draft date" if key != "Author" and _DRAFT.search(line) else ""


def _flush(fields: list[tuple[str, str]], key: str, lines: list[str]) -> None:
    if lines:
        fields.append((key, "\n".join(lines)))
        lines.clear()
