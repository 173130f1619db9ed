"""What every request shares: its kind, its stored form and its digest.

The kinds themselves are in :mod:`studio.core.request` (the picture, voice and lip-sync kinds) and
:mod:`studio.core.text_requests` (the kinds a language model answers); their JSON is read back by
:func:`studio.core.request.request_from_json`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, ClassVar

from studio.core.kinds import Backend
from studio.core.lora import Lora
from studio.core.targets import ShotTarget, Target


class RequestKind(StrEnum):
    IMAGE = "image"  # a keyframe, held for the shot's duration as a video take
    VIDEO = "video"  # text-to-video, or image-to-video from ``init_image``
    TTS = "tts"  # one dialogue line, spoken
    LIPSYNC = "lipsync"  # a video take re-mouthed to its shot's dialogue
    ASSIST = "assist"  # the assistant's suggestions for an episode (a JSON file)
    TRANSLATE = "translate"  # an episode's dialogue machine-translated into one language


@dataclass(frozen=True, kw_only=True)
class RequestBase:
    """What every kind shares: its stored form, its digest, and its target (a shot's take)."""

    kind: ClassVar[RequestKind]
    backends: ClassVar[tuple[Backend, ...]]  # the backends that run this kind

    @property
    def target(self) -> Target:
        return ShotTarget(self.shot_id)  # type: ignore[attr-defined]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value}
        for name in field_names(type(self)):
            data[name] = plain(getattr(self, name))
        return data

    def digest(self) -> str:
        """A stable hash of everything that determines the output."""
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def plain(value: Any) -> Any:
    """A field's value as its JSON holds it."""
    if type(value) in (str, int, float, bool):
        return value
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    if isinstance(value, Lora):  # all three fields, always: the digest of a request covers them
        return {"path": value.path, "weight": value.weight, "sha256": value.sha256}
    if value is None:  # no source request
        return {}
    if hasattr(value, "to_json"):  # a source request, the footage a take was imported from…
        return value.to_json()
    return {name: plain(getattr(value, name)) for name in field_names(type(value))}  # a brief…
