"""A background thread's pace: it rests as long as its share of the time says, on a clock the
test turns by hand."""

from __future__ import annotations

import pytest

from studio.core.pace import Pace


class Clock:
    def __init__(self) -> None:
        self.now, self.slept = 100.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_it_rests_as_long_as_each_slice_ran_for_half_the_time():
    clock = Clock()
    pace = Pace(clock=clock, sleep=clock.sleep)
    for ran in (0.002, 0.0005, 0.0):
        clock.now += ran
        pace.rest()
    assert clock.slept == [0.002, 0.0005], "nothing ran: no rest"


def test_a_quarter_share_rests_three_times_as_long_and_hurry_stops_the_rests():
    clock = Clock()
    pace = Pace(0.25, clock=clock, sleep=clock.sleep)
    clock.now += 0.001
    pace.rest()
    pace.hurry()
    clock.now += 0.001
    pace.rest()
    assert clock.slept == [0.003]


@pytest.mark.parametrize("share", [0, -0.5, 1.5])
def test_a_share_outside_zero_to_one_is_refused(share):
    with pytest.raises(ValueError, match="above 0 and at most 1"):
        Pace(share)
