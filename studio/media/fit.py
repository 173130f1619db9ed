"""Fitting a take to the delivery size: scaled to cover the frame, never distorted, then
cropped around the shot's focus point."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fit:
    """Scale the source to ``scaled_width``×``scaled_height``, then crop ``width``×``height``
    at (``x``, ``y``)."""

    scaled_width: int
    scaled_height: int
    x: int
    y: int
    width: int
    height: int


def fit(
    source: tuple[int, int], target: tuple[int, int], focus: tuple[float, float] = (0.5, 0.5)
) -> Fit:
    """How ``source`` (w, h) covers ``target`` (w, h) keeping its aspect ratio: the crop is
    centred on ``focus`` (fractions of the source's width and height) as far as the picture
    allows."""
    (sw, sh), (tw, th) = source, target
    if min(sw, sh, tw, th) <= 0:
        raise ValueError(f"sizes must be positive, got {sw}×{sh} into {tw}×{th}")
    scale = max(tw / sw, th / sh)
    width, height = max(tw, math.ceil(sw * scale - 1e-6)), max(th, math.ceil(sh * scale - 1e-6))
    fx, fy = (min(1.0, max(0.0, f)) for f in focus)
    x = min(width - tw, max(0, round(fx * width - tw / 2)))
    y = min(height - th, max(0, round(fy * height - th / 2)))
    return Fit(width, height, x, y, tw, th)
