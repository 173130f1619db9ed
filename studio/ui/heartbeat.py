"""A heartbeat on the GUI thread: a QTimer that notes how late each of its ticks comes.

A tick comes late by as long as the GUI thread was busy elsewhere, so the worst lateness is the
longest stall the user felt. The heartbeat test and ``bench/ui_responsiveness.py`` use it."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer


class Heartbeat:
    """Ticks every ``interval_ms``; ``lateness`` holds, per tick, how much later than the
    interval it came (seconds)."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.interval = interval_ms / 1000
        self.lateness: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, now - self._last - self.interval))
        self._last = now

    def worst(self) -> float:
        return max(self.lateness, default=0.0)

    def percentile(self, q: float) -> float:
        """The ``q`` quantile (0–1) of the lateness, in seconds."""
        if not self.lateness:
            return 0.0
        ordered = sorted(self.lateness)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def reset(self) -> None:
        self.lateness.clear()
        self._last = time.perf_counter()
