"""Generation requests: the one contract between the app and any backend.

A request holds everything that determines a take's pixels (or a line's sound): prompt, seed,
model and its hash, steps, size, frames, references. It is stored with the take
(``Take.request``) or the voiced line (``VoiceClip.request``), so any result can be reproduced
(same request, same device, same output) or varied (a new seed). One dataclass per job kind:
image, video, tts, lip-sync, and the assistant's tasks.

A request's :attr:`~GenerationRequest.target` says what it makes: a take of a shot
(:class:`ShotTarget`, ``"shot_id"`` in its JSON) or a still of a character for the bible
(:class:`ReferenceTarget`, ``"reference_of"``; only image requests make them). Its JSON names
exactly one of the two; a reference stored as ``"shot_id": "character:NAME"`` (how versions before
``reference_of`` wrote it) is read as one. The assistant's requests are about an episode
(:class:`EpisodeTarget`, ``"episode"``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any, ClassVar

from studio.core import jsonread as jr
from studio.core.assist import AssistTask, ShotInput
from studio.core.footage import Footage
from studio.core.kinds import (
    ANIMATIC_MODEL,
    LIPSYNC_BACKENDS,
    PICTURE_BACKENDS,
    VOICE_BACKENDS,
    Backend,
)
from studio.core.lora import Lora
from studio.core.request_base import RequestBase, RequestKind
from studio.core.shot_brief import ShotBrief
from studio.core.targets import ReferenceTarget, ShotTarget, Target
from studio.core.text_requests import AssistRequest, SourceLine, TranslateRequest

_OLD_REFERENCE = "character:"  # a reference's shot id before ``reference_of`` (read, not written)


class CameraMotion(StrEnum):
    NONE = "none"
    PUSH_IN = "push_in"
    PULL_OUT = "pull_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"


@dataclass(frozen=True, kw_only=True)
class GenerationRequest(RequestBase):
    """Fields the picture kinds share. Paths are relative: ``references`` and ``init_image`` to
    the project folder, ``loras`` to the models folder."""

    backends: ClassVar[tuple[Backend, ...]] = PICTURE_BACKENDS

    shot_id: str = ""  # the shot it makes a take of ("" for a reference: see ``target``)
    backend: Backend = Backend.ANIMATIC
    model: str = ANIMATIC_MODEL  # registry name
    model_hash: str = ""  # the registry's content hash of the model ("" for the animatic)
    prompt: str = ""
    negative_prompt: str = ""
    seed: int = 0
    steps: int = 30
    guidance: float = 7.0
    scheduler: str = ""  # a diffusers scheduler class name; "" keeps the model's own
    width: int = 576
    height: int = 1024
    frames: int = 75  # length of the take
    fps: str = "30/1"
    references: tuple[str, ...] = ()  # character reference images
    reference_scale: float = 0.6
    loras: tuple[Lora, ...] = ()
    brief: ShotBrief = field(default_factory=ShotBrief)

    def __post_init__(self) -> None:
        # 5 and 5.0 must not make two digests; lists given for tuples must not break hashing.
        object.__setattr__(self, "backend", Backend(self.backend))
        object.__setattr__(self, "guidance", float(self.guidance))
        object.__setattr__(self, "reference_scale", float(self.reference_scale))
        object.__setattr__(self, "references", tuple(self.references))
        object.__setattr__(self, "loras", tuple(self.loras))
        if bool(self.shot_id) == bool(getattr(self, "reference_of", "")):
            raise ValueError("a request makes a take of a shot (shot_id) or a reference "
                             "(reference_of, image requests only): name exactly one")  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The stored form; an empty ``shot_id`` or ``reference_of`` is left out."""
        data = super().to_json()
        for name in ("shot_id", "reference_of"):
            if data.get(name) == "":
                del data[name]
        return data

    def with_seed(self, seed: int) -> GenerationRequest:
        return replace(self, seed=seed)


@dataclass(frozen=True, kw_only=True)
class ImageRequest(GenerationRequest):
    kind: ClassVar[RequestKind] = RequestKind.IMAGE
    camera_motion: CameraMotion = CameraMotion.PUSH_IN
    ip_adapter: str = ""  # registry name of an IP-Adapter for ``references``; "" = none
    reference_of: str = ""  # a character's name: a still for the bible, not a shot's take

    @property
    def target(self) -> Target:
        if self.reference_of:
            return ReferenceTarget(self.reference_of)
        return ShotTarget(self.shot_id)


