"""Drawing mouth shapes into a real photograph (scikit-image's astronaut)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage import data

from studio.voice.face import MouthBox
from studio.voice.mouth_warp import apply_mouth, mouth_region
from studio.voice.visemes import MouthShape

# The astronaut's mouth, read off the image by eye: corners at x 203 and 245, lips y 136..156.
MOUTH = MouthBox(cx=224.0, cy=146.0, width=42.0, height=20.0, face=(173, 66, 100, 100))
STILL = data.astronaut()


def darkening(frame: np.ndarray, still: np.ndarray = STILL) -> np.ndarray:
    """How much darker each pixel got (luma levels, 0 where it got brighter)."""
    weights = np.array([0.299, 0.587, 0.114])
    return np.clip(still.astype(float) @ weights - frame.astype(float) @ weights, 0, None)


def changed_columns(frame: np.ndarray, threshold: float = 8.0) -> int:
    """How many columns have a pixel that changed by more than ``threshold`` levels."""
    change = np.abs(frame.astype(int) - STILL.astype(int)).max(axis=2)
    return int((change > threshold).any(axis=0).sum())


def test_the_rest_shape_gives_the_frame_back_unchanged():
    out = apply_mouth(STILL, MOUTH, MouthShape(0.0, 0.0, 0.0))
    assert out is not STILL and np.array_equal(out, STILL)


def test_more_open_darkens_and_opens_more():
    opens = [0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0]
    frames = [apply_mouth(STILL, MOUTH, MouthShape(open=o)) for o in opens]
    mean_darkening = [darkening(f).mean() for f in frames]
    assert (np.diff(mean_darkening) > 0).all()
    dark_rows = [int((darkening(f)[:, int(MOUTH.cx)] > 60).sum()) for f in frames]
    assert dark_rows == sorted(dark_rows) and dark_rows[-1] >= 0.3 * MOUTH.width


def test_wide_opens_wider_than_round():
    wide = apply_mouth(STILL, MOUTH, MouthShape(open=0.5, wide=1.0))
    rounded = apply_mouth(STILL, MOUTH, MouthShape(open=0.5, round=1.0))
    dark_wide = (darkening(wide) > 80).any(axis=0).sum()
    dark_round = (darkening(rounded) > 80).any(axis=0).sum()
    assert dark_wide > 1.25 * dark_round


@pytest.mark.parametrize("shape", [MouthShape(wide=1.0), MouthShape(round=1.0)])
def test_spreading_or_rounding_a_closed_mouth_moves_the_lips_sideways_only(shape):
    out = apply_mouth(STILL, MOUTH, shape)
    assert changed_columns(out) > 0.5 * MOUTH.width  # the lips moved
    centre = round(MOUTH.cx)
    assert np.array_equal(out[:, centre], STILL[:, centre])  # nothing opened in the middle


def test_type_and_size_are_kept_and_the_input_is_not_touched():
    before = STILL.copy()
    out = apply_mouth(STILL, MOUTH, MouthShape(0.6, 0.4, 0.2))
    assert out.dtype == np.uint8 and out.shape == STILL.shape
    assert np.array_equal(STILL, before)
    assert not np.array_equal(out, STILL)


@pytest.mark.parametrize(
    ("cx", "cy"),
    [(3.0, 3.0), (510.0, 511.0), (224.0, 505.0), (-30.0, 146.0), (-900.0, -900.0)],
    ids=["top-left", "bottom-right", "bottom", "half-out", "far-out"],
)
def test_a_mouth_at_or_past_the_frame_edge(cx, cy):
    box = MouthBox(cx, cy, MOUTH.width, MOUTH.height, MOUTH.face)
    out = apply_mouth(STILL, box, MouthShape(1.0, 0.5, 0.5))
    assert out.shape == STILL.shape and out.dtype == STILL.dtype
    x0, y0, x1, y1 = mouth_region(box, STILL.shape)
    assert 0 <= x0 <= x1 <= STILL.shape[1] and 0 <= y0 <= y1 <= STILL.shape[0]
    outside = np.ones(STILL.shape[:2], dtype=bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(out[outside], STILL[outside])


def test_the_region_holds_the_mouth_and_room_to_open():
    x0, y0, x1, y1 = mouth_region(MOUTH, STILL.shape)
    assert x0 < MOUTH.cx - MOUTH.width / 2 and x1 > MOUTH.cx + MOUTH.width / 2
    assert y0 < MOUTH.cy - MOUTH.height and y1 > MOUTH.cy + MOUTH.height + 0.4 * MOUTH.width
    assert (x1 - x0) < 2 * MOUTH.width and (y1 - y0) < 2.5 * MOUTH.width


unit = st.floats(0.0, 1.0)


@settings(max_examples=40, deadline=None)
@given(unit, unit, unit)
def test_any_shape_changes_only_the_region_and_leaves_no_seam(opening, wide, rounded):
    out = apply_mouth(STILL, MOUTH, MouthShape(opening, wide, rounded))
    x0, y0, x1, y1 = mouth_region(MOUTH, STILL.shape)
    outside = np.ones(STILL.shape[:2], dtype=bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(out[outside], STILL[outside])
    # The blend fades in: a band four pixels deep inside the border barely differs.
    band = ~outside
    band[y0 + 4 : y1 - 4, x0 + 4 : x1 - 4] = False
    assert np.abs(out[band].astype(int) - STILL[band].astype(int)).max() < 3
