"""Footage made elsewhere: what an imported take stores where a generated one stores its request.

No backend made it, so it cannot be regenerated; the record says which file it was (its path
when imported and its sha256) and what it holds. Stored as the take's ``"request"`` with
``"kind": "import"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from studio.core import jsonread as jr


@dataclass(frozen=True, slots=True)
class Footage:
    kind: ClassVar[str] = "import"

    shot_id: str
    source: str  # the file imported, absolute, as it was then
    sha256: str  # of the copy in the project
    width: int
    height: int
    frames: int
    fps: str  # "num/den" as ffmpeg reported it

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "shot_id": self.shot_id,
            "source": self.source,
            "sha256": self.sha256,
            "width": self.width,
            "height": self.height,
            "frames": self.frames,
            "fps": self.fps,
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Footage:
        d = jr.obj(raw, where)
        return cls(
            shot_id=jr.field(d, "shot_id", str, where, ""),
            source=jr.field(d, "source", str, where, ""),
            sha256=jr.field(d, "sha256", str, where, ""),
            width=jr.field(d, "width", int, where, 0),
            height=jr.field(d, "height", int, where, 0),
            frames=jr.field(d, "frames", int, where, 0),
            fps=jr.field(d, "fps", str, where, ""),
        )
