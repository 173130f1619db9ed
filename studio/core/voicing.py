"""Sound attached to shots and episodes: voiced dialogue lines, sound effects, the music bed.

Audio positions are integer samples at :data:`SAMPLE_RATE` (48 kHz, the delivery rate): they
convert to frames exactly, whatever the project's frame rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.core import jsonread as jr
from studio.core.request import VoiceRequest, request_from_json

SAMPLE_RATE = 48000


@dataclass(slots=True)
class VoiceClip:
    """One dialogue line of a shot, spoken: its WAV, its word and phoneme timing, and where it
    starts in the shot."""

    line: int  # index in ``Shot.dialogue``
    character: str
    media: str  # the 48 kHz WAV, relative to the project folder
    timing: str  # its SpeechTiming JSON, beside the WAV
    start: int  # samples from the start of the shot
    samples: int  # length
    request: VoiceRequest | None = None  # what voiced it (None: unreadable, see below)
    created: str = ""
    # The stored "request" when it cannot be read (saved back as it was) and why (not saved).
    unread_request: Any = field(default_factory=dict)
    request_problem: str = field(default="", compare=False)
    # ``request`` as read or last written (see ``Take``: saved as it was while unchanged).
    _stored: tuple[object, Any] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def end(self) -> int:
        return self.start + self.samples

    def request_json(self) -> Any:
        """The clip's ``"request"`` as stored."""
        if self.request is None:
            return self.unread_request
        if self._stored is None or self._stored[0] is not self.request:
            self._stored = (self.request, self.request.to_json())
        return self._stored[1]

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "character": self.character,
            "media": self.media,
            "timing": self.timing,
            "start": self.start,
            "samples": self.samples,
            "request": self.request_json(),
            "created": self.created,
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> VoiceClip:
        d = jr.obj(raw, where)
        clip = cls(
            line=jr.field(d, "line", int, where),
            character=jr.field(d, "character", str, where, ""),
            media=jr.field(d, "media", str, where),
            timing=jr.field(d, "timing", str, where, ""),
            start=jr.field(d, "start", int, where, 0),
            samples=jr.field(d, "samples", int, where),
            created=jr.field(d, "created", str, where, ""),
        )
        stored = d.get("request", {})
        try:
            request = request_from_json(stored, "request") if stored != {} else None
            if request is not None and not isinstance(request, VoiceRequest):
                raise jr.SchemaError(f"request.kind: {request.kind.value}, not a spoken line's")
        except (ValueError, RecursionError) as exc:
            clip.unread_request, clip.request_problem = stored, str(exc) or type(exc).__name__
        else:
            clip.request = request
            clip._stored = (request, stored) if request is not None else None
        if clip.line < 0 or clip.start < 0 or clip.samples < 0:
            raise jr.SchemaError(f"{where}: line, start and samples must not be negative")
        return clip


@dataclass(slots=True)
class AudioRef:
    """A user's sound file (music bed, sound effect) placed with a gain."""

    path: str  # relative to the project folder
    gain_db: float = 0.0
    offset_frames: int = 0  # SFX: frames into the shot where it starts

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "gain_db": self.gain_db, "offset_frames": self.offset_frames}

    @classmethod
    def from_json(cls, raw: Any, where: str) -> AudioRef:
        d = jr.obj(raw, where)
        ref = cls(
            path=jr.field(d, "path", str, where),
            gain_db=jr.field(d, "gain_db", float, where, 0.0),
            offset_frames=jr.field(d, "offset_frames", int, where, 0),
        )
        if ref.offset_frames < 0:
            raise jr.SchemaError(f"{where}.offset_frames: must not be negative")
        return ref