@dataclass(frozen=True, kw_only=True)
class VideoRequest(GenerationRequest):
    kind: ClassVar[RequestKind] = RequestKind.VIDEO
    init_image: str = ""  # set: image-to-video from this keyframe


@dataclass(frozen=True, kw_only=True)
class VoiceRequest(RequestBase):
    """One dialogue line of a shot, spoken by its character's voice. ``rate``, ``pitch`` and
    ``volume`` are the effective values (the character's voice adjusted for the delivery)."""

    kind: ClassVar[RequestKind] = RequestKind.TTS
    backends: ClassVar[tuple[Backend, ...]] = VOICE_BACKENDS

    shot_id: str
    line: int  # index in the shot's dialogue
    character: str
    text: str  # what is said (the parenthetical is not spoken)
    delivery: str = ""  # the parenthetical: "(whispering)"
    backend: Backend = Backend.ESPEAK
    model: str = "espeak-ng"  # registry name for neural voices
    model_hash: str = ""
    voice: str = ""  # the backend's voice; "" = its default for the language
    language: str = "en"
    rate: float = 1.0
    pitch: float = 1.0
    volume: float = 1.0
    whisper: bool = False
    sample_rate: int = 48000
    variant: str = ""  # the target language whose translated line this is; "" = the source

    def __post_init__(self) -> None:
        object.__setattr__(self, "backend", Backend(self.backend))
        for name in ("rate", "pitch", "volume"):
            object.__setattr__(self, name, float(getattr(self, name)))

    def to_json(self) -> dict[str, Any]:
        return _without_source_variant(super().to_json())


@dataclass(frozen=True, slots=True)
class SpokenLine:
    """A voiced line heard in the shot: its WAV and timing (project-relative) and where it
    starts, in samples at 48 kHz from the shot's first frame."""

    media: str
    timing: str
    start: int
    character: str = ""


@dataclass(frozen=True, kw_only=True)
class LipSyncRequest(RequestBase):
    """A video take re-mouthed to the shot's voiced lines: the new take has the shot's length
    at ``fps`` and the source's size, and links back to ``source_take``."""

    kind: ClassVar[RequestKind] = RequestKind.LIPSYNC
    backends: ClassVar[tuple[Backend, ...]] = LIPSYNC_BACKENDS

    shot_id: str
    source_take: str
    source_media: str  # the source take's video, relative to the project
    source_request: Request | Footage | None = None  # what made the source (animatic: redrawn)
    lines: tuple[SpokenLine, ...] = ()
    backend: Backend = Backend.VISEME
    model: str = Backend.VISEME.value  # registry name for neural models
    model_hash: str = ""
    fps: str = "30/1"
    frames: int = 75
    seed: int = 0
    variant: str = ""  # the target language whose dubbed lines it follows; "" = the source

    def __post_init__(self) -> None:
        object.__setattr__(self, "backend", Backend(self.backend))
        object.__setattr__(self, "lines", tuple(self.lines))

    def to_json(self) -> dict[str, Any]:
        return _without_source_variant(super().to_json())


def _without_source_variant(data: dict[str, Any]) -> dict[str, Any]:
    """A voice or lip-sync request's stored form: ``variant`` only for a target language, so a
    request of the source is stored, and hashed, as it was before languages had variants."""
    if data.get("variant") == "":
        del data["variant"]
    return data


Request = (
    ImageRequest | VideoRequest | VoiceRequest | LipSyncRequest | AssistRequest | TranslateRequest
)
_BY_KIND: dict[str, type[Any]] = {
    RequestKind.IMAGE.value: ImageRequest,
    RequestKind.VIDEO.value: VideoRequest,
    RequestKind.TTS.value: VoiceRequest,
    RequestKind.LIPSYNC.value: LipSyncRequest,
    RequestKind.ASSIST.value: AssistRequest,
    RequestKind.TRANSLATE.value: TranslateRequest,
}


