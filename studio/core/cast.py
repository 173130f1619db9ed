"""The cast: characters with their voice settings and LoRAs (the project's bible).

Plain dataclasses with ``to_json``/``from_json`` that validate untrusted input and raise
:class:`~studio.core.jsonread.SchemaError` naming the bad field, like :mod:`studio.core.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.core import jsonread as jr
from studio.core.kinds import Backend
from studio.core.lora import Lora


@dataclass(slots=True)
class VoiceSettings:
    backend: str = Backend.ESPEAK.value  # a voice backend: espeak (built in) or kokoro
    model: str = ""  # registry name of a neural voice model
    voice: str = ""  # the backend's voice: "en-us+f3", "af_heart"; "" = chosen per character
    language: str = ""
    rate: float = 1.0
    pitch: float = 1.0
    volume: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "model": self.model,
            "voice": self.voice,
            "language": self.language,
            "rate": self.rate,
            "pitch": self.pitch,
            "volume": self.volume,
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> VoiceSettings:
        d = jr.obj(raw, where)
        return cls(
            backend=jr.field(d, "backend", str, where, Backend.ESPEAK.value),
            model=jr.field(d, "model", str, where, ""),
            voice=jr.field(d, "voice", str, where, ""),
            language=jr.field(d, "language", str, where, ""),
            rate=jr.field(d, "rate", float, where, 1.0),
            pitch=jr.field(d, "pitch", float, where, 1.0),
            volume=jr.field(d, "volume", float, where, 1.0),
        )


@dataclass(slots=True)
class Character:
    name: str
    description: str = ""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    reference_images: list[str] = field(default_factory=list)  # approved, project-relative
    seed: int = 0
    loras: list[Lora] = field(default_factory=list)  # attached to every shot they are in

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "voice": self.voice.to_json(),
            "reference_images": list(self.reference_images),
            "seed": self.seed,
            "loras": [lora.to_json() for lora in self.loras],
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Character:
        d = jr.obj(raw, where)
        return cls(
            name=jr.field(d, "name", str, where),
            description=jr.field(d, "description", str, where, ""),
            voice=VoiceSettings.from_json(d.get("voice", {}), f"{where}.voice"),
            reference_images=jr.str_list(d, "reference_images", where),
            seed=jr.field(d, "seed", int, where, 0),
            loras=[
                Lora.from_json(x, f"{where}.loras[{i}]")
                for i, x in enumerate(jr.lst(d.get("loras", []), f"{where}.loras"))
            ],
        )
