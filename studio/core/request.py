"""Generation requests: the one contract between the app and any backend.

A request holds everything that determines a take's pixels (or a line's sound): prompt, seed,
model and its hash, steps, size, frames, references. It is stored with the take
(``Take.request``) or the voiced line (``VoiceClip.request``), so any result can be reproduced
(same request, same device, same output) or varied (a new seed). One dataclass per job kind:
image, video, tts, lip-sync.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any, ClassVar

from studio.core import jsonread as jr

ANIMATIC = "animatic"  # the built-in backend and model: no weights


class RequestKind(StrEnum):
    IMAGE = "image"  # a keyframe, held for the shot's duration as a video take
    VIDEO = "video"  # text-to-video, or image-to-video from ``init_image``
    TTS = "tts"  # one dialogue line, spoken
    LIPSYNC = "lipsync"  # a video take re-mouthed to its shot's dialogue


class CameraMotion(StrEnum):
    NONE = "none"
    PUSH_IN = "push_in"
    PULL_OUT = "pull_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"


@dataclass(frozen=True, slots=True)
class Lora:
    path: str  # relative to the models folder
    weight: float = 1.0
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class ShotBrief:
    """What the script says about the shot: the animatic draws it; prompts are composed of it."""

    heading: str = ""
    description: str = ""
    framing: str = ""
    characters: tuple[str, ...] = ()
    dialogue: tuple[str, ...] = ()  # "NAME: line" for each dialogue line


@dataclass(frozen=True, kw_only=True)
class GenerationRequest:
    """Fields every kind shares. Paths are relative: ``references`` and ``init_image`` to the
    project folder, ``loras`` to the models folder."""

    kind: ClassVar[RequestKind]

    shot_id: str
    backend: str = ANIMATIC  # "animatic" | "diffusers"
    model: str = ANIMATIC  # registry name
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
        object.__setattr__(self, "guidance", float(self.guidance))
        object.__setattr__(self, "reference_scale", float(self.reference_scale))
        object.__setattr__(self, "references", tuple(self.references))
        object.__setattr__(self, "loras", tuple(self.loras))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["references"] = list(self.references)
        data["loras"] = [asdict(lora) for lora in self.loras]
        brief = data["brief"]
        brief["characters"] = list(self.brief.characters)
        brief["dialogue"] = list(self.brief.dialogue)
        plain = {k: v.value if isinstance(v, StrEnum) else v for k, v in data.items()}
        return {"kind": self.kind.value, **plain}

    def digest(self) -> str:
        """A stable hash of everything that determines the output."""
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def with_seed(self, seed: int) -> GenerationRequest:
        return replace(self, seed=seed)


@dataclass(frozen=True, kw_only=True)
class ImageRequest(GenerationRequest):
    kind: ClassVar[RequestKind] = RequestKind.IMAGE
    camera_motion: CameraMotion = CameraMotion.PUSH_IN
    ip_adapter: str = ""  # registry name of an IP-Adapter for ``references``; "" = none


@dataclass(frozen=True, kw_only=True)
class VideoRequest(GenerationRequest):
    kind: ClassVar[RequestKind] = RequestKind.VIDEO
    init_image: str = ""  # set: image-to-video from this keyframe


@dataclass(frozen=True, kw_only=True)
class _PlainRequest:
    """Digest and JSON for the sound requests (flat fields, tuples of plain dataclasses)."""

    kind: ClassVar[RequestKind]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        plain = {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
        return {"kind": self.kind.value, **plain}

    def digest(self) -> str:
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class VoiceRequest(_PlainRequest):
    """One dialogue line of a shot, spoken by its character's voice. ``rate``, ``pitch`` and
    ``volume`` are the effective values (the character's voice adjusted for the delivery)."""

    kind: ClassVar[RequestKind] = RequestKind.TTS

    shot_id: str
    line: int  # index in the shot's dialogue
    character: str
    text: str  # what is said (the parenthetical is not spoken)
    delivery: str = ""  # the parenthetical: "(whispering)"
    backend: str = "espeak"  # "espeak" | "kokoro"
    model: str = "espeak-ng"  # registry name for neural voices
    model_hash: str = ""
    voice: str = ""  # the backend's voice; "" = its default for the language
    language: str = "en"
    rate: float = 1.0
    pitch: float = 1.0
    volume: float = 1.0
    whisper: bool = False
    sample_rate: int = 48000

    def __post_init__(self) -> None:
        for name in ("rate", "pitch", "volume"):
            object.__setattr__(self, name, float(getattr(self, name)))


@dataclass(frozen=True, slots=True)
class SpokenLine:
    """A voiced line heard in the shot: its WAV and timing (project-relative) and where it
    starts, in samples at 48 kHz from the shot's first frame."""

    media: str
    timing: str
    start: int
    character: str = ""


@dataclass(frozen=True, kw_only=True)
class LipSyncRequest(_PlainRequest):
    """A video take re-mouthed to the shot's voiced lines: the new take has the shot's length
    at ``fps`` and the source's size, and links back to ``source_take``."""

    kind: ClassVar[RequestKind] = RequestKind.LIPSYNC

    shot_id: str
    source_take: str
    source_media: str  # the source take's video, relative to the project
    source_request: dict[str, Any] = field(default_factory=dict)  # the animatic redraws from it
    lines: tuple[SpokenLine, ...] = ()
    backend: str = "viseme"  # "viseme" | "musetalk"
    model: str = "viseme"  # registry name for neural models
    model_hash: str = ""
    fps: str = "30/1"
    frames: int = 75
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))


