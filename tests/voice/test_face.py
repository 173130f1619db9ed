"""Finding and tracking a real face (scikit-image's astronaut photograph) over moving frames."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from studio.voice.face import FaceModelError, NoFaceFound, track_mouths

STEP = (2.0, 1.0)  # px per frame the picture moves (right, down)


def shifted(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    matrix = np.float32([[1, 0, dx], [0, 1, dy]])
    size = (image.shape[1], image.shape[0])
    return cv2.warpAffine(image, matrix, size, borderMode=cv2.BORDER_REFLECT_101)


@pytest.fixture(scope="module")
def still() -> np.ndarray:
    return data.astronaut()


@pytest.fixture(scope="module")
def moving(still) -> list[np.ndarray]:
    return [shifted(still, STEP[0] * i, STEP[1] * i) for i in range(30)]


@pytest.fixture(scope="module")
def resting_box(still):
    return track_mouths([still])[0]


def test_the_box_follows_the_face_and_does_not_jitter(moving, resting_box):
    boxes = track_mouths(moving, detect_every=6)
    assert len(boxes) == len(moving)
    cx = np.array([b.cx for b in boxes]) - STEP[0] * np.arange(len(boxes))
    cy = np.array([b.cy for b in boxes]) - STEP[1] * np.arange(len(boxes))
    assert np.abs(cx - resting_box.cx).max() < 3
    assert np.abs(cy - resting_box.cy).max() < 3
    for track in (np.array([b.cx for b in boxes]), np.array([b.cy for b in boxes])):
        assert np.abs(np.diff(track, 2)).max() < 1.0  # no jumps: the motion is steady
    widths = np.array([b.width for b in boxes])
    assert widths.max() - widths.min() < 0.1 * resting_box.width


def test_sparse_checks_interpolate_close_to_checking_every_frame(moving):
    every = track_mouths(moving, detect_every=1)
    sparse = track_mouths(moving, detect_every=10)
    for dense_box, sparse_box in zip(every, sparse, strict=True):
        assert abs(dense_box.cx - sparse_box.cx) < 3 and abs(dense_box.cy - sparse_box.cy) < 3
        x, y, w, h = sparse_box.face
        assert x <= sparse_box.cx <= x + w and y + h / 2 <= sparse_box.cy <= y + h


def test_frames_before_the_first_face_take_the_first_box(still):
    blank = np.full_like(still, 128)
    frames = [blank] * 6 + [still] * 18
    boxes = track_mouths(frames, detect_every=3)
    for early in boxes[:6]:
        assert abs(early.cx - boxes[6].cx) < 1 and abs(early.cy - boxes[6].cy) < 1
        assert np.abs(np.subtract(early.face, boxes[6].face)).max() <= 2


@pytest.mark.parametrize(("with_face", "raises"), [(5, True), (6, False)])
def test_a_face_in_fewer_than_half_the_checked_frames_is_no_face(still, with_face, raises):
    blank = np.zeros_like(still)
    frames = [still] * with_face + [blank] * (12 - with_face)
    if raises:
        with pytest.raises(NoFaceFound, match=rf"in {with_face} of 12 checked frames"):
            track_mouths(frames, detect_every=1)
    else:
        assert len(track_mouths(frames, detect_every=1)) == 12


def test_a_models_folder_without_yunet_uses_the_bundled_detector(still, resting_box, tmp_path):
    (tmp_path / "unrelated.onnx").write_bytes(b"not a model")
    assert track_mouths([still], models_dir=tmp_path)[0] == resting_box


def test_a_broken_yunet_model_is_refused_with_its_name(still, tmp_path):
    (tmp_path / "face_detection_yunet_2023mar.onnx").write_bytes(b"not a model")
    with pytest.raises(
        FaceModelError, match=r"face_detection_yunet_2023mar\.onnx cannot be loaded"
    ):
        track_mouths([still], models_dir=tmp_path)


def test_frames_must_be_rgb(still):
    with pytest.raises(ValueError, match="RGB"):
        track_mouths([still[..., 0]])
