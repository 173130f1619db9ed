"""A background thread's share of the interpreter lock, for work done in the window's process
(the autosave's text of a big project).

While another thread runs Python, each call the GUI thread makes into Qt that lets the lock go
costs it up to the switch interval to take it back: a paint of 300 rectangles took 14 to 29 times
as long beside a busy thread (about 1 ms alone, on two cores: ``bench/lock_share.py``). A thread
that works in short slices and rests as long as each slice ran leaves the lock free half the
time, and the GUI thread's work takes its own time again; the background work takes twice as
long.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Pace:
    """Call :meth:`rest` after each slice of work (a millisecond or so)."""

    def __init__(
        self,
        share: float = 0.5,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 0 < share <= 1:
            raise ValueError(f"a share of the time is above 0 and at most 1, got {share}")
        self._rest_per_s = (1 - share) / share
        self._clock, self._sleep = clock, sleep
        self._since = clock()

    def hurry(self) -> None:
        """No more rests (someone waits for the work); safe from any thread."""
        self._rest_per_s = 0.0

    def rest(self) -> None:
        """Sleep so that the work since the last rest is ``share`` of the time."""
        ran = self._clock() - self._since
        if ran > 0 and self._rest_per_s:
            self._sleep(ran * self._rest_per_s)
        self._since = self._clock()
