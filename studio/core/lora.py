"""A LoRA named by a character, the project's style or a request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.core import jsonread as jr


@dataclass(frozen=True, slots=True)
class Lora:
    """A LoRA attached when generating: a ``.safetensors`` file in the models folder, named by a
    character, the project's style, or a request (which may pin its ``sha256``)."""

    path: str  # relative to the models folder
    weight: float = 1.0
    sha256: str = ""  # "" = whatever file is at ``path``

    def to_json(self) -> dict[str, Any]:
        """Its stored form in the cast (``sha256`` when pinned). A request's JSON always names
        ``sha256``: its digest covers it."""
        data: dict[str, Any] = {"path": self.path, "weight": self.weight}
        if self.sha256:
            data["sha256"] = self.sha256
        return data

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Lora:
        d = jr.obj(raw, where)
        return cls(
            path=jr.field(d, "path", str, where),
            weight=jr.field(d, "weight", float, where, 1.0),
            sha256=jr.field(d, "sha256", str, where, ""),
        )
