"""Language variants of a project: its target languages and each dialogue line translated.

The source language is :attr:`Project.language` ("" = detect); the picture (shots, takes,
approvals) is shared by every language and nothing of the source is touched here. A
translation is keyed by the shot id and the line's index in ``Shot.dialogue`` and remembers the
source text it was made from, so a line the script changed later shows as stale. Translations of
an archived shot stay with it (the shot keeps its id and dialogue, and can come back).

In ``project.json``: ``"languages": [{"tag": "es", "lines": [{"shot": "sh-1", "line": 0,
"text": "…", "state": "machine", "source": "…", "voice": null, "take": ""}, …]}, …]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from studio.core import jsonread as jr
from studio.core.ids import id_problem, shown, text_problem
from studio.core.voicing import VoiceClip

if TYPE_CHECKING:
    from studio.core.model import Project, Shot

MAX_LANGUAGES = 20  # target languages in one project
MAX_TAG = 35  # characters in a language tag
MAX_LINES = 200_000  # translated lines in one language

# BCP 47's shape, as used for dialogue: language, optional script, region and variants
# (es, pt-BR, zh-Hans, zh-Hant-TW, es-419, ca-valencia). Private and extension subtags are not.
_TAG = re.compile(
    r"(?P<lang>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*)"
)


class LineState(StrEnum):
    MACHINE = "machine"  # made by a translation model, not yet read by a person
    EDITED = "edited"  # written or corrected by a person
    APPROVED = "approved"  # signed off for voicing and captions


def tag_problem(tag: str) -> str:
    """Why ``tag`` is not a language tag we accept ("" when it is)."""
    if len(tag) > MAX_TAG or not _TAG.fullmatch(tag):
        return f"{shown(tag)} is not a language tag (BCP 47, like es, pt-BR, id, zh-Hans)"
    return ""


def normalize_tag(tag: str) -> str:
    """``tag`` in BCP 47's usual case (``PT-br`` -> ``pt-BR``); ValueError if it is not one."""
    problem = tag_problem(tag)
    if problem:
        raise ValueError(problem)
    m = _TAG.fullmatch(tag)
    assert m is not None
    parts = [m["lang"].lower()]
    if m["script"]:
        parts.append(m["script"].title())
    if m["region"]:
        parts.append(m["region"].upper())
    parts.extend(v.lower() for v in m["variants"].split("-") if v)
    return "-".join(parts)


