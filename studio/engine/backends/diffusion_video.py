"""Video requests: the family's frame-count rule, the pipeline's arguments, frames to H.264.

Image-to-video models (SVD, LTX and Wan image-to-video, CogVideoX I2V) start from
``request.init_image``, a project-relative still (an approved image take's keyframe), cropped
to the request's aspect ratio and resized to its size; text-to-video models start from the
prompt. The request's size and frame count must already fit the family (the planner makes them
so, :mod:`studio.engine.families`): a request that does not is refused, naming the rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from studio.core.kinds import ModelKind
from studio.core.request import VideoRequest
from studio.core.time import FrameRate
from studio.engine.backends.base import BackendError, Cancelled, RunContext
from studio.engine.backends.diffusion_call import common_kwargs
from studio.engine.backends.still_motion import MotionTimes, to_uint8
from studio.engine.registry import ModelEntry
from studio.media.ffmpeg import MediaError, VideoWriter

SVD_MOTION_BUCKET = 127  # SVD's default amount of motion
SVD_DECODE_CHUNK = 8  # frames decoded at once (fixed: the chunking shapes the pixels)
CANCEL_EVERY = 8
PRESET = "veryfast"


def check_video(request: VideoRequest, entry: ModelEntry, frame_step: int) -> None:
    """Refuse a request the model cannot make, saying why."""
    if entry.kind is ModelKind.TEXT_TO_VIDEO and request.init_image:
        raise BackendError(
            f"{entry.name} makes video from text only; use an image-to-video model to start "
            f"from {request.init_image}"
        )
    if entry.kind is ModelKind.IMAGE_TO_VIDEO and not request.init_image:
        raise BackendError(f"{entry.name} makes video from a still: the request names none")
    n = request.frames
    if frame_step > 1 and (n - 1) % frame_step:
        examples = ", ".join(str(frame_step * k + 1) for k in range(1, 4))
        raise BackendError(
            f"{entry.name} ({entry.family}) makes {frame_step}k+1 frames ({examples}, …), not {n}"
        )


def video_kwargs(request: VideoRequest, entry: ModelEntry, ctx: RunContext) -> dict[str, Any]:
    """The pipeline's arguments for ``request`` (the seed and callback are added later)."""
    fps = float(FrameRate.parse(request.fps))
    kwargs = common_kwargs(request) | {"num_frames": request.frames}
    if request.init_image:
        kwargs["image"] = init_image(request, ctx.project_dir)
    if entry.family == "svd":  # no prompt; guidance ramps from min to max over the frames
        kwargs |= {
            "fps": max(1, round(fps)),  # micro-conditioning (the pipeline passes fps - 1)
            "motion_bucket_id": SVD_MOTION_BUCKET,
            "min_guidance_scale": min(1.0, request.guidance),
            "max_guidance_scale": request.guidance,
            "decode_chunk_size": min(request.frames, SVD_DECODE_CHUNK),
        }
    elif entry.family == "ltx":
        kwargs["frame_rate"] = fps  # LTX scales its positions in time by the frame rate
    return kwargs


def init_image(request: VideoRequest, project_dir: Path) -> Any:
    """The still to start from, as a PIL image of the request's size (centre-cropped to its
    aspect ratio first, never stretched)."""
    from PIL import Image, ImageOps

    path = project_dir / request.init_image
    if not path.is_file():
        raise BackendError(f"the still to start from, {request.init_image}, is missing")
    try:
        with Image.open(path) as image:
            rgb = image.convert("RGB")
    except OSError as e:
        raise BackendError(f"the still {request.init_image} cannot be read: {e}") from e
    size = (request.width, request.height)
    return ImageOps.fit(rgb, size, Image.Resampling.LANCZOS) if rgb.size != size else rgb


def frames_of(output: Any) -> list[Any]:
    """The frames of the first video in a pipeline's output."""
    videos = getattr(output, "frames", None)
    if videos is None or len(videos) == 0 or len(videos[0]) == 0:
        raise BackendError("the model returned no frames")
    return list(videos[0])


def write_video_take(
    frames: list[Any], request: VideoRequest, output: Path, fps: str, cancelled: Callable[[], bool]
) -> MotionTimes:
    """Encode ``frames`` (float RGB in [0, 1], uint8, or PIL images) at the request's size."""
    import cv2

    w, h = request.width, request.height
    start = time.perf_counter()
    try:
        with VideoWriter(output, w, h, fps, preset=PRESET) as writer:
            for i, frame in enumerate(frames):
                if i and i % CANCEL_EVERY == 0 and cancelled():
                    raise Cancelled()
                rgb = to_uint8(np.asarray(frame))
                if rgb.shape[:2] != (h, w):
                    rgb = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
                writer.write(rgb)
    except MediaError as e:
        raise BackendError(f"could not write the take: {e}") from e
    elapsed = time.perf_counter() - start
    return MotionTimes(frames=max(0.0, elapsed - writer.seconds), encode=writer.seconds)
