"""The backend interface and what a run gets from the engine.

A backend is called inside the worker process with one request at a time. It writes the take to
``ctx.output`` (a temporary name in the final folder: the engine renames it when the backend
returns, so no take is ever seen half-written), reports progress through ``ctx.progress`` and
stops early, raising :class:`Cancelled`, when ``ctx.cancelled()`` turns true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from studio.core.request import Request
from studio.core.result import Rendered

# step (1-based), total steps, optional preview frame (H×W×3 uint8 RGB numpy array)
ProgressFn = Callable[[int, int, Any], None]


class Cancelled(Exception):
    """The run stopped because the job was cancelled; no take is produced."""


class BackendError(Exception):
    """A request this backend cannot run (unknown model, bad size, …): one line for the user."""


@dataclass(frozen=True)
class RunContext:
    project_dir: Path  # resolves ``references`` and ``init_image``
    models_dir: Path
    output: Path  # write the video take here (absolute; a temporary name)
    keyframe_output: Path | None  # image requests also write their still here (PNG)
    progress: ProgressFn
    cancelled: Callable[[], bool]
    device: str = "cpu"


class Backend(Protocol):
    name: str

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        """Make the take; raise Cancelled, BackendError, or let OOM errors through."""
        ...
