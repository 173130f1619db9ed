"""Translation tables as XLIFF 2.0: one target language's lines out to a translator, and back.

One ``<unit>`` per live dialogue line, its id ``<shot id>:<line index>`` (shot ids never hold a
colon); ``<notes>`` give the translator the character, the shot, the scene heading and the
source line's duration in seconds (its voiced clip's, else estimated from its words). Our states
map to the segment's ``state``: no translation -> ``initial`` (no target), ``machine`` ->
``initial`` with the draft as target, ``edited`` -> ``translated``, ``approved`` -> ``final``;
a stale translation (its source line changed since) goes out as ``initial`` with a
``translated-from`` note holding the old source, so it is looked at again.

Reading is safe for a stranger's file: expat with DTDs and entities refused, a size, depth,
unit and text-length limit, and every problem one line (:class:`XliffError`). Applying the file
(:func:`apply_xliff`) is in :mod:`studio.core.xliff_import`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from studio.core.durations import speech_seconds
from studio.core.model import Project, Shot
from studio.core.translations import MAX_LINES, Language, LineState, TranslatedLine
from studio.core.voicing import SAMPLE_RATE

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MAX_XLIFF_BYTES = 50 * 1024 * 1024
MAX_TEXT = 100_000  # characters in one source or target
_MAX_DEPTH = 32
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
STATE_OUT = {LineState.MACHINE: "initial", LineState.EDITED: "translated"}
STATE_OUT[LineState.APPROVED] = "final"
STATES_IN = ("initial", "translated", "reviewed", "final")


class XliffError(ValueError):
    """A translation file that cannot be read: one line for the user."""


def unit_id(shot_id: str, line: int) -> str:
    return f"{shot_id}:{line}"


def line_seconds(shot: Shot, index: int, text: str) -> float:
    """How long the source line lasts: its voiced clip, else an estimate from its words."""
    for clip in shot.voice:
        if clip.line == index and clip.samples > 0:
            return clip.samples / SAMPLE_RATE
    return float(speech_seconds(text))


def write_xliff(project: Project, language: Language) -> bytes:
    """The XLIFF 2.0 document of ``language``'s translation of every live dialogue line."""
    source_tag = project.language or "und"  # "" = detect: BCP 47's "undetermined"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<xliff xmlns="{XLIFF_NS}" version="2.0" srcLang={_attr(source_tag)} '
        f"trgLang={_attr(language.tag)}>\n",
        f'  <file id="f1" original={_attr(project.title or "project")}>\n',
    ]
    for episode in project.episodes:
        for scene in episode.scenes:
            for shot in scene.shots:
                for i, line in enumerate(shot.dialogue):
                    done = language.lines.get((shot.id, i))
                    out.extend(_unit(shot, i, line.character, line.text, scene.heading, done))
    out.append("  </file>\n</xliff>\n")
    return "".join(out).encode("utf-8")


def _unit(
    shot: Shot, i: int, who: str, text: str, heading: str, done: TranslatedLine | None
) -> list[str]:
    notes = (
        ("character", who),
        ("shot", shot.id),
        ("scene", heading),
        ("duration-seconds", f"{line_seconds(shot, i, text):.2f}"),
    )
    translated = done.text if done is not None else ""
    state = STATE_OUT[done.state] if done is not None and translated else "initial"
    if done is not None and translated and done.source != text:  # stale: to be looked at again
        notes += (("translated-from", done.source),)
        state = "initial"
    lines = [f"    <unit id={_attr(unit_id(shot.id, i))}>\n", "      <notes>\n"]
    lines += [f'        <note category="{k}">{_text(v)}</note>\n' for k, v in notes]
    lines.append("      </notes>\n")
    lines.append(f'      <segment state="{state}">\n')
    lines.append(f"        <source>{_text(text)}</source>\n")
    if translated:
        lines.append(f"        <target>{_text(translated)}</target>\n")
    lines.append("      </segment>\n    </unit>\n")
    return lines


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value)).replace("\r", "&#13;")


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


# --- reading ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Unit:
    id: str
    source: str = ""
    target: str | None = None  # None: no <target>
    state: str = "initial"
    problem: str = ""  # why it cannot be applied (inline markup, several segments)
    segments: int = 0


@dataclass(slots=True)
class XliffFile:
    source_lang: str
    target_lang: str
    units: list[Unit] = field(default_factory=list)


