"""Fountain 1.1 screenplay text into :class:`~studio.core.script.elements.Element` lists.

:func:`parse` reads any ``str`` and never raises; :func:`decode` turns file bytes into text (the
only source of :class:`ScriptError`); :func:`parse_file` does both. Where the spec is silent:

- Lines are counted after newline normalisation, 1-based, as an editor shows them.
- A note ``[[...]]`` (not across a blank line) or boneyard ``/* ... */`` (across anything) that
  closes on a later line glues those lines into one logical line, so commented text is never
  read as script. An opener without a closer is literal text (:mod:`.fountain_lines`).
- A blank line is empty or whitespace only; inside dialogue, exactly two spaces is an empty line.
  A line holding only boneyard that spans a blank line reads as a blank line (a BONEYARD element
  between paragraphs), so a commented-out stretch never joins the paragraphs around it.
- Any other line at the start of a paragraph holding only notes or only boneyard becomes a NOTE
  or BONEYARD element and is otherwise invisible (the next line is read as if it started the
  paragraph). Elsewhere such markup stays inline in ``text`` (``emphasis.plain`` hides it).
- Leading white space is ignored except in action. A transition ends in ``TO:`` exactly (no
  trailing space); only ``.`` followed by a letter or digit forces a heading (not ``..``, ``. ``;
  see :func:`~.elements.forces_heading`).
- Sections, synopses and page breaks are single lines after which a paragraph starts afresh;
  consecutive centered or lyric lines merge; action stops before a lyric, centered or ``===`` line.
- Headings, transitions, sections, synopses and centered text drop inline notes/boneyard from
  ``text``; action, lyrics and dialogue keep everything as written. Emphasis is always kept.
- TITLE_PAGE: the first paragraph when every line is ``Key: value`` (key: letters, digits,
  spaces, ``'``, ``-``) or a continuation indented deeper than the first line, with some value
  non-empty (a lone ``FADE IN:`` is action); ``text`` is the ``Title`` value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
from studio.core.script.fountain_lines import TWO_SPACES, Line, logical_lines

__all__ = ["decode", "parse", "parse_file"]

_SCENE_NUMBER = re.compile(r"\s*#((?:[^\W_]|[.\-])+)#$")
_EXTENSION = re.compile(r"\(([^()]*)\)\s*$")
_PAGE_BREAK = re.compile(r"={3,}")
_TITLE_KEY = re.compile(r"([^\W_][\w '\-]*?)[ \t]*:[ \t]*(.*)")


def decode(data: bytes) -> str:
    """File bytes as Fountain text: UTF-8 (BOM optional), newlines normalised to ``\\n``.

    Raises :class:`ScriptError` for bytes that are not UTF-8 text (including NUL bytes).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScriptError("script is UTF-16 text, not UTF-8: save it as UTF-8 and open it again")
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    nul = data.find(b"\x00", skip)
    if nul >= 0:
        raise ScriptError(
            f"script is not UTF-8 text (NUL byte at offset {nul}, line "
            f"{_line_of(data, nul)}): is it a binary file?"
        )
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = skip + error.start
        raise ScriptError(
            f"script is not UTF-8 text (byte 0x{data[at]:02x} at offset {at}, line "
            f"{_line_of(data, at)}): save it as UTF-8 and open it again"
        ) from None
    return _normalise_newlines(text)


def _line_of(data: bytes, offset: int) -> int:
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_file(path: str | os.PathLike[str]) -> list[Element]:
    """Read, decode and parse a ``.fountain`` file (``OSError`` if it cannot be read)."""
    return parse(decode(Path(path).read_bytes()))


