"""A still image made into a take: the keyframe PNG, and ``request.frames`` frames of it seen by
a slowly moving camera (push in, pull out, pan: the animatic's camera, see
:func:`~studio.engine.backends.animatic.camera_matrix`), encoded as H.264.

The still is made at the frame's size, so the camera's widest view is the whole still: a push-in
starts on exactly the keyframe, and a camera that moves inward never shows anything outside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.core.request import CameraMotion, Request
from studio.engine.backends.animatic import camera_matrix
from studio.engine.backends.base import BackendError, Cancelled
from studio.media import stills
from studio.media.ffmpeg import MediaError, VideoWriter

CANCEL_EVERY = 8  # frames between checks of ``cancelled()``
PRESET = "veryfast"


@dataclass(frozen=True, slots=True)
class MotionTimes:
    frames: float  # seconds spent making frames (moving the camera over a still, converting)
    encode: float  # seconds spent handing frames to ffmpeg and finishing the file


def to_uint8(image: np.ndarray) -> np.ndarray:
    """A float image in [0, 1] (what diffusers returns for ``output_type="np"``) as RGB uint8."""
    if image.dtype == np.uint8:
        return np.ascontiguousarray(image)
    return np.ascontiguousarray((np.clip(image, 0.0, 1.0) * 255.0).round().astype(np.uint8))


def write_png(image: np.ndarray, path: Path) -> None:
    """The keyframe PNG (see :func:`studio.media.stills.write_png`), as a backend error."""
    try:
        stills.write_png(image, path)
    except MediaError as e:
        raise BackendError(str(e)) from e


def camera_frame(still: np.ndarray, request: Request, index: int) -> np.ndarray:
    """Frame ``index`` of the take: the part of ``still`` the camera sees then."""
    import cv2

    if getattr(request, "camera_motion", CameraMotion.NONE) is CameraMotion.NONE:
        return still
    m = camera_matrix(request, index, zoom=1.0)
    return cv2.warpAffine(still, m, (request.width, request.height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def write_motion_take(
    still: np.ndarray,
    request: Request,
    output: Path,
    fps: str,
    cancelled: Callable[[], bool],
) -> MotionTimes:
    """Encode ``request.frames`` frames of ``still`` (RGB uint8 at the request's size) to
    ``output``; Cancelled (and no file) when ``cancelled()`` turns true on the way."""
    h, w = still.shape[:2]
    if (w, h) != (request.width, request.height):
        raise BackendError(
            f"the image is {w}×{h}, the take must be {request.width}×{request.height}"
        )
    start = time.perf_counter()
    try:
        with VideoWriter(output, w, h, fps, preset=PRESET) as writer:
            for i in range(request.frames):
                if i and i % CANCEL_EVERY == 0 and cancelled():
                    raise Cancelled()
                writer.write(camera_frame(still, request, i))
    except MediaError as e:
        raise BackendError(f"could not write the take: {e}") from e
    elapsed = time.perf_counter() - start
    return MotionTimes(frames=max(0.0, elapsed - writer.seconds), encode=writer.seconds)
