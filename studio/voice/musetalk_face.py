"""The face region MuseTalk works on: a box cropped to 256×256, and the lower half pasted back.

A box is (x, y, width, height) in frame pixels, cut to the frame. The new face is resized to the
box and only the box's lower half is blended in, with a weight that is 0 on that region's edge
pixels and rises smoothly to 1 over a tenth of the box width: no seam, and nothing outside the
region changes. (MuseTalk narrows the paste to the jaw with a face-parsing model; we have none.)
"""

from __future__ import annotations

import numpy as np

CROP = 256  # the face size MuseTalk works at
MIN_BOX = 8  # pixels: a smaller (or clipped-away) face box leaves its frame untouched
FEATHER = 0.1  # of the box width: the blend ramps from 0 to 1 over this far from each edge

Box = tuple[int, int, int, int]  # x, y, width, height in pixels


def clip_box(box: Box | None, shape: tuple[int, ...]) -> Box | None:
    """``box`` cut to a frame of ``shape``; None when no usable box is left."""
    if box is None:
        return None
    x, y, w, h = (int(v) for v in box)
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, shape[1]), min(y + h, shape[0])
    if x1 - x0 < MIN_BOX or y1 - y0 < MIN_BOX:
        return None
    return x0, y0, x1 - x0, y1 - y0


def paste_region(box: Box | None, shape: tuple[int, ...]) -> Box | None:
    """The part of a frame of ``shape`` that lip-sync may change for ``box``: the lower half of
    the box cut to the frame (None: the frame is left as it is)."""
    clipped = clip_box(box, shape)
    if clipped is None:
        return None
    x, y, w, h = clipped
    return x, y + h // 2, w, h - h // 2


def crop_face(frame: np.ndarray, box: Box) -> np.ndarray:
    """The (clipped) box of ``frame`` resized to CROP×CROP."""
    import cv2

    x, y, w, h = box
    return cv2.resize(frame[y : y + h, x : x + w], (CROP, CROP), interpolation=cv2.INTER_LANCZOS4)


def feather(height: int, width: int) -> np.ndarray:
    """A height×width blend weight: 0 on the edge pixels, rising smoothly to 1 inside."""
    ramp = max(1.0, FEATHER * width)
    rows = np.minimum(np.arange(height), np.arange(height)[::-1])[:, None]
    cols = np.minimum(np.arange(width), np.arange(width)[::-1])[None, :]
    t = np.clip(np.minimum(rows, cols) / ramp, 0.0, 1.0).astype(np.float32)
    return t * t * (3.0 - 2.0 * t)


def paste_lower_face(frame: np.ndarray, face: np.ndarray, box: Box) -> np.ndarray:
    """A copy of ``frame`` with the lower half of ``face`` (CROP×CROP) blended into the (clipped)
    box's lower half."""
    import cv2

    x, y, w, h = box
    shrink = w < CROP or h < CROP
    face = cv2.resize(face, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LANCZOS4)
    top = h // 2
    old = frame[y + top : y + h, x : x + w].astype(np.float32)
    weight = feather(h - top, w)[..., None]
    mixed = old + (face[top:].astype(np.float32) - old) * weight
    new = frame.copy()
    new[y + top : y + h, x : x + w] = np.clip(np.rint(mixed), 0, 255).astype(np.uint8)
    return new
