"""Read Final Draft (``.fdx``) files into the elements :mod:`.fountain` would give for the same
script: Fountain inline markup in ``text``, XML source lines in ``lines``, title page first.

- Scene Heading -> SCENE_HEADING (``Number`` -> ``scene_number``); Transition -> TRANSITION.
- Action, General, Shot, Cast List and unknown types -> ACTION (a shot is a camera direction,
  not a new scene); centred (``Alignment="Center"``) -> CENTERED.
- Character + the Parenthetical / Dialogue / Lyrics after it -> one DIALOGUE (a parenthetical
  Final Draft split over paragraphs, ``(looking about`` / ``the room)``, is joined); in a
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
from dataclasses import dataclass, replace
from pathlib import Path

from studio.core.script.elements import (
    HEADING_PREFIX,
    PARENTHESES,
    Element,
    Kind,
    ScriptError,
    Speech,
    SpeechKind,
    forces_heading,
    is_parenthetical,
)
from studio.core.script.fdx_xml import Node, caps_types, parse_xml, plain_text, runs, script_notes

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
_OPEN, _CLOSE = {a for a, _ in PARENTHESES}, {b for _, b in PARENTHESES}
_SCENE_NUMBER = re.compile(r"\s*#((?:[^\W_]|[.\-])+)#$")
_SPACE = re.compile(r"[^\S\n]+")
_EXTENSION = re.compile(r"\s*\(([^()]*)\)\s*$")
_CREDIT = re.compile(r"^((written|screenplay|teleplay|story|created|adapted)\b.*)?\bby:?$", re.I)
_EPISODE = re.compile(r"^(episode\b|ep\.|ep\s*\d)|^第.{1,6}[集话話]", re.I)
_DRAFT = re.compile(r"draft|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|^\w+ \d{1,2}, \d{4}$", re.I)


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
    root = parse_xml(data)
    if root.tag != "FinalDraft":
        raise ScriptError(f"not a Final Draft file: root element is <{root.tag}>")
    content = root.find("Content")
    if content is None:
        raise ScriptError("not a Final Draft script: it has no <Content> element")
    caps = caps_types(root)
    elements = _body(_paragraphs(content.children, caps))
    elements += script_notes(root.find("ScriptNotes"))
    title = _title_page(root.find("TitlePage"))
    if title is not None:
        elements.insert(0, title)
    if not elements:
        raise ScriptError("Final Draft file has no script text")
    return elements


# --- body ------------------------------------------------------------------------------------


def _paragraphs(nodes: list[Node], caps: set[str], group: int = 0) -> list[_Para]:
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


def _paragraph(node: Node, caps: set[str], group: int) -> _Para:
    kind = node.attrs.get("Type", "Action")
    text = plain_text(node) if kind == "Character" else runs(node, kind in caps)
    if kind == "Character" and kind in caps:
        text = text.upper()
    return _Para(kind, text, (node.start, node.end), node.attrs, group, script_notes(node))


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
        j, para = _whole_parenthetical(paras, j)
        notes += para.notes
        for part in _speech(para):
            _add_speech(speech, part)
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


def _whole_parenthetical(paras: list[_Para], j: int) -> tuple[int, _Para]:
    """``paras[j]``, joined with the Parenthetical paragraphs after it when it opens ``(``
    without closing and they continue it (``(looking about`` / ``the room)``); returns the index
    after what it used."""
    first = paras[j]
    texts = [first.text]
    k = j + 1
    while (
        first.type == "Parenthetical"
        and texts[-1][-1:] not in _CLOSE
        and first.text[:1] in _OPEN
        and k < len(paras)
        and paras[k].type == "Parenthetical"
        and paras[k].group == first.group
        and paras[k].text[:1] not in _OPEN
    ):
        texts.append(paras[k].text)
        k += 1
    if k == j + 1:
        return k, first
    notes = [note for para in paras[j:k] for note in para.notes]
    text = " ".join(t for t in texts if t)
    return k, replace(first, text=text, lines=(first.lines[0], paras[k - 1].lines[1]), notes=notes)


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


def _title_page(node: Node | None) -> Element | None:
    content = node.find("Content") if node is not None else None
    if content is None:
        return None
    blocks: list[tuple[list[str], bool]] = []  # (lines, centred)
    fresh = True
    first = last = 0
    for para in (c for c in content.children if c.tag == "Paragraph"):
        text = runs(para)
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