def parse(text: str) -> list[Element]:
    """Fountain ``text`` as elements in script order. Never raises for any ``str``."""
    text = _normalise_newlines(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = logical_lines(text.split("\n"))
    out: list[Element] = []
    start = _title_page(lines, out)
    _Body(lines, out).run(start)
    return out


# --- title page ---------------------------------------------------------------------------------


def _title_page(lines: list[Line], out: list[Element]) -> int:
    """Append the TITLE_PAGE element if the script has one; return the index the body starts."""
    k = 0
    while k < len(lines) and lines[k].blank:
        if lines[k].gap:
            return 0  # a script that opens with boneyard has no title page
        k += 1
    start, fields, base = k, [], _indent(lines[k].raw) if k < len(lines) else 0
    while k < len(lines) and not lines[k].blank:
        raw = lines[k].raw
        if "\n" in raw:
            return 0
        if fields and _indent(raw) > base:
            key, value = fields[-1]
            fields[-1] = (key, f"{value}\n{raw.strip()}" if value else raw.strip())
        elif match := _TITLE_KEY.fullmatch(raw.strip()):
            fields.append((match.group(1), match.group(2).strip()))
        else:
            return 0
        k += 1
    if not any(value for _, value in fields):
        return 0
    title = next((value for key, value in fields if key.lower() == "title"), "")
    span = (lines[start].first, lines[k - 1].last)
    out.append(Element(Kind.TITLE_PAGE, title, span, fields=tuple(fields)))
    return k


def _indent(raw: str) -> int:
    """How far ``raw`` is indented, tabs counting as four spaces."""
    expanded = raw.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


# --- body ---------------------------------------------------------------------------------------


def _heading(s: str) -> tuple[str, str] | None:
    """(text, scene number) when ``s`` reads as a scene heading, else None."""
    if forces_heading(s):
        s = s[1:]
    elif not HEADING_PREFIX.match(s):
        return None
    if match := _SCENE_NUMBER.search(s):
        return s[: match.start()].rstrip(), match.group(1)
    return s, ""


def _cue(s: str) -> tuple[str, str, bool] | None:
    """(name, extension, dual) when ``s`` reads as a character cue, else None."""
    forced = s.startswith("@")
    name = s[1:].strip() if forced else s
    if not forced and forces_heading(name):
        return None  # a forced scene heading that failed its blank-line test
    dual = name.endswith("^")
    if dual:
        name = name[:-1].rstrip()
    extensions = []
    while match := _EXTENSION.search(name):
        extensions.append(" ".join(match.group(1).split()))
        name = name[: match.start()].rstrip()
    if not name or not (forced or name.isupper()):
        return None
    return name, " ".join(e for e in reversed(extensions) if e), dual


def _is_lyric(s: str) -> bool:
    return s.startswith("~")


def _is_centered(s: str) -> bool:
    return len(s) >= 2 and s.startswith(">") and s.endswith("<")


def _visible(line: Line) -> str:
    s = line.vis.strip()
    return " ".join(s.split()) if line.vis != line.raw else s


def _unmark(line: Line, marker: str) -> str:
    """The line as written, stripped, without its leading ``marker``."""
    raw = line.raw.strip()
    if raw.startswith(marker):
        return raw[len(marker) :].strip()
    return _visible(line)[len(marker) :].strip()


def _action_text(line: Line) -> str:
    raw = line.raw.rstrip()
    body = raw.lstrip()
    if body.startswith("!"):
        return raw[: len(raw) - len(body)] + body[1:]
    return raw


def _speech_part(line: Line) -> tuple[SpeechKind, str]:
    if line.raw == TWO_SPACES:
        return SpeechKind.DIALOGUE, ""
    s = line.vis.strip()
    if is_parenthetical(s):  # Fountain's (…), and the fullwidth （…） of Chinese scripts
        return SpeechKind.PARENTHETICAL, line.raw.strip()
    if s.startswith("~"):
        return SpeechKind.LYRIC, _unmark(line, "~")
    return SpeechKind.DIALOGUE, line.raw.strip()


class _Body:
    """Walks the logical lines after the title page, appending elements to ``out``."""

    def __init__(self, lines: list[Line], out: list[Element]) -> None:
        self.lines = lines
        self.out = out

    def run(self, k: int) -> None:
        after_blank = True
        while k < len(self.lines):
            if self.lines[k].blank:
                if self.lines[k].gap:
                    self.emit_hidden(self.lines[k])
                after_blank = True
                k += 1
            else:
                k, after_blank = self.element(k, after_blank)

    def emit(self, kind: Kind, text: str, first: Line, last: Line, **extra: Any) -> None:
        self.out.append(Element(kind, text, (first.first, last.last), **extra))

    def follows_dialogue(self) -> bool:
        """Whether the last element, not counting notes and boneyard, is a dialogue block."""
        hidden = (Kind.NOTE, Kind.BONEYARD)
        last = next((e for e in reversed(self.out) if e.kind not in hidden), None)
        return last is not None and last.kind is Kind.DIALOGUE

    def blank_after(self, k: int) -> bool:
        """Whether the next line that is not a lone note/boneyard is blank or the end."""
        k += 1
        while k < len(self.lines) and self.lines[k].hidden:
            k += 1
        return k >= len(self.lines) or self.lines[k].blank

    def element(self, k: int, after_blank: bool) -> tuple[int, bool]:
        """Read the element that starts at line ``k``; return where the next one starts and
        whether that line counts as following a blank line."""
        line = self.lines[k]
        s = _visible(line)
        if not s:
            self.emit_hidden(line)
            return k + 1, after_blank
        if _PAGE_BREAK.fullmatch(s):
            self.emit(Kind.PAGE_BREAK, "", line, line)
            return k + 1, True
        if s.startswith("#"):
            body = s.lstrip("#")
            self.emit(Kind.SECTION, body.strip(), line, line, depth=len(s) - len(body))
            return k + 1, True
        if s.startswith("="):
            self.emit(Kind.SYNOPSIS, s[1:].strip(), line, line)
            return k + 1, True
        if s.startswith("!"):
            return self.action(k), False
        if _is_centered(s):
            inner = self.run_of(k, Kind.CENTERED, _is_centered, lambda ln: _visible(ln)[1:-1])
            return inner, False
        if s.startswith(">"):
            self.emit(Kind.TRANSITION, s[1:].strip(), line, line)
            return k + 1, False
        if s.startswith("~"):
            lyrics = self.run_of(k, Kind.LYRICS, _is_lyric, lambda ln: _unmark(ln, "~"))
            return lyrics, False
        return self.by_context(k, s, after_blank), False

    def by_context(self, k: int, s: str, after_blank: bool) -> int:
        """Headings, transitions and cues, which depend on the blank lines around them."""
        line = self.lines[k]
        if after_blank and self.blank_after(k):
            if heading := _heading(s):
                self.emit(Kind.SCENE_HEADING, heading[0], line, line, scene_number=heading[1])
                return k + 1
            if s.isupper() and s.endswith("TO:") and not line.raw[-1:].isspace():
                self.emit(Kind.TRANSITION, s, line, line)
                return k + 1
        nxt = k + 1 < len(self.lines) and self.lines[k + 1].raw == TWO_SPACES
        if after_blank and (nxt or not self.blank_after(k)) and (cue := _cue(s)):
            return self.dialogue(k, *cue)
        return self.action(k)

    def emit_hidden(self, line: Line) -> None:
        if line.bones and (line.gap or line.raw.lstrip().startswith("/*")):
            self.emit(Kind.BONEYARD, "\n".join(p.strip() for p in line.bones), line, line)
        else:
            self.emit(Kind.NOTE, "\n".join(p.strip() for p in line.notes), line, line)

    def run_of(
        self, k: int, kind: Kind, member: Callable[[str], bool], text: Callable[[Line], str]
    ) -> int:
        """One element from line ``k`` and the following lines that are ``member``s too."""
        j = k + 1
        while j < len(self.lines) and member(_visible(self.lines[j])):
            j += 1
        texts = "\n".join(text(line).strip() for line in self.lines[k:j])
        self.emit(kind, texts, self.lines[k], self.lines[j - 1])
        return j

    def action(self, k: int) -> int:
        j = k + 1
        while j < len(self.lines) and not self.lines[j].blank:
            s = _visible(self.lines[j])
            if s.startswith("~") or _is_centered(s) or _PAGE_BREAK.fullmatch(s):
                break
            j += 1
        text = "\n".join(_action_text(line) for line in self.lines[k:j])
        self.emit(Kind.ACTION, text, self.lines[k], self.lines[j - 1])
        return j

    def dialogue(self, k: int, name: str, extension: str, dual: bool) -> int:
        parts: list[list[Any]] = []  # [kind, texts, first line, last line]
        j = k + 1
        while j < len(self.lines) and (not self.lines[j].blank or self.lines[j].raw == TWO_SPACES):
            line = self.lines[j]
            kind, text = _speech_part(line)
            if kind is SpeechKind.DIALOGUE and parts and parts[-1][0] is kind:
                parts[-1][1].append(text)
                parts[-1][3] = line
            else:
                parts.append([kind, [text], line, line])
            j += 1
        speech = tuple(Speech(kd, "\n".join(ts), (a.first, b.last)) for kd, ts, a, b in parts)
        self.emit(
            Kind.DIALOGUE,
            "\n".join(part.text for part in speech),
            self.lines[k],
            self.lines[j - 1],
            character=name,
            extension=extension,
            dual=dual and self.follows_dialogue(),
            speech=speech,
        )
        return j
