"""The pictures the preview's frame server makes from decoded take frames: the export's 9:16
box of a frame at the display size, and the placeholder shown where there is no picture."""

from __future__ import annotations

import cv2
import numpy as np

from studio.media.episode_timeline import crop_box

PLACEHOLDER_RGB = (72, 0, 72)  # the background of a frame that cannot be shown


def fitted(
    image: np.ndarray, source: tuple[int, int], focus: tuple[float, float], size: tuple[int, int]
) -> np.ndarray:
    """The export's 9:16 box of ``image`` (BGR, a take of ``source`` pixels scaled by any
    factor), resized to ``size``, as RGB."""
    x, y, w, h = crop_box(source, focus)
    sx, sy = image.shape[1] / source[0], image.shape[0] / source[1]
    x0, y0 = max(0, round(x * sx)), max(0, round(y * sy))
    x1 = min(image.shape[1], max(x0 + 1, round((x + w) * sx)))
    y1 = min(image.shape[0], max(y0 + 1, round((y + h) * sy)))
    crop = image[y0:y1, x0:x1]
    shrink = size[0] < crop.shape[1]
    out = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB)


def placeholder(size: tuple[int, int], reason: str) -> np.ndarray:
    """A frame that says it is not the picture: dark magenta, crossed, with the reason."""
    w, h = size
    image = np.empty((h, w, 3), np.uint8)
    image[:] = PLACEHOLDER_RGB
    thick = max(1, w // 120)
    cv2.line(image, (0, 0), (w - 1, h - 1), (200, 40, 90), thick)
    cv2.line(image, (w - 1, 0), (0, h - 1), (200, 40, 90), thick)
    scale = max(0.3, w / 700)
    words, lines = ["NO", "PICTURE", "", *reason.split()], [""]
    for word in words:
        trial = f"{lines[-1]} {word}".strip()
        if word and cv2.getTextSize(trial, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0] < w * 0.85:
            lines[-1] = trial
        else:
            lines.append(word)
    step = int(34 * scale) + 4
    top = max(step, h // 2 - step * len(lines) // 2)
    for n, line in enumerate(lines):
        tw = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0]
        at = (max(2, (w - tw) // 2), top + n * step)
        cv2.putText(
            image, line, at, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA
        )
    return image