def read_xliff(data: bytes) -> XliffFile:
    """The units of an XLIFF 2.0 document; XliffError (one line) if it is not one we read."""
    if len(data) > MAX_XLIFF_BYTES:
        raise XliffError(f"translation file is larger than {MAX_XLIFF_BYTES // 1_048_576} MiB")
    if not data.strip():
        raise XliffError("translation file is empty")
    reader = _Reader()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True

    def refuse(*_: object) -> None:
        raise XliffError("translation file declares a DTD or entities, which are not allowed")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        where = f"line {exc.lineno}, column {exc.offset + 1}"
        raise XliffError(
            f"translation file is not well-formed XML: {where}: {expat.ErrorString(exc.code)}"
        ) from None
    except (ValueError, LookupError, UnicodeError) as exc:
        if isinstance(exc, XliffError):
            raise
        raise XliffError(f"translation file cannot be decoded: {exc}") from None
    if reader.file is None:
        raise XliffError("not an XLIFF 2.0 file")
    return reader.file


class _Reader:
    """Expat handlers building an :class:`XliffFile`; names arrive as ``"NS local"``."""

    def __init__(self) -> None:
        self.file: XliffFile | None = None
        self.path: list[str] = []
        self.unit: Unit | None = None
        self.text: list[str] | None = None  # collecting a <source> or <target>
        self.segment_state = "initial"
        self.count = 0  # characters collected in ``text``

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, tag = name.rpartition(" ")
        if len(self.path) >= _MAX_DEPTH:
            raise XliffError("translation file is nested too deeply")
        if self.text is not None and self.unit is not None:
            self.unit.problem = "its text holds inline markup, which this version cannot apply"
        elif not self.path:
            self._root(ns, tag, attrs)
        elif ns != XLIFF_NS:
            pass  # another vocabulary's element (XLIFF modules, tools' own): ignored
        elif tag == "unit" and self.path[-1] == "file":
            self._open_unit(attrs)
        elif self.unit is not None and tag == "segment" and self.path[-1] == "unit":
            self.unit.segments += 1
            self.segment_state = attrs.get("state", "initial")
            if self.segment_state not in STATES_IN:
                state = self.segment_state
                raise XliffError(f"unit {self.unit.id}: unknown segment state {state!r}")
        elif self.unit is not None and tag in ("source", "target") and self.path[-1] == "segment":
            self.text, self.count = [], 0
        self.path.append(tag if ns == XLIFF_NS else "")

    def _root(self, ns: str, tag: str, attrs: dict[str, str]) -> None:
        if ns != XLIFF_NS or tag != "xliff":
            raise XliffError(f"not an XLIFF 2.0 file (its root is not <xliff> in {XLIFF_NS})")
        if attrs.get("version") != "2.0":
            raise XliffError(f"not an XLIFF 2.0 file (version {attrs.get('version')!r})")
        if not attrs.get("trgLang"):
            raise XliffError("the XLIFF file names no target language (trgLang)")
        self.file = XliffFile(attrs.get("srcLang", ""), attrs["trgLang"])

    def _open_unit(self, attrs: dict[str, str]) -> None:
        assert self.file is not None
        if len(self.file.units) >= MAX_LINES:
            raise XliffError(f"translation file has more than {MAX_LINES} units")
        unit_id = attrs.get("id", "")
        if not unit_id or len(unit_id) > 200:
            raise XliffError(f"a <unit> has no usable id (unit {len(self.file.units) + 1})")
        self.unit = Unit(unit_id)
        self.file.units.append(self.unit)

    def end(self, name: str) -> None:
        tag = self.path.pop()
        if tag == "unit":
            if self.unit is not None and self.unit.segments != 1:
                self.unit.problem = self.unit.problem or "it has not exactly one segment"
            self.unit = None
        elif tag in ("source", "target") and self.path[-1] == "segment" and self.unit is not None:
            text = "".join(self.text or ())
            if tag == "source":
                self.unit.source = text
            else:
                self.unit.target = text
            self.unit.state = self.segment_state
            self.text = None

    def chars(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)
            self.count += len(text)
            if self.count > MAX_TEXT:
                where = f"unit {self.unit.id}: " if self.unit is not None else ""
                raise XliffError(f"{where}a text is longer than {MAX_TEXT} characters")
