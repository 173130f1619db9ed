"""The requests a language model answers about an episode: the assistant's tasks
(:class:`AssistRequest`) and machine translation of the dialogue (:class:`TranslateRequest`).

Like every request, each holds what determines its answer (the model and its hash, the texts it
reads, the template or the languages) and is stored with the result it made. Their target is the
episode (:class:`~studio.core.targets.EpisodeTarget`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from studio.core import jsonread as jr
from studio.core.assist import TEMPLATE_VERSION, AssistTask, ShotInput
from studio.core.kinds import ASSIST_BACKENDS, TRANSLATE_BACKENDS, Backend
from studio.core.request_base import RequestBase, RequestKind
from studio.core.targets import EpisodeTarget, Target


@dataclass(frozen=True, kw_only=True)
class AssistRequest(RequestBase):
    """A task for the assistant (:mod:`studio.core.assist`) about one episode: what it reads of
    each shot, the chat model and its hash, the template version and the seed. ``temperature``
    0 decodes greedily; above 0 it samples from ``seed``: either way the same request gives the
    same answer on the same device."""

    kind: ClassVar[RequestKind] = RequestKind.ASSIST
    backends: ClassVar[tuple[Backend, ...]] = ASSIST_BACKENDS

    episode: int
    task: AssistTask
    model: str  # registry name of a chat model
    title: str = ""
    shots: tuple[ShotInput, ...] = ()
    backend: Backend = Backend.LANGUAGE_MODEL
    model_hash: str = ""
    template: str = TEMPLATE_VERSION
    seed: int = 0
    temperature: float = 0.0
    max_tokens: int = 160  # per answer

    def __post_init__(self) -> None:
        object.__setattr__(self, "backend", Backend(self.backend))
        object.__setattr__(self, "task", AssistTask(self.task))
        object.__setattr__(self, "temperature", float(self.temperature))
        object.__setattr__(self, "shots", tuple(self.shots))

    @property
    def target(self) -> Target:
        return EpisodeTarget(self.episode)


@dataclass(frozen=True, slots=True)
class SourceLine:
    """A dialogue line to translate: its shot, its index in ``Shot.dialogue`` and its text."""

    shot_id: str
    line: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"shot_id": self.shot_id, "line": self.line, "text": self.text}

    @classmethod
    def from_json(cls, raw: Any, where: str) -> SourceLine:
        d = jr.obj(raw, where)
        return cls(
            shot_id=jr.field(d, "shot_id", str, where),
            line=jr.field(d, "line", int, where),
            text=jr.field(d, "text", str, where),
        )


@dataclass(frozen=True, kw_only=True)
class TranslateRequest(RequestBase):
    """An episode's dialogue lines (``texts``) translated from ``source_language`` into
    ``language`` (BCP 47 tags) by a translation model, greedily: the same request gives the same
    translations on the same device."""

    kind: ClassVar[RequestKind] = RequestKind.TRANSLATE
    backends: ClassVar[tuple[Backend, ...]] = TRANSLATE_BACKENDS

    episode: int
    language: str
    model: str  # registry name of a translation model
    texts: tuple[SourceLine, ...] = ()
    source_language: str = "en"
    backend: Backend = Backend.TRANSLATION_MODEL
    model_hash: str = ""
    max_tokens: int = 256  # per line

    def __post_init__(self) -> None:
        object.__setattr__(self, "backend", Backend(self.backend))
        object.__setattr__(self, "texts", tuple(self.texts))

    @property
    def target(self) -> Target:
        return EpisodeTarget(self.episode)
