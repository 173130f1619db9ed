"""One call of a diffusers pipeline: seeded, reporting each step, stoppable, timed.

:class:`PipelineCall` adds to the keyword arguments a ``torch.Generator`` seeded with the
request's seed and a ``callback_on_step_end`` that reports ``ctx.progress(step, total,
preview)`` and, once ``ctx.cancelled()`` turns true, sets the pipeline's ``_interrupt`` flag
(SD, SDXL, Flux, SD3, LTX, Wan and CogVideoX pipelines skip their remaining steps when it is
set; a pipeline without the flag, such as SVD, is stopped by raising :class:`Cancelled` from
the callback). The VAE's ``decode`` is wrapped for the call to time the decode apart from the
denoising, and to skip the decode of a cancelled run. Arguments a pipeline's ``__call__`` does
not take are dropped, so one set of arguments serves every family.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from studio.core.request import Request
from studio.engine.backends.base import Cancelled, RunContext

PREVIEW_EDGE = 256  # longest side of a progress preview
PREVIEW_EVERY_S = 0.5  # at most this often (and always on the last step)

# Latent (4 channels) -> RGB in [-1, 1], a linear approximation of the VAE decoder for the
# Stable Diffusion VAEs: factors (4×3) and bias (3).
_SD_FACTORS = (
    (0.3512, 0.2297, 0.3227),
    (0.3250, 0.4974, 0.2350),
    (-0.2829, 0.1762, 0.2721),
    (-0.2120, -0.2616, -0.7177),
)
_SDXL_FACTORS = (
    (0.3651, 0.4232, 0.4341),
    (-0.2533, -0.0042, 0.1068),
    (0.1076, 0.1111, -0.0362),
    (-0.3165, -0.2492, -0.2188),
)
LATENT_RGB: dict[str, tuple[tuple[tuple[float, ...], ...], tuple[float, float, float]]] = {
    "sd15": (_SD_FACTORS, (0.0, 0.0, 0.0)),
    "sd2": (_SD_FACTORS, (0.0, 0.0, 0.0)),
    "sdxl": (_SDXL_FACTORS, (0.1084, -0.0175, -0.0011)),
}

Invoke = Callable[[Any, dict[str, Any]], Any]  # (pipe, kwargs) -> the pipeline's output


@dataclass
class CallTimes:
    denoise: float = 0.0  # the call minus the VAE decode
    decode: float = 0.0


def common_kwargs(request: Request) -> dict[str, Any]:
    """The arguments every pipeline call shares (seed and callback are added by the call)."""
    return {
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt,
        "num_inference_steps": request.steps,
        "guidance_scale": request.guidance,
        "width": request.width,
        "height": request.height,
        "output_type": "np",
    }


def accepted(pipe: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` less the ones ``pipe.__call__`` does not take."""
    params = inspect.signature(type(pipe).__call__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return dict(kwargs)
    return {k: v for k, v in kwargs.items() if k in params}


def generator(device: str, seed: int) -> Any:
    import torch

    return torch.Generator(device=device).manual_seed(seed)


def latent_preview(latents: Any, family: str) -> np.ndarray | None:
    """A cheap RGB picture of 4-channel image latents (SD 1.5/2, SDXL); None for others."""
    table = LATENT_RGB.get(family)
    if table is None or latents is None or getattr(latents, "ndim", 0) != 4:
        return None
    if latents.shape[1] != len(table[0]):
        return None
    import cv2

    x = latents[0].detach().float().cpu().numpy()  # (4, h, w)
    rgb = np.einsum("chw,cr->hwr", x, np.asarray(table[0])) + np.asarray(table[1])
    image = ((np.clip(rgb, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    h, w = image.shape[:2]
    scale = PREVIEW_EDGE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)


class PipelineCall:
    """Runs ``pipe`` once for a request, with progress, cancel, seed and timings."""

    def __init__(self, pipe: Any, ctx: RunContext, *, family: str, device: str, steps: int):
        self.pipe = pipe
        self.ctx = ctx
        self.family = family
        self.device = device
        self.steps = steps
        self.times = CallTimes()
        self.stopped = False
        self._last_preview = 0.0

    def run(self, invoke: Invoke, kwargs: dict[str, Any], seed: int) -> Any:
        """``invoke(pipe, kwargs)`` with the seeded generator and the step callback; the
        pipeline's output. Cancelled when the run was stopped."""
        wanted = kwargs | {"generator": generator(self.device, seed)}
        args = accepted(self.pipe, wanted | {"callback_on_step_end": self._on_step})
        vae = getattr(self.pipe, "vae", None)
        wrapped = vae is not None and callable(getattr(vae, "decode", None))
        if wrapped:
            vae.decode = self._timed(vae.decode)
        start = time.perf_counter()
        try:
            output = invoke(self.pipe, args)
            self._sync()
        finally:
            elapsed = time.perf_counter() - start
            if wrapped:
                del vae.decode  # the instance attribute: the class's method shows again
            self.times.denoise = max(0.0, elapsed - self.times.decode)
        if self.stopped or self.ctx.cancelled():
            raise Cancelled()
        return output

    def _on_step(self, pipe: Any, index: int, _timestep: Any, tensors: dict[str, Any]) -> Any:
        step = index + 1
        total = getattr(pipe, "_num_timesteps", None) or self.steps
        now = time.perf_counter()
        preview = None
        if step >= total or now - self._last_preview >= PREVIEW_EVERY_S:
            preview = latent_preview(tensors.get("latents"), self.family)
            self._last_preview = now
        self.ctx.progress(step, total, preview)
        if self.ctx.cancelled():
            self.stopped = True
            if isinstance(getattr(type(pipe), "interrupt", None), property):
                pipe._interrupt = True  # the pipeline skips its remaining steps
            else:
                raise Cancelled()
        return tensors

    def _timed(self, decode: Callable[..., Any]) -> Callable[..., Any]:
        def timed_decode(*args: Any, **kwargs: Any) -> Any:
            if self.stopped:
                raise Cancelled()  # no need to decode what nobody will see
            start = time.perf_counter()
            try:
                return decode(*args, **kwargs)
            finally:
                self._sync()
                self.times.decode += time.perf_counter() - start

        return timed_decode

    def _sync(self) -> None:
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.synchronize(self.device)