def request_from_json(raw: Any, where: str = "request") -> Request:
    """A request from its stored form, every field checked; SchemaError names a bad one."""
    d = jr.obj(raw, where)
    kind = jr.field(d, "kind", str, where)
    cls = _BY_KIND.get(kind)
    if cls is None:
        raise jr.SchemaError(f"{where}.kind: {kind!r} is not one of {', '.join(_BY_KIND)}")
    values: dict[str, Any] = {}
    for name, scalar, read, required in _readers(cls):
        value = d.get(name, _ABSENT)
        if value is _ABSENT:
            if required:
                raise jr.SchemaError(f"{where}.{name}: missing")
        elif read is not None:
            values[name] = read(d, name, where)
        elif type(value) is scalar:  # the usual case, checked cheaply (a project has thousands)
            values[name] = value
        else:
            values[name] = jr.field(d, name, scalar, where)
    backend = values.get("backend")
    if backend is not None and backend not in cls.backends:
        raise jr.SchemaError(
            f"{where}.backend: a {kind} request is run by {' or '.join(cls.backends)}, "
            f"not {backend}"
        )
    shot_id = values.get("shot_id", "")
    if cls is ImageRequest and shot_id.startswith(_OLD_REFERENCE) and "reference_of" not in d:
        values["shot_id"], values["reference_of"] = "", shot_id.removeprefix(_OLD_REFERENCE)
    elif cls in (AssistRequest, TranslateRequest):
        pass  # their target is the episode
    elif not shot_id and not values.get("reference_of"):
        raise jr.SchemaError(f"{where}.shot_id: missing")
    elif shot_id and values.get("reference_of"):
        raise jr.SchemaError(f"{where}: names both a shot_id and a reference_of (one only)")
    try:
        return cls(**values)  # type: ignore[no-any-return]
    except ValueError as exc:
        raise jr.SchemaError(f"{where}: {exc}") from None


def origin_from_json(raw: Any, where: str) -> Request | Footage | None:
    """What a take stores as its ``"request"``: the request that made it, the record of the
    footage it was imported from, or nothing (``{}``). SchemaError when it cannot be read."""
    d = jr.obj(raw, where)
    if not d:
        return None
    if d.get("kind") == Footage.kind:
        return Footage.from_json(d, where)
    return request_from_json(d, where)


def _spoken(raw: Any, where: str) -> SpokenLine:
    d = jr.obj(raw, where)
    return SpokenLine(
        media=jr.field(d, "media", str, where),
        timing=jr.field(d, "timing", str, where),
        start=jr.field(d, "start", int, where),
        character=jr.field(d, "character", str, where, ""),
    )


_Reader = Callable[[dict[str, Any], str, str], Any]
_ABSENT = object()
_SCALARS: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool}


def _items(read: Callable[[Any, str], Any]) -> _Reader:
    def items(d: dict[str, Any], name: str, where: str) -> tuple[Any, ...]:
        found = jr.lst(d[name], f"{where}.{name}")
        return tuple(read(x, f"{where}.{name}[{i}]") for i, x in enumerate(found))

    return items


_READERS: dict[str, _Reader] = {  # the fields that are not a plain str, int, float or bool
    "references": lambda d, name, where: tuple(jr.str_list(d, name, where)),
    "loras": _items(Lora.from_json),
    "brief": lambda d, name, where: ShotBrief.from_json(d[name], f"{where}.{name}"),
    "camera_motion": lambda d, name, where: jr.choice(d, name, CameraMotion, where),
    "backend": lambda d, name, where: jr.choice(d, name, Backend, where),
    "lines": _items(_spoken),
    "source_request": lambda d, name, where: origin_from_json(d[name], f"{where}.{name}"),
    "task": lambda d, name, where: jr.choice(d, name, AssistTask, where),
    "shots": _items(ShotInput.from_json),
    "texts": _items(SourceLine.from_json),
}


@functools.cache
def _readers(cls: type) -> tuple[tuple[str, type | None, _Reader | None, bool], ...]:
    """Each field of ``cls``: its name, its type when a str, int, float or bool, else how it is
    read, and whether the JSON must name it."""
    found = []
    for f in fields(cls):
        read = _READERS.get(f.name)
        scalar = None if read is not None else _SCALARS[str(f.type)]
        found.append((f.name, scalar, read, f.default is MISSING and f.default_factory is MISSING))
    return tuple(found)
