"""A still made into a take: the animatic's camera over an image of the frame's size."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from studio.core.request import CameraMotion, ImageRequest
from studio.engine.backends.base import BackendError, Cancelled
from studio.engine.backends.still_motion import camera_frame, to_uint8, write_motion_take
from studio.media.ffmpeg import probe

REQ = ImageRequest(shot_id="s", width=64, height=96, frames=10, fps="30/1")


def still() -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.integers(0, 256, (96, 64, 3), dtype=np.uint8)


def test_a_held_camera_shows_the_still_itself():
    image = still()
    req = replace(REQ, camera_motion=CameraMotion.NONE)
    assert all(camera_frame(image, req, i) is image for i in (0, 5, 9))


def test_a_push_in_starts_on_the_still_and_ends_closer():
    image = still()
    req = replace(REQ, camera_motion=CameraMotion.PUSH_IN)
    assert np.array_equal(camera_frame(image, req, 0), image)
    last = camera_frame(image, req, 9)
    assert last.shape == image.shape and not np.array_equal(last, image)


@pytest.mark.parametrize("motion", [CameraMotion.PAN_LEFT, CameraMotion.PAN_RIGHT])
def test_a_pan_stays_inside_the_still(motion):
    ramp = np.repeat(np.linspace(0, 255, 64, dtype=np.float32)[None, :], 96, 0)
    image = np.repeat(ramp[..., None], 3, 2).astype(np.uint8)
    req = replace(REQ, camera_motion=motion)
    centres = [camera_frame(image, req, i)[:, 32].mean() for i in range(10)]
    moving_right = motion is CameraMotion.PAN_RIGHT
    assert centres == sorted(centres, reverse=not moving_right)
    first, last = camera_frame(image, req, 0), camera_frame(image, req, 9)
    edge = first if moving_right else last  # where the view touches the still's left edge
    assert abs(int(edge[:, 0].mean()) - int(image[:, 0].mean())) <= 1


def test_to_uint8_rounds_and_clips():
    values = np.array([[[-0.5, 0.0, 0.5], [1.0, 1.5, 0.002]]], dtype=np.float32)
    assert to_uint8(values).tolist() == [[[0, 0, 128], [255, 255, 1]]]


def test_a_take_of_the_still(tmp_path):
    out = tmp_path / ".t.part.mp4"
    times = write_motion_take(still(), REQ, out, "30/1", lambda: False)
    info = probe(out)
    assert (info.width, info.height, info.frames, info.fps) == (64, 96, 10, "30/1")
    assert times.encode > 0


def test_cancel_while_encoding_leaves_no_file(tmp_path):
    out = tmp_path / ".t.part.mp4"
    with pytest.raises(Cancelled):
        write_motion_take(still(), replace(REQ, frames=40), out, "30/1", lambda: True)
    assert not out.exists()


def test_a_still_of_the_wrong_size_is_refused(tmp_path):
    with pytest.raises(BackendError, match="the take must be 64×96"):
        write_motion_take(still()[:90], REQ, tmp_path / "t.mp4", "30/1", lambda: False)