Request = ImageRequest | VideoRequest | VoiceRequest | LipSyncRequest
_SCALARS: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool}
_BY_KIND: dict[str, type[Any]] = {
    RequestKind.IMAGE.value: ImageRequest,
    RequestKind.VIDEO.value: VideoRequest,
    RequestKind.TTS.value: VoiceRequest,
    RequestKind.LIPSYNC.value: LipSyncRequest,
}


def request_from_json(raw: Any, where: str = "request") -> Request:
    """A request from its stored form, every field checked; SchemaError names a bad one."""
    d = jr.obj(raw, where)
    kind = jr.field(d, "kind", str, where)
    cls = _BY_KIND.get(kind)
    if cls is None:
        raise jr.SchemaError(f"{where}.kind: {kind!r} is not one of {', '.join(_BY_KIND)}")
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in d:
            continue
        values[f.name] = _read_field(cls, f.name, d, where)
    if "shot_id" not in values:
        raise jr.SchemaError(f"{where}.shot_id: missing")
    return cls(**values)  # type: ignore[return-value]


def _read_field(cls: type, name: str, d: dict[str, Any], where: str) -> Any:
    if name == "references":
        return tuple(jr.str_list(d, name, where))
    if name == "loras":
        items = jr.lst(d[name], f"{where}.loras")
        return tuple(_lora(x, f"{where}.loras[{i}]") for i, x in enumerate(items))
    if name == "brief":
        return _brief(d[name], f"{where}.brief")
    if name == "camera_motion":
        return jr.choice(d, name, CameraMotion, where)
    if name == "lines":
        items = jr.lst(d[name], f"{where}.lines")
        return tuple(_spoken(x, f"{where}.lines[{i}]") for i, x in enumerate(items))
    if name == "source_request":
        return jr.obj(d[name], f"{where}.source_request")
    annotation = cls.__dataclass_fields__[name].type  # type: ignore[attr-defined]
    return jr.field(d, name, _SCALARS[annotation], where)


def _lora(raw: Any, where: str) -> Lora:
    d = jr.obj(raw, where)
    return Lora(
        path=jr.field(d, "path", str, where),
        weight=jr.field(d, "weight", float, where, 1.0),
        sha256=jr.field(d, "sha256", str, where, ""),
    )


def _spoken(raw: Any, where: str) -> SpokenLine:
    d = jr.obj(raw, where)
    return SpokenLine(
        media=jr.field(d, "media", str, where),
        timing=jr.field(d, "timing", str, where),
        start=jr.field(d, "start", int, where),
        character=jr.field(d, "character", str, where, ""),
    )


def _brief(raw: Any, where: str) -> ShotBrief:
    d = jr.obj(raw, where)
    return ShotBrief(
        heading=jr.field(d, "heading", str, where, ""),
        description=jr.field(d, "description", str, where, ""),
        framing=jr.field(d, "framing", str, where, ""),
        characters=tuple(jr.str_list(d, "characters", where)),
        dialogue=tuple(jr.str_list(d, "dialogue", where)),
    )
