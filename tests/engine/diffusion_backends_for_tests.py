"""Diffusers backends for tests only, loaded by the worker by "module:Class" name in place of
the real one (``{"diffusers": "diffusion_backends_for_tests:OomOnceBackend"}``).

They run the real :class:`DiffusersBackend` on tiny pipelines but pretend the device is a GPU
whose memory runs out: every offload tier is walked (each one puts the pipeline on the CPU, the
only device here) and the pipeline call raises ``torch.OutOfMemoryError`` as CUDA would. The
tiers a run went through are appended to ``placements.log`` in the project folder.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from studio.core.request import Request
from studio.core.result import Rendered
from studio.engine.backends.base import RunContext
from studio.engine.backends.diffusion import DiffusersBackend
from studio.engine.device import Placement, Tier

PLACEMENTS_LOG = "placements.log"


class PretendGpuBackend(DiffusersBackend):
    """Steps down the offload tiers as on a GPU; ``ooms`` calls run out of memory first."""

    ooms = 0  # how many pipeline calls raise out-of-memory before one goes through

    def __init__(self) -> None:
        super().__init__()
        self.failed = 0
        self.tiers: list[str] = []

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        self.tiers = []
        try:
            return super().run(request, ctx)
        finally:
            with (ctx.project_dir / PLACEMENTS_LOG).open("a", encoding="utf-8") as log:
                log.write(" ".join(self.tiers) + "\n")

    def _lower(self, placement: Placement) -> Placement | None:
        if placement.tier is Tier.SEQUENTIAL:
            return None
        return replace(placement, tier=Tier(placement.tier + 1), vae_tiling=True)

    def _apply(self, pipe: Any, placement: Placement) -> None:
        pipe.to("cpu")
        if placement.vae_tiling:
            pipe.vae.enable_tiling()
        self.tiers.append(placement.tier.name)

    def _invoke(self, pipe: Any, kwargs: dict[str, Any]) -> Any:
        import torch

        if self.failed < self.ooms:
            self.failed += 1
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return super()._invoke(pipe, kwargs)


class OomOnceBackend(PretendGpuBackend):
    ooms = 1


class OomAlwaysBackend(PretendGpuBackend):
    ooms = 1_000_000
