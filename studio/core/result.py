"""What a backend hands back for a finished request."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Timings:
    """Seconds spent in each phase; ``gpu`` is the accelerator-busy time billed to the take."""

    load: float = 0.0  # loading or switching the model (0 when it was warm)
    denoise: float = 0.0
    decode: float = 0.0  # VAE decode, or drawing for the animatic
    encode: float = 0.0  # writing the video file
    gpu: float = 0.0

    def total(self) -> float:
        return self.load + self.denoise + self.decode + self.encode


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a backend reports about the file it wrote."""

    width: int
    height: int
    frames: int
    fps: str  # "30/1"
    timings: Timings = field(default_factory=Timings)
    facts: dict[str, Any] = field(default_factory=dict)  # more: a spoken line's timing


@dataclass(frozen=True, slots=True)
class TakeResult:
    """A finished take: its media under the final name, and the facts stored with the take."""

    media: str  # relative to the project folder
    keyframe: str  # image requests: the still the take holds (relative); "" otherwise
    rendered: Rendered
    device: str  # "cpu", "cuda:0 (NVIDIA H100 80GB HBM3)"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
