"""Which convention a script file is written in, and its text as Fountain.

Formats: ``fountain``, ``fdx`` (Final Draft XML), ``cn`` (Chinese micro-drama conventions) and
``plain`` (``NAME: line`` plain text, as language models write it); ``auto`` decides:

- ``.fdx``, or text that opens with ``<?xml`` / ``<FinalDraft``: Final Draft.
- ``.fountain`` / ``.spmd``: Fountain, whatever the text holds.
- Other text (``.txt``, ``.md``, no suffix): the first :data:`SCAN_LINES` lines are counted.
  Chinese marks (``第1场``, ``第一集``, ``△``, ``林晓：…``), plain marks (``MAYA: …``,
  ``Scene 1:``, ``Episode 1``) and Fountain marks (an upper-case cue over its speech, ``@``,
  ``[[``, ``/*``): the Chinese or plain convention wins with at least two marks and more than
  Fountain has; a text that cannot tell stays Fountain.

An explicit format that finds no scene, episode or dialogue is refused with a one-line
:class:`ScriptError` that names what the text looks like.
"""

from __future__ import annotations

from studio.core.script import fountain
from studio.core.script.elements import HEADING_PREFIX, Element, Kind, ScriptError
from studio.core.script.fdx import read_fdx
from studio.core.script.fountain_writer import to_fountain
from studio.core.script.line_conventions import CN, PLAIN, Dialect, LineKind, classify
from studio.core.script.line_script import read_lines

FORMATS = ("auto", "fountain", "fdx", "cn", "plain")
FOUNTAIN_SUFFIXES = {".fountain", ".spmd"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
SCAN_LINES = 5000
_DIALECTS: dict[str, Dialect] = {"cn": CN, "plain": PLAIN}
_FOUND = (Kind.SCENE_HEADING, Kind.DIALOGUE)


def script_fountain(data: bytes, suffix: str, fmt: str = "auto") -> str:
    """``data`` (a file's bytes, its name ending in ``suffix``) as Fountain text."""
    if fmt not in FORMATS:
        raise ScriptError(f"unknown script format {fmt!r} (use one of {', '.join(FORMATS)})")
    explicit = fmt != "auto"
    if not explicit:
        fmt = detect_format(data, suffix)
    if fmt == "fdx":
        return to_fountain(read_fdx(data))
    text = fountain.decode(data)
    if fmt == "fountain":
        if (
            explicit
            and not _found(fountain.parse(text), Kind.SECTION)
            and (other := guess_text(text)) != fmt
        ):
            raise ScriptError(
                f"no Fountain scenes or dialogue found; it looks like a {other} script "
                f"(use --format {other} or auto)"
            )
        return text
    elements = read_lines(text, _DIALECTS[fmt])
    if not _found(elements, Kind.SECTION):
        raise ScriptError(
            f"no scenes, episodes or dialogue found in the {fmt} conventions "
            f"(it looks like {guess_text(text)}: use --format auto)"
        )
    return to_fountain(elements)


def _found(elements: list[Element], *also: Kind) -> bool:
    return any(e.kind in _FOUND or (e.kind in also and e.depth == 1) for e in elements)


def detect_format(data: bytes, suffix: str) -> str:
    """``fountain``, ``fdx``, ``cn`` or ``plain`` for a file's bytes; ScriptError for a suffix
    that names no script format."""
    suffix = suffix.lower()
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == ".fdx" or head.startswith((b"<?xml", b"<FinalDraft")):
        return "fdx"
    if suffix in FOUNTAIN_SUFFIXES:
        return "fountain"
    if suffix not in TEXT_SUFFIXES:
        raise ScriptError(
            f"unknown script format {suffix!r} (use .fountain, .fdx or .txt, or --format)"
        )
    return guess_text(fountain.decode(data))


def guess_text(text: str) -> str:
    """``cn``, ``plain`` or ``fountain`` for script text, by the marks in its first lines."""
    lines = text.split("\n", SCAN_LINES)[:SCAN_LINES]
    cn = plain = marks = 0
    blank_before = True
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            blank_before = True
            continue
        if s.startswith(("@", "[[", "/*", "~")) or (blank_before and _fountain_cue(s, lines, i)):
            marks += 1
        read = classify(line, CN)
        if read.kind is not LineKind.TEXT and not s.startswith("#"):  # ``#``: Fountain too
            cn += read.cn
            plain += read.plain
        blank_before = False
    if cn >= 2 and cn >= plain and cn > marks:
        return "cn"
    if plain >= 2 and plain > marks:
        return "plain"
    return "fountain"


def _fountain_cue(s: str, lines: list[str], i: int) -> bool:
    """An upper-case name over a line of speech, as Fountain writes dialogue."""
    nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return (
        bool(nxt)
        and len(s) <= 40
        and s.isupper()
        and ":" not in s
        and "：" not in s
        and not HEADING_PREFIX.match(s)
    )
