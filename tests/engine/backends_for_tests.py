"""Backends for executor tests only, loaded by the worker by "module:Class" name.

They exercise what no real model can do on demand: run slowly enough to be cancelled or
killed mid-run, or crash the process. Everything around them (the worker process, the pipe,
the queue, temp files) is the real thing.
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import ClassVar

from studio.core.request import Request
from studio.core.result import Rendered, Timings
from studio.engine.backends.base import Cancelled, RunContext


class SlowBackend:
    """``request.steps`` steps of 20 ms each; writes a small file; honours cancel."""

    name = "slow"

    def __init__(self) -> None:
        self.runs = 0

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        self.runs += 1
        for step in range(1, request.steps + 1):
            if ctx.cancelled():
                raise Cancelled
            time.sleep(0.02)
            ctx.progress(step, request.steps, None)
        ctx.output.write_bytes(f"{request.seed} run {self.runs} pid {os.getpid()}".encode())
        if ctx.keyframe_output is not None:
            ctx.keyframe_output.write_bytes(b"still")
        return Rendered(request.width, request.height, request.frames, request.fps, Timings())


class CrashingBackend:
    """Dies with a segmentation fault on its first step, as a broken CUDA kernel might."""

    name = "crash"

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        ctx.progress(1, 2, None)
        os.kill(os.getpid(), signal.SIGSEGV)
        raise AssertionError("unreachable")


class QuietBackend:
    """Writes its take a chunk every 50 ms for ``request.steps`` chunks and reports no progress
    meanwhile (as a long decode or a slow step does); honours cancel."""

    name = "quiet"

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        with ctx.output.open("wb") as out:
            for _ in range(request.steps):
                if ctx.cancelled():
                    raise Cancelled
                out.write(b"x" * 1024)
                out.flush()
                time.sleep(0.05)
        return Rendered(request.width, request.height, request.frames, request.fps, Timings())


class RaisingBackend:
    """Raises an unexpected ValueError with a two-line message, as a library bug might."""

    name = "raise"

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        raise ValueError("bad tensor shape\n  (1, 4, 8) vs (1, 4, 9)")


class WhereBackend(SlowBackend):
    """As :class:`SlowBackend`, but its take says where it ran: the process and the GPUs it was
    given (``CUDA_VISIBLE_DEVICES``), as JSON."""

    name = "where"

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        rendered = super().run(request, ctx)
        place = {"pid": os.getpid(), "cuda": os.environ.get("CUDA_VISIBLE_DEVICES")}
        ctx.output.write_text(json.dumps(place))
        return rendered


class DoublesBackend:
    """Stands in for the diffusers backend (register it as ``Backend.DIFFUSERS``): runs the
    double the request's ``model`` names, as the real one loads the model it names; each double
    is kept between jobs, as a warm pipeline is."""

    name = "diffusers"
    DOUBLES: ClassVar[dict[str, type]] = {
        "slow": SlowBackend,
        "crash": CrashingBackend,
        "quiet": QuietBackend,
        "raise": RaisingBackend,
        "where": WhereBackend,
    }

    def __init__(self) -> None:
        self.warm: dict[str, object] = {}

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        double = self.warm.get(request.model)
        if double is None:
            double = self.warm[request.model] = self.DOUBLES[request.model]()
        return double.run(request, ctx)  # type: ignore[attr-defined]


TEST_DOUBLES = {"diffusers": "backends_for_tests:DoublesBackend"}  # WorkerConfig.backends