@dataclass(slots=True)
class TranslatedLine:
    """One dialogue line in one target language."""

    shot: str  # the shot's id
    line: int  # index in the shot's ``dialogue``
    text: str
    state: LineState
    source: str  # the source line's text this translation was made from
    voice: VoiceClip | None = None  # the line dubbed in this language (studio.voice.dubbing)
    take: str = ""  # the shot's take lip-synced to its lines in this language (one per shot)

    @property
    def key(self) -> tuple[str, int]:
        return (self.shot, self.line)

    def to_json(self) -> dict[str, Any]:
        return {
            "shot": self.shot,
            "line": self.line,
            "text": self.text,
            "state": self.state.value,
            "source": self.source,
            "voice": None if self.voice is None else self.voice.to_json(),
            "take": self.take,
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> TranslatedLine:
        d = jr.obj(raw, where)
        line = jr.field(d, "line", int, where)
        if line < 0:
            raise jr.SchemaError(f"{where}.line: must be 0 or more, got {line}")
        voice = d.get("voice")
        return cls(
            shot=jr.field(d, "shot", str, where),
            line=line,
            text=jr.field(d, "text", str, where),
            state=jr.choice(d, "state", LineState, where),
            source=jr.field(d, "source", str, where),
            voice=None if voice is None else VoiceClip.from_json(voice, f"{where}.voice"),
            take=jr.field(d, "take", str, where, ""),
        )


@dataclass(slots=True)
class Language:
    """A target language and its translated lines, by (shot id, line index)."""

    tag: str
    lines: dict[tuple[str, int], TranslatedLine] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        ordered = sorted(self.lines.values(), key=lambda t: t.key)
        return {"tag": self.tag, "lines": [t.to_json() for t in ordered]}

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Language:
        d = jr.obj(raw, where)
        tag = jr.field(d, "tag", str, where)
        problem = tag_problem(tag)
        if problem:
            raise jr.SchemaError(f"{where}.tag: {problem}")
        items = jr.lst(d.get("lines", []), f"{where}.lines")
        if len(items) > MAX_LINES:
            raise jr.SchemaError(f"{where}.lines: {len(items)} items, more than {MAX_LINES}")
        language = cls(tag)
        for i, item in enumerate(items):
            line = TranslatedLine.from_json(item, f"{where}.lines[{i}]")
            if line.key in language.lines:
                raise jr.SchemaError(f"{where}.lines[{i}]: line {line.line} of {line.shot} twice")
            language.lines[line.key] = line
        return language


def languages_from_json(raw: Any, where: str) -> list[Language]:
    items = jr.lst(raw, where)
    if len(items) > MAX_LANGUAGES:
        raise jr.SchemaError(f"{where}: {len(items)} languages, more than the {MAX_LANGUAGES}")
    found = [Language.from_json(x, f"{where}[{i}]") for i, x in enumerate(items)]
    seen: set[str] = set()
    for language in found:
        if language.tag.casefold() in seen:
            raise jr.SchemaError(f"{where}: language {language.tag} appears twice")
        seen.add(language.tag.casefold())
    return found


def check_languages(languages: list[Language], max_text: int, max_index: int, where: str) -> None:
    """SchemaError naming the first translated line with an overlong text, a bad shot id or
    take id, or a line index past ``max_index``. (Voice clips: checked like a shot's.)"""
    for i, language in enumerate(languages):
        for j, line in enumerate(sorted(language.lines.values(), key=lambda t: t.key)):
            at = f"{where}[{i}].lines[{j}]"
            problem = id_problem(line.shot) or (line.take and id_problem(line.take))
            if problem:
                raise jr.SchemaError(f"{at}: {problem}")
            if line.line >= max_index:
                raise jr.SchemaError(f"{at}.line: {line.line} is past any shot's dialogue")
            for key in ("text", "source"):
                text = getattr(line, key)
                if len(text) > max_text:
                    raise jr.SchemaError(f"{at}.{key}: longer than {max_text} characters")
                problem = text_problem(text)
                if problem:
                    raise jr.SchemaError(f"{at}.{key}: {problem}")


# --- editing ---------------------------------------------------------------------------------


def find_language(project: Project, tag: str) -> Language:
    """The project's target language ``tag`` (any case); ValueError naming the targets."""
    for language in project.languages:
        if language.tag.casefold() == tag.casefold():
            return language
    have = ", ".join(lang.tag for lang in project.languages) or "none"
    raise ValueError(f"{tag} is not a target language of this project (targets: {have})")


def add_languages(project: Project, tags: Iterable[str]) -> list[str]:
    """Add target languages (normalized); the ones added. ValueError (nothing added) for a bad
    tag, the source language, or more than :data:`MAX_LANGUAGES` in all."""
    have = {lang.tag.casefold() for lang in project.languages}
    new: list[str] = []
    for raw in tags:
        tag = normalize_tag(raw.strip())
        if project.language and tag.casefold() == project.language.casefold():
            raise ValueError(f"{tag} is the project's source language, not a target")
        if tag.casefold() not in have:
            have.add(tag.casefold())
            new.append(tag)
    if len(project.languages) + len(new) > MAX_LANGUAGES:
        raise ValueError(f"a project has at most {MAX_LANGUAGES} target languages")
    project.languages.extend(Language(tag) for tag in new)
    return new


def remove_language(project: Project, tag: str) -> Language:
    """Remove a target language with its translations; ValueError if it is not one."""
    language = find_language(project, tag)
    project.languages.remove(language)
    return language


def dialogue_lines(project: Project) -> dict[tuple[str, int], str]:
    """Every live dialogue line's source text, by (shot id, line index), in script order."""
    return {
        (shot.id, i): line.text for shot in project.shots() for i, line in enumerate(shot.dialogue)
    }


def language_counts(project: Project, language: Language) -> dict[str, int]:
    """Lines to translate, and how many are translated, approved and stale."""
    lines = dialogue_lines(project)
    done = [t for key, t in language.lines.items() if key in lines and t.text]
    return {
        "lines": len(lines),
        "translated": len(done),
        "approved": sum(t.state is LineState.APPROVED for t in done),
        "stale": sum(t.source != lines[t.key] for t in done),
    }


def reconcile_languages(project: Project) -> int:
    """After a script re-import: follow each translation to its line, drop the dangling ones;
    how many were dropped.

    A translation stays on its line while the source text there is the one it was made from;
    else it moves to the line of the same shot that now has that text (a line inserted above
    shifted it); else it stays, stale, if its line still exists. Translations of shots gone
    from the live script and the archive, or of lines past a shot's end, are dropped.
    """
    shots = {shot.id: shot for shot in [*project.shots(), *project.archived_shots]}
    dropped = 0
    for language in project.languages:
        by_shot: dict[str, list[TranslatedLine]] = {}
        for line in language.lines.values():
            by_shot.setdefault(line.shot, []).append(line)
        kept: dict[tuple[str, int], TranslatedLine] = {}
        for shot_id, lines in by_shot.items():
            shot = shots.get(shot_id)
            placed = {} if shot is None else _place(shot, lines)
            kept.update(placed)
            dropped += len(lines) - len(placed)
        language.lines = dict(sorted(kept.items()))
    return dropped


def _place(shot: Shot, lines: list[TranslatedLine]) -> dict[tuple[str, int], TranslatedLine]:
    texts = [d.text for d in shot.dialogue]
    placed: dict[int, TranslatedLine] = {}
    rest = []
    for line in lines:  # unchanged in place
        if line.line < len(texts) and texts[line.line] == line.source:
            placed[line.line] = line
        else:
            rest.append(line)
    later = []
    for line in rest:  # moved: the same text elsewhere in the shot
        index = next((i for i, t in enumerate(texts) if t == line.source and i not in placed), None)
        if index is None:
            later.append(line)
        else:
            line.line = index
            if line.voice is not None:
                line.voice.line = index
            placed[index] = line
    for line in later:  # edited in place: kept, stale
        if line.line < len(texts) and line.line not in placed:
            placed[line.line] = line
    return {(shot.id, i): line for i, line in placed.items()}
