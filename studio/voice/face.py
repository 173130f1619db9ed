"""Finding and tracking the face and mouth in a take, for the CPU lip-sync.

The face is found with the LBP frontal-face cascade that ships inside the scikit-image wheel
(``skimage.data.lbp_frontal_face_cascade_filename()``; the OpenCV 5 wheel carries no cascades), on
a copy scaled down so its short side is 240 px. The first check searches the whole frame; later
checks search near the face found last (cheap), and the whole frame again only when that misses.

The mouth is then found inside the lower face by lip colour (the red-green axis of Lab, where lips
stand out from skin); when no lip-coloured blob of a mouth's size is there, a geometric prior of the
face box is used.

If the models folder holds a YuNet face model (``face_detection_yunet*.onnx``), OpenCV's
``FaceDetectorYN`` is used instead: it gives the mouth corners directly. That path cannot be tested
here (no such model ships in a package); it is kept small.

Faces are checked every ``detect_every`` frames; boxes in between are interpolated, and the track is
smoothed so it does not jitter.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

DETECT_SHORT_SIDE = 240  # px: faces are big in vertical drama
MIN_FACE = 24  # px on the scaled copy: the cascade's window
YUNET_GLOB = "face_detection_yunet*.onnx"
# Where the mouth sits in a cascade face box when no lip colour is found (fractions of the box).
PRIOR_CX, PRIOR_CY, PRIOR_WIDTH, PRIOR_HEIGHT = 0.5, 0.8, 0.45, 0.2

Face = tuple[int, int, int, int]
Mouth = tuple[float, float, float, float]  # cx, cy, width, height
SIZE_COLUMNS = (2, 3, 6, 7)  # of a detection row: mouth width and height, face w and h
Detector = Callable[[np.ndarray, Face | None], tuple[Mouth, Face] | None]


class NoFaceFound(Exception):
    """No face in the take: says so; the caller leaves the take unchanged."""


class FaceModelError(NoFaceFound):
    """The face model in the models folder cannot be used: the take is left unchanged too."""


@dataclass(frozen=True, slots=True)
class MouthBox:
    """Where the mouth is in one frame (frame pixels)."""

    cx: float  # mouth centre: where the lips meet
    cy: float
    width: float  # corner to corner, closed
    height: float  # about the lip height: the region that may change
    face: Face  # x, y, w, h of the face


def track_mouths(
    frames: Sequence[np.ndarray], *, detect_every: int = 6, models_dir: Path | None = None
) -> list[MouthBox]:
    """One mouth box per RGB uint8 frame; raises :class:`NoFaceFound` when a face is seen in
    fewer than half of the frames checked (every ``detect_every``-th, the first and the last)."""
    if not frames:
        return []
    if frames[0].ndim != 3 or frames[0].shape[2] != 3:
        raise ValueError(f"frames must be RGB (height, width, 3), not {frames[0].shape}")
    step = max(1, int(detect_every))
    checked = sorted({*range(0, len(frames), step), len(frames) - 1})
    detect = _detector(models_dir)
    keys: list[int] = []
    values: list[list[float]] = []
    previous: Face | None = None
    for index in checked:
        found = detect(frames[index], previous)
        if found is not None:
            previous = found[1]
            keys.append(index)
            values.append([*found[0], *found[1]])
    if len(keys) * 2 < len(checked):
        raise NoFaceFound(
            f"no face found: a face was seen in {len(keys)} of {len(checked)} checked frames"
            " (at least half are needed); the take is left unchanged"
        )
    return _smooth_track(keys, np.array(values), len(frames), step)


def _smooth_track(keys: list[int], values: np.ndarray, count: int, step: int) -> list[MouthBox]:
    """Median-filter the detections (positions over 3, sizes over 5), interpolate every frame,
    then average over a centred window of at least 5 frames that shrinks at the ends, so a
    steady drift stays exact. ``values`` rows: mouth cx, cy, width, height, face x, y, w, h."""
    filtered = values.copy()
    for column in range(values.shape[1]):
        half = 2 if column in SIZE_COLUMNS else 1
        for i in range(len(keys)):
            reach = min(half, i, len(keys) - 1 - i)
            filtered[i, column] = np.median(values[i - reach : i + reach + 1, column])
    at = np.arange(count)
    per_frame = np.stack(
        [np.interp(at, keys, filtered[:, c]) for c in range(values.shape[1])], axis=1
    )
    cumulative = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(per_frame, axis=0)])
    boxes = []
    for i in range(count):
        reach = min(max(2, step // 2), i, count - 1 - i)
        mean = (cumulative[i + reach + 1] - cumulative[i - reach]) / (2 * reach + 1)
        fx, fy, fw, fh = (round(float(v)) for v in mean[4:])
        cx, cy, width, height = (float(v) for v in mean[:4])
        boxes.append(MouthBox(cx, cy, width, height, face=(fx, fy, fw, fh)))
    return boxes


def _detector(models_dir: Path | None) -> Detector:
    """A function ``(rgb frame, face found last or None) -> (mouth, face) | None``."""
    if models_dir is not None:
        found = sorted(Path(models_dir).rglob(YUNET_GLOB))
        if found:
            return _yunet_detector(found[0])
    cascade = _cascade()

    def detect(frame: np.ndarray, previous: Face | None) -> tuple[Mouth, Face] | None:
        face = _cascade_face(cascade, frame, previous)
        if face is None:
            return None
        return locate_mouth(frame, face), face

    return detect


@functools.cache
def _cascade():
    """The cascade, built once (lazily: scikit-image loads only when a face is looked for)."""
    from skimage import data
    from skimage.feature import Cascade

    return Cascade(data.lbp_frontal_face_cascade_filename())


def _cascade_face(cascade, frame: np.ndarray, previous: Face | None) -> Face | None:
    """The face box in ``frame``: near ``previous`` when given (falling back to the whole frame),
    else the largest face in the frame."""
    scale = min(1.0, DETECT_SHORT_SIDE / min(frame.shape[:2]))
    size = (round(frame.shape[1] * scale), round(frame.shape[0] * scale))
    gray = cv2.cvtColor(cv2.resize(frame, size, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY)
    if previous is not None:
        x, y, w, h = (v * scale for v in previous)
        pad = 0.6 * w
        x0, y0 = max(0, int(x - pad)), max(0, int(y - pad))
        x1, y1 = min(size[0], int(x + w + pad)), min(size[1], int(y + h + pad))
        lo, hi = max(MIN_FACE, int(0.7 * w)), int(1.45 * w) + 1
        if min(x1 - x0, y1 - y0) >= lo:
            near = cascade.detect_multi_scale(
                gray[y0:y1, x0:x1], 1.1, 1, (lo, lo), (hi, hi), min_neighbor_number=3
            )
            if near:
                centre = (x + w / 2 - x0, y + h / 2 - y0)
                best = min(near, key=lambda d: _distance(d, centre))
                return _face_of(best, x0, y0, scale)
    found = cascade.detect_multi_scale(
        gray, 1.15, 1, (MIN_FACE, MIN_FACE), (min(size),) * 2, min_neighbor_number=4
    )
    if not found:
        return None
    return _face_of(max(found, key=lambda d: d["width"] * d["height"]), 0, 0, scale)


def _distance(detection: dict, centre: tuple[float, float]) -> float:
    cx = detection["c"] + detection["width"] / 2
    cy = detection["r"] + detection["height"] / 2
    return float(np.hypot(cx - centre[0], cy - centre[1]))


def _face_of(detection: dict, x0: int, y0: int, scale: float) -> Face:
    return (
        round((detection["c"] + x0) / scale),
        round((detection["r"] + y0) / scale),
        round(detection["width"] / scale),
        round(detection["height"] / scale),
    )


def locate_mouth(frame: np.ndarray, face: Face) -> Mouth:
    """``(cx, cy, width, height)`` of the mouth in the lower part of ``face``: the lip-coloured
    blob of a mouth's size nearest where a mouth should be, else the geometric prior."""
    x, y, w, h = face
    rows, cols = frame.shape[:2]
    x0, x1 = max(0, int(x + 0.12 * w)), min(cols, int(x + 0.88 * w))
    y0, y1 = max(0, int(y + 0.55 * h)), min(rows, int(y + 1.15 * h))
    prior = (x + PRIOR_CX * w, y + PRIOR_CY * h, PRIOR_WIDTH * w, PRIOR_HEIGHT * w)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return prior
    redness = cv2.cvtColor(frame[y0:y1, x0:x1], cv2.COLOR_RGB2LAB)[..., 1].astype(np.float32)
    redness = cv2.GaussianBlur(redness, (0, 0), max(0.8, w / 120))
    skin, reddest = np.percentile(redness, (50, 98))
    lips = (redness > skin + max(3.0, 0.45 * (reddest - skin))).astype(np.uint8)
    lips = cv2.morphologyEx(lips, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, _, stats, centres = cv2.connectedComponentsWithStats(lips)
    expected = (prior[0] - x0, prior[1] - y0)
    best, best_score = 0, 0.0
    for i in range(1, count):
        _, _, bw, bh, area = stats[i]
        if not (0.2 * w <= bw <= 0.8 * w and bh <= 0.45 * w):
            continue
        off = np.hypot(centres[i][0] - expected[0], centres[i][1] - expected[1]) / w
        score = area * (1.0 - min(off, 0.9))
        if score > best_score:
            best, best_score = i, score
    if not best:
        return prior
    bx, _, bw, bh, _ = stats[best]
    height = float(np.clip(bh, 0.15 * bw, 0.6 * bw))
    return (x0 + bx + bw / 2, y0 + float(centres[best][1]), float(bw), height)


def _yunet_detector(model: Path) -> Detector:
    """YuNet (OpenCV's ``FaceDetectorYN``): the face box and the two mouth corners."""
    try:
        net = cv2.FaceDetectorYN.create(str(model), "", (320, 320), 0.6, 0.3, 20)
    except cv2.error:
        raise FaceModelError(
            f"the face model {model} cannot be loaded by OpenCV (is it a YuNet ONNX file?)"
        ) from None

    def detect(frame: np.ndarray, previous: Face | None) -> tuple[Mouth, Face] | None:
        scale = min(1.0, 2 * DETECT_SHORT_SIDE / min(frame.shape[:2]))
        size = (round(frame.shape[1] * scale), round(frame.shape[0] * scale))
        net.setInputSize(size)
        small = cv2.cvtColor(
            cv2.resize(frame, size, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2BGR
        )
        _, faces = net.detect(small)
        if faces is None or not len(faces):
            return None
        row = max(faces, key=lambda f: f[2] * f[3]) / scale
        (rx, ry), (lx, ly) = row[10:12], row[12:14]
        width = float(np.hypot(lx - rx, ly - ry))
        face = (round(row[0]), round(row[1]), round(row[2]), round(row[3]))
        return ((rx + lx) / 2, (ry + ly) / 2, width, 0.4 * width), face

    return detect
