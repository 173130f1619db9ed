"""Machine translation of a project's dialogue, for ``studio translate`` and the window.

One request per episode (:class:`~studio.core.text_requests.TranslateRequest`) holds the lines
that need a translation into one target language; the worker's translation model answers with a
file of translations, recorded here as lines in the ``machine`` state. A line a person edited or
approved keeps its text while its source line is unchanged; a machine line whose source changed
since (stale) is translated again, and ``force`` translates every machine line again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.kinds import ModelKind
from studio.core.model import Project
from studio.core.paths import resolve_inside
from studio.core.request import request_from_json
from studio.core.text_requests import SourceLine, TranslateRequest
from studio.core.translations import LineState, TranslatedLine, find_language
from studio.engine.registry import ModelEntry, ModelError, Registry
from studio.engine.translation_models import marian_pair, model_language

MAX_FILE = 8 << 20  # bytes of one translations file read back
INSTALL_HINT = (
    "install a translation model with .safetensors weights in the models folder (an OPUS-MT "
    "model for the pair, e.g. `studio models pull Helsinki-NLP/opus-mt-en-es`, or an M2M100 "
    "one), or translate by hand: `studio translations export` writes a table for translators"
)


class TranslationUnavailable(Exception):
    """No installed model translates between the two languages: one line, with what to do."""


def translation_model(registry: Registry, source: str, target: str, name: str = "") -> ModelEntry:
    """The model ``name``, or the first usable one that translates ``source`` into ``target``
    (an OPUS-MT model of that pair first, then a many-to-many model)."""
    entries = registry.of_kind(ModelKind.TRANSLATION)
    if name:
        try:
            return registry.usable(name, ModelKind.TRANSLATION)
        except ModelError as exc:
            raise TranslationUnavailable(str(exc)) from None
    usable = [e for e in entries if not e.problems]
    pair = (model_language(source, "marian"), model_language(target, "marian"))
    for entry in usable:
        if entry.family == "marian" and marian_pair(entry.path) == pair:
            return entry
    for entry in usable:
        if entry.family != "marian" and model_language(target, entry.family):
            return entry
    raise TranslationUnavailable(f"no model in {registry.root} translates {source} to {target}: "
                                 f"{INSTALL_HINT}")  # fmt: skip


def translate_requests(
    project: Project,
    model: ModelEntry,
    tag: str,
    episodes: list[int] | None = None,
    *,
    force: bool = False,
) -> list[TranslateRequest]:
    """The requests that translate ``episodes`` (all when None) into the target ``tag``:
    each episode's lines with no translation, a stale machine one, or (``force``) any machine
    one. ValueError when ``tag`` is not a target language."""
    language = find_language(project, tag)
    requests = []
    for episode in project.episodes:
        if episodes is not None and episode.number not in episodes:
            continue
        texts = []
        for shot in episode.shots():
            for i, line in enumerate(shot.dialogue):
                have = language.lines.get((shot.id, i))
                kept = have is not None and have.text and have.source == line.text
                if kept and (have.state is not LineState.MACHINE or not force):
                    continue
                if line.text.strip():
                    texts.append(SourceLine(shot.id, i, line.text))
        if texts:
            requests.append(
                TranslateRequest(
                    episode=episode.number,
                    language=language.tag,
                    source_language=project.language or "en",
                    model=model.name,
                    model_hash=model.hash,
                    texts=tuple(texts),
                )
            )
    return requests


@dataclass
class TranslationRecord:
    """What recording one episode's translations did."""

    language: str
    translated: list[tuple[str, int]] = field(default_factory=list)
    kept: int = 0  # edited or approved by a person meanwhile: left as they are
    stale: int = 0  # the script changed the line while it was being translated
    empty: int = 0  # the model wrote nothing

    def notes(self) -> list[str]:
        found = []
        if self.kept:
            found.append(f"{self.kept} line(s) in {self.language} edited or approved meanwhile: "
                         "kept")  # fmt: skip
        if self.stale:
            found.append(f"{self.stale} line(s) changed in the script while being translated: "
                         "translate again")  # fmt: skip
        if self.empty:
            found.append(f"{self.empty} line(s) got no translation from the model")
        return found


def record_translation(project: Project, root: Path, rel: str) -> TranslationRecord:
    """Put the translations of the file ``rel`` (a finished job's) into ``project``; ValueError
    when the file is not one or its language is no longer a target."""
    try:
        with resolve_inside(root, rel).open("rb") as f:
            data = f.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            raise ValueError("larger than a translations file can be")
        raw = json.loads(data)
        request = request_from_json(raw["request"], f"{rel}: request")
        lines = raw["lines"]
        if not isinstance(request, TranslateRequest) or not isinstance(lines, list):
            raise ValueError("not a translations file")
        texts = [line["text"] for line in lines]
        if len(texts) != len(request.texts) or not all(isinstance(t, str) for t in texts):
            raise ValueError("its lines are not the ones asked for")
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{rel}: cannot be read ({exc})") from None
    language = find_language(project, request.language)
    record = TranslationRecord(language.tag)
    for asked, text in zip(request.texts, texts, strict=True):
        try:
            shot = project.find_shot(asked.shot_id)
        except KeyError:
            record.stale += 1
            continue
        if asked.line >= len(shot.dialogue) or shot.dialogue[asked.line].text != asked.text:
            record.stale += 1
            continue
        have = language.lines.get((shot.id, asked.line))
        if have is not None and have.state is not LineState.MACHINE and have.source == asked.text:
            record.kept += 1
            continue
        if not text.strip():
            record.empty += 1
            continue
        language.lines[(shot.id, asked.line)] = TranslatedLine(
            shot.id, asked.line, text.strip(), LineState.MACHINE, asked.text
        )
        record.translated.append((shot.id, asked.line))
    language.lines = dict(sorted(language.lines.items()))
    return record
