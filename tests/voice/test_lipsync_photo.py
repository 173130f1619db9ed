"""Lip-sync on a photograph of a real person (scikit-image's astronaut, Eileen Collins).

The face and mouth are found by the real detector, the mouth is opened frame by frame with the
amplitude envelope of a speech-like sound, and the result is measured: the mouth darkens with the
envelope, nothing outside the mouth region changes, and the region's border shows no seam.
"""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from studio.voice.face import NoFaceFound, track_mouths
from studio.voice.mouth_warp import apply_mouth, mouth_region
from studio.voice.visemes import MouthShape

FPS = 30
FRAMES = 60
RATE = 16_000
# Read off the image by eye (x 0..511 left to right, y 0..511 top down): the smiling mouth spans
# x 201..240 and y 139..156; the face, hairline to chin, x 150..290 and y 40..200.
MOUTH_X, MOUTH_Y = (201, 240), (139, 156)
FACE_X, FACE_Y = (150, 290), (40, 200)


def speech_like(seconds: float, seed: int = 4) -> np.ndarray:
    """Syllables of a voiced sound (a 120 Hz buzz with noise) of random length and loudness,
    with short pauses between them: the rhythm of speech."""
    rng = np.random.default_rng(seed)
    samples = int(seconds * RATE)
    gain = np.zeros(samples)
    at = int(0.1 * RATE)
    while at < samples:
        length = int(rng.uniform(0.12, 0.3) * RATE)
        syllable = np.sin(np.linspace(0.0, np.pi, length)) ** 2 * rng.uniform(0.4, 1.0)
        gain[at : at + length] = syllable[: samples - at]
        at += length + int(rng.uniform(0.05, 0.16) * RATE)
    t = np.arange(samples) / RATE
    buzz = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 8))
    return gain * (buzz + 0.3 * rng.standard_normal(samples))


def frame_envelope(sound: np.ndarray, frames: int) -> np.ndarray:
    """The RMS of each frame's stretch of sound, scaled to 0..1."""
    per_frame = RATE // FPS
    rms = np.sqrt((sound[: frames * per_frame].reshape(frames, per_frame) ** 2).mean(axis=1))
    return rms / rms.max()


def luma(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def outside_and_border(shape, region) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the pixels outside ``region`` and of the region's outer two pixels."""
    x0, y0, x1, y1 = region
    outside = np.ones(shape[:2], dtype=bool)
    outside[y0:y1, x0:x1] = False
    border = ~outside
    border[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2] = False
    return outside, border


@pytest.fixture(scope="module")
def still() -> np.ndarray:
    return data.astronaut()


def test_the_detector_finds_the_astronauts_mouth(still):
    box = track_mouths([still])[0]
    x, y, w, h = box.face
    assert FACE_X[0] <= x and x + w <= FACE_X[1] and FACE_Y[0] <= y and y + h <= FACE_Y[1]
    assert MOUTH_X[0] <= box.cx <= MOUTH_X[1] and MOUTH_Y[0] <= box.cy <= MOUTH_Y[1]
    assert y + h / 2 <= box.cy <= y + h  # the lower half of the face
    assert 0.6 * (MOUTH_X[1] - MOUTH_X[0]) <= box.width <= 1.4 * (MOUTH_X[1] - MOUTH_X[0])


def test_the_mouth_opens_and_closes_with_the_sound_and_nothing_else_changes(still):
    envelope = frame_envelope(speech_like(FRAMES / FPS), FRAMES)
    rising = np.sum((envelope[1:] >= 0.5) & (envelope[:-1] < 0.5))
    assert rising >= 3, "the sound should open and close the mouth several times"
    boxes = track_mouths([still] * FRAMES)
    centres = np.array([(box.cx, box.cy) for box in boxes])
    assert np.abs(centres - centres[0]).max() < 1.0  # a still face: a steady box
    regions = [mouth_region(box, still.shape) for box in boxes]
    x0, y0 = min(r[0] for r in regions), min(r[1] for r in regions)
    x1, y1 = max(r[2] for r in regions), max(r[3] for r in regions)
    assert (x1 - x0) * (y1 - y0) < 0.05 * still.shape[0] * still.shape[1]
    still_luma = luma(still)[y0:y1, x0:x1]

    darkening = []
    for box, region, level in zip(boxes, regions, envelope, strict=True):
        frame = apply_mouth(still, box, MouthShape(open=float(level)))
        outside, border = outside_and_border(still.shape, region)
        assert np.array_equal(frame[outside], still[outside])
        seam = np.abs(frame[border].astype(int) - still[border].astype(int))
        assert seam.max() < 3
        darker = still_luma - luma(frame)[y0:y1, x0:x1]
        darkening.append(np.clip(darker, 0, None).mean())

    darkening = np.array(darkening)
    assert np.corrcoef(envelope, darkening)[0, 1] > 0.8
    assert darkening[envelope < 0.05].max(initial=0.0) < 0.2 * darkening.max()


@pytest.mark.parametrize(
    "image",
    [data.coffee(), np.full((720, 405, 3), (182, 160, 140), np.uint8)],
    ids=["coffee", "flat"],
)
def test_no_face_says_so(image):
    with pytest.raises(NoFaceFound, match=r"no face found: .*0 of 2 checked frames"):
        track_mouths([image] * 7, detect_every=6)
