"""Fitting a take to the delivery size: properties that hold for any sizes and focus points."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.media.fit import Fit, fit

sizes = st.tuples(st.integers(1, 8000), st.integers(1, 8000))
targets = st.tuples(st.integers(2, 4000), st.integers(2, 4000))
fractions = st.floats(0.0, 1.0, allow_nan=False)
focuses = st.tuples(fractions, fractions)
fast = settings(max_examples=150, deadline=None)


def exact_scale(source: tuple[int, int], target: tuple[int, int]) -> Fraction:
    """The smallest scale at which ``source`` covers ``target``."""
    (sw, sh), (tw, th) = source, target
    return max(Fraction(tw, sw), Fraction(th, sh))


@fast
@given(sizes, targets, focuses)
def test_the_picture_is_never_distorted(source, target, focus):
    f = fit(source, target, focus)
    scale = exact_scale(source, target)
    assert abs(f.scaled_width - source[0] * scale) <= 1
    assert abs(f.scaled_height - source[1] * scale) <= 1
    # and no larger than it must be: one side is exactly the target's
    assert f.scaled_width == target[0] or f.scaled_height == target[1]


@fast
@given(sizes, targets, focuses)
def test_the_crop_covers_the_target_inside_the_scaled_picture(source, target, focus):
    f = fit(source, target, focus)
    assert (f.width, f.height) == target
    assert f.scaled_width >= target[0] and f.scaled_height >= target[1]
    assert 0 <= f.x <= f.scaled_width - f.width
    assert 0 <= f.y <= f.scaled_height - f.height


@fast
@given(sizes, targets, focuses)
def test_the_focus_point_stays_in_the_crop(source, target, focus):
    f = fit(source, target, focus)
    fx, fy = focus[0] * f.scaled_width, focus[1] * f.scaled_height
    assert f.x <= fx <= f.x + f.width
    assert f.y <= fy <= f.y + f.height


@fast
@given(sizes, targets)
def test_focus_at_the_edges_crops_at_the_edges(source, target):
    low = fit(source, target, (0.0, 0.0))
    assert (low.x, low.y) == (0, 0)
    high = fit(source, target, (1.0, 1.0))
    assert high.x == high.scaled_width - high.width
    assert high.y == high.scaled_height - high.height
    assert fit(source, target, (-3.0, 7.0)) == Fit(
        low.scaled_width, low.scaled_height, 0, high.y, *target
    )  # out of range: clamped


@fast
@given(sizes, targets)
def test_the_centre_focus_centres_the_crop(source, target):
    f = fit(source, target)
    assert f == fit(source, target, (0.5, 0.5))
    assert abs(f.x - (f.scaled_width - f.width) / 2) <= 0.5
    assert abs(f.y - (f.scaled_height - f.height) / 2) <= 0.5


@fast
@given(sizes, targets, fractions, fractions)
def test_moving_the_focus_right_never_moves_the_crop_left(source, target, a, b):
    left, right = sorted((a, b))
    assert fit(source, target, (left, 0.5)).x <= fit(source, target, (right, 0.5)).x


def test_a_landscape_take_in_a_vertical_frame_is_scaled_to_the_height_and_cropped():
    f = fit((1920, 1080), (1080, 1920))
    assert (f.scaled_width, f.scaled_height) == (3414, 1920)  # 1920 * 16/9 = 3413.3, rounded up
    assert (f.x, f.y) == (1167, 0)
    assert fit((1920, 1080), (1080, 1920), (0.25, 0.5)).x == 314  # round(853.5 - 540)


def test_a_take_of_the_same_shape_is_only_scaled():
    assert fit((540, 960), (1080, 1920), (0.9, 0.1)) == Fit(1080, 1920, 0, 0, 1080, 1920)
    assert fit((1080, 1920), (1080, 1920)) == Fit(1080, 1920, 0, 0, 1080, 1920)


@pytest.mark.parametrize(
    ("source", "target"),
    [((0, 1080), (1080, 1920)), ((1920, 0), (1080, 1920)), ((1920, 1080), (0, 1920)),
     ((1920, 1080), (1080, -2))],
)  # fmt: skip
def test_zero_or_negative_sizes_are_refused(source, target):
    with pytest.raises(ValueError, match="sizes must be positive"):
        fit(source, target)
