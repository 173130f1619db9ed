"""Drawing a mouth shape into a frame: the lips part, spread or round by a local warp.

Only the mouth region (:func:`mouth_region`) is touched, so the cost is that of a small crop.
Inside it a displacement field is built around the lip line: the upper lip lifts a little and the
lower lip and chin move down (``open``), the inner mouth between them is darkened, and the lips are
stretched sideways (``wide``) or drawn in (``round``). Every displacement fades to nothing at the
region's border, and the result is blended back with a feathered mask, so no seam shows and every
pixel outside the region is the input's, bit for bit.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.voice.face import MouthBox
from studio.voice.visemes import MouthShape

GAP = 0.45  # the widest opening, as a fraction of the mouth's width
LIFT = 0.3  # the share of the opening taken by the upper lip; the lower lip and jaw take the rest
SPREAD, NARROW = 0.18, 0.22  # how much wider a wide mouth, and narrower a round one, is
SIDE = 0.85  # the warp's half width, in mouth widths
ABOVE, BELOW = 0.35, 0.55  # room above the upper lip and below the lower lip, in mouth widths
INNER = 0.4  # the inner mouth's brightness relative to the lips, at its edge (half that inside)
SOFT = 0.03  # the inner mouth's soft edge, in mouth widths (at least 1 px)
FEATHER = 0.1  # the blend's soft edge around the warp, in mouth widths (at least 2 px)


def mouth_region(box: MouthBox, frame_shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)``, end exclusive, clipped to the frame: the only pixels
    :func:`apply_mouth` may change, whatever the shape."""
    left, top, right, bottom = _warp_bounds(box)
    margin = _feather(box)
    rows, cols = frame_shape[:2]
    return (
        min(max(0, int(np.floor(left - margin))), cols),
        min(max(0, int(np.floor(top - margin))), rows),
        max(0, min(cols, int(np.ceil(right + margin)) + 1)),
        max(0, min(rows, int(np.ceil(bottom + margin)) + 1)),
    )


def _warp_bounds(box: MouthBox) -> tuple[float, float, float, float]:
    """Where pixels may move: every displacement fades to nothing at this box's edge."""
    width = max(box.width, 1.0)
    gap = GAP * width
    top = box.cy - (LIFT * gap + 0.5 * box.height + ABOVE * width)
    bottom = box.cy + ((1 - LIFT) * gap + 0.5 * box.height + BELOW * width)
    return box.cx - SIDE * width, top, box.cx + SIDE * width, bottom


def _feather(box: MouthBox) -> float:
    """The width of the blend's soft edge, outside the warp bounds."""
    return max(2.0, FEATHER * box.width)


