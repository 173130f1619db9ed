"""A take: one result for a shot, with what made it (a request, or imported footage's record).

Stored as one object in ``project.json`` whose ``"request"`` holds the request's JSON (see
:mod:`studio.core.request`), the footage record (``"kind": "import"``) or ``{}``. A stored
request this version cannot read does not stop the project opening: the take loads without a
request, says why in ``request_problem``, and its stored JSON is saved back as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from studio.core import jsonread as jr
from studio.core.footage import Footage
from studio.core.request import Request, origin_from_json

if TYPE_CHECKING:
    from studio.core.model import Project


class TakeState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    APPROVED = "approved"
    REJECTED = "rejected"
    STARRED = "starred"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class Take:
    """One generated (or imported) result for a shot, with the request that made it."""

    id: str
    media: str = ""  # relative to the project folder; "" until the file exists
    request: Request | None = None  # None: imported footage, or a request that cannot be read
    state: TakeState = TakeState.QUEUED
    notes: str = ""
    gpu_seconds: float = 0.0
    created: str = field(default_factory=now_iso)
    timings: dict[str, float] = field(default_factory=dict)  # seconds: load, denoise, decode…
    device: str = ""  # where it was made: "cuda:0 (NVIDIA H100 …)", "cpu"
    source_take: str = ""  # a lip-synced take: the take whose picture it re-mouthed
    footage: Footage | None = None  # an imported take: the file it came from
    # The stored "request" when it is neither a request nor a footage record this version
    # reads: saved back as it was, so nothing is lost.
    unread_request: Any = field(default_factory=dict)
    # Set on load, not saved: why the stored media path is unusable (missing, outside the
    # project; the stored path is kept as it was), and why the stored request cannot be read.
    media_problem: str = field(default="", compare=False)
    request_problem: str = field(default="", compare=False)
    # The stored form of ``request`` (or ``footage``) as read or last written: while the take
    # holds the same (immutable) request it is saved as it was read, a field this version does
    # not know included, and its JSON is not built again on each save.
    _stored: tuple[object, Any] | None = field(default=None, init=False, repr=False, compare=False)

    def request_json(self) -> Any:
        """The take's ``"request"`` as stored."""
        made_by = self.request if self.request is not None else self.footage
        if made_by is None:
            return self.unread_request
        if self._stored is None or self._stored[0] is not made_by:
            self._stored = (made_by, made_by.to_json())
        return self._stored[1]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "media": self.media,
            "request": self.request_json(),
            "state": self.state.value,
            "notes": self.notes,
            "gpu_seconds": self.gpu_seconds,
            "created": self.created,
            "timings": dict(self.timings),
            "device": self.device,
            "source_take": self.source_take,
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Take:
        d = jr.obj(raw, where)
        take = cls(
            id=jr.field(d, "id", str, where),
            media=jr.field(d, "media", str, where, ""),
            state=jr.choice(d, "state", TakeState, where, "queued"),
            notes=jr.field(d, "notes", str, where, ""),
            gpu_seconds=jr.field(d, "gpu_seconds", float, where, 0.0),
            created=jr.field(d, "created", str, where, ""),
            timings=_seconds(d.get("timings", {}), f"{where}.timings"),
            device=jr.field(d, "device", str, where, ""),
            source_take=jr.field(d, "source_take", str, where, ""),
        )
        stored = d.get("request", {})
        try:
            origin = origin_from_json(stored, "request")
        except (ValueError, RecursionError) as exc:  # SchemaError, or nested beyond reading
            take.unread_request = stored
            take.request_problem = str(exc) or type(exc).__name__
        else:
            if isinstance(origin, Footage):
                take.footage = origin
            else:
                take.request = origin
            if origin is not None:
                take._stored = (origin, stored)
        return take


def unread_requests(project: Project) -> list[str]:
    """One line for each take or voiced line whose stored request cannot be read."""
    lines: list[str] = []
    for shot in [*project.shots(), *project.archived_shots]:
        for take in [*shot.takes, *shot.archived_takes]:
            if take.request_problem:
                lines.append(
                    f"shot {shot.id} take {take.id}: its request cannot be read "
                    f"({take.request_problem}); kept as stored, but the take cannot be "
                    "regenerated"
                )
        for clip in shot.voice:
            if clip.request_problem:
                lines.append(
                    f"shot {shot.id} line {clip.line + 1} voice: its request cannot be read "
                    f"({clip.request_problem}); kept as stored, and the line is voiced again "
                    "when asked"
                )
    return lines


def _seconds(raw: Any, where: str) -> dict[str, float]:
    d = jr.obj(raw, where)
    return {key: jr.field(d, key, float, where) for key in d}
