"""Text-to-image requests: the pipeline's arguments, and its still made into a take.

The still is saved as the keyframe PNG (what image-to-video and the review show), then held for
the shot's length under the request's camera motion (:mod:`.still_motion`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from studio.core.request import ImageRequest
from studio.engine.backends.base import BackendError, RunContext
from studio.engine.backends.diffusion_call import common_kwargs
from studio.engine.backends.still_motion import (
    MotionTimes,
    to_uint8,
    write_motion_take,
    write_png,
)
from studio.engine.registry import ModelEntry

NO_NEGATIVE_PROMPT = ("flux",)  # distilled guidance: no negative prompt


def image_kwargs(request: ImageRequest, entry: ModelEntry) -> dict[str, Any]:
    """The pipeline's arguments for ``request`` (the seed and callback are added later)."""
    kwargs = common_kwargs(request) | {"num_images_per_prompt": 1}
    if entry.family in NO_NEGATIVE_PROMPT:
        del kwargs["negative_prompt"]
    return kwargs


def still_of(output: Any, request: ImageRequest) -> np.ndarray:
    """The generated image (RGB uint8) from the pipeline's output."""
    images = getattr(output, "images", None)
    if images is None or len(images) == 0:
        raise BackendError("the model returned no image")
    still = to_uint8(np.asarray(images[0]))
    if still.ndim != 3 or still.shape[2] != 3:
        raise BackendError(f"the model returned an image of shape {still.shape}, not RGB")
    h, w = still.shape[:2]
    if (w, h) != (request.width, request.height):
        import cv2

        still = cv2.resize(still, (request.width, request.height), interpolation=cv2.INTER_AREA)
    return still


def write_image_take(
    still: np.ndarray, request: ImageRequest, ctx: RunContext, fps: str
) -> MotionTimes:
    """The keyframe PNG (when the engine asked for one) and the take of the still."""
    import time

    start = time.perf_counter()
    if ctx.keyframe_output is not None:
        write_png(still, ctx.keyframe_output)
    png = time.perf_counter() - start
    try:
        times = write_motion_take(still, request, ctx.output, fps, ctx.cancelled)
    except BaseException:
        if ctx.keyframe_output is not None:
            ctx.keyframe_output.unlink(missing_ok=True)
        raise
    return MotionTimes(frames=png + times.frames, encode=times.encode)