def apply_mouth(frame: np.ndarray, box: MouthBox, shape: MouthShape) -> np.ndarray:
    """A new frame with the mouth in ``box`` drawn as ``shape``; a rest shape (all 0) gives an
    identical copy."""
    out = frame.copy()
    opening, wide, rounded = (
        float(np.clip(v, 0.0, 1.0)) for v in (shape.open, shape.wide, shape.round)
    )
    x0, y0, x1, y1 = mouth_region(box, frame.shape)
    if max(opening, wide, rounded) < 1e-6 or x1 - x0 < 2 or y1 - y0 < 2:
        return out
    crop = frame[y0:y1, x0:x1]
    xs = np.arange(x0, x1, dtype=np.float32)[None, :]
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    width = max(box.width, 1.0)
    left, top, right, bottom = _warp_bounds(box)

    stretch = 1.0 + SPREAD * wide - NARROW * rounded
    half = 0.45 * width * stretch  # the opening's half width: a little inside the corners
    u = (xs - box.cx) / half
    profile = np.clip(1.0 - u * u, 0.0, 1.0) ** (0.7 - 0.2 * rounded)  # rounder when round
    gap = opening * GAP * width * profile
    upper = box.cy - LIFT * gap  # the inner mouth lies between these two edges (rows)
    lower = box.cy + (1 - LIFT) * gap

    # Vertical: above the opening pixels lift, below it they drop, fading out towards the edge.
    # (1 where a pixel moves fully, 0 at the warp's edge; one of the two is 1 everywhere.)
    hold_up = 1.0 - _smooth(np.clip((upper - ys) / np.maximum(upper - top, 1.0), 0.0, 1.0))
    hold_down = 1.0 - _smooth(np.clip((ys - lower) / np.maximum(bottom - lower, 1.0), 0.0, 1.0))
    source_y = np.where(
        ys <= upper,
        ys + (box.cy - upper) * hold_up,
        np.where(ys >= lower, ys - (lower - box.cy) * hold_down, np.float32(box.cy)),
    )
    # Horizontal: stretch about the centre near the lips, fading out past the corners.
    reach = np.clip((np.abs(xs - box.cx) - 0.5 * width) / ((SIDE - 0.5) * width), 0.0, 1.0)
    shift = (xs - box.cx) * (1.0 - 1.0 / stretch) * (1.0 - _smooth(reach))
    source_x = xs - shift * (hold_up * hold_down)
    warped = cv2.remap(
        crop,
        (source_x - np.float32(x0)).astype(np.float32),
        (source_y - np.float32(y0)).astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    ).astype(np.float32)
    _darken_inner_mouth(warped, ys, upper, lower, gap, _lip_colour(frame, box), width)

    # Blend in over a soft edge outside the warp bounds (where the warp is still the identity).
    feather = _feather(box)
    mask_x = _smooth(np.clip(np.minimum(xs - left, right - xs) / feather + 1.0, 0.0, 1.0))
    mask_y = _smooth(np.clip(np.minimum(ys - top, bottom - ys) / feather + 1.0, 0.0, 1.0))
    mask = np.minimum(mask_x, mask_y)[..., None]
    still = crop.astype(np.float32)
    blended = still + mask * (warped - still)
    out[y0:y1, x0:x1] = np.clip(np.rint(blended), 0, 255).astype(frame.dtype)
    return out


def _darken_inner_mouth(
    warped: np.ndarray,
    ys: np.ndarray,
    upper: np.ndarray,
    lower: np.ndarray,
    gap: np.ndarray,
    lips: np.ndarray,
    width: float,
) -> None:
    """Paint the inner mouth between ``upper`` and ``lower`` (per column) into ``warped``: dark,
    shaded deeper towards its middle, with a soft edge. Only the rows it can reach are touched."""
    open_columns = gap > 0.5
    if not open_columns.any():
        return
    first = max(0, int(np.searchsorted(ys[:, 0], upper[open_columns].min())) - 1)
    last = min(len(ys), int(np.searchsorted(ys[:, 0], lower[open_columns].max())) + 2)
    rows = ys[first:last]
    from_edge = np.minimum(rows - upper, lower - rows)
    inside = np.clip(from_edge / max(1.0, SOFT * width) + 0.5, 0.0, 1.0) * open_columns
    depth = 1.0 - 0.5 * np.clip(from_edge / (0.5 * gap + 1e-3), 0.0, 1.0)
    dark = (lips * INNER) * depth[..., None]
    band = warped[first:last]
    band += inside[..., None] * (dark - band)


def _smooth(t: np.ndarray) -> np.ndarray:
    """0 → 0 and 1 → 1 with flat ends (smoothstep)."""
    return t * t * (3.0 - 2.0 * t)


def _lip_colour(frame: np.ndarray, box: MouthBox) -> np.ndarray:
    """The mean colour of the darker half of the closed mouth's pixels (lips, not teeth)."""
    rows, cols = frame.shape[:2]
    x0, x1 = int(max(0, box.cx - box.width / 2)), int(min(cols, box.cx + box.width / 2 + 1))
    y0, y1 = int(max(0, box.cy - box.height / 2)), int(min(rows, box.cy + box.height / 2 + 1))
    pixels = frame[y0:y1, x0:x1].reshape(-1, frame.shape[2]).astype(np.float32)
    if not len(pixels):
        return np.full(frame.shape[2], 128.0, dtype=np.float32)
    luma = pixels.mean(axis=1)
    return pixels[luma <= np.median(luma)].mean(axis=0)
