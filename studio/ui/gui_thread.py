"""What keeps the GUI thread first among the app's Python threads (:func:`favour_gui_thread`).

**The interpreter lock.** A thread that wants the lock waits until the one holding it has run
for the switch interval (5 ms by default), and the GUI thread takes it again after every call
into Qt that lets it go: behind a busy background thread (the autosave writer encoding a big
project, an export) one repaint could wait that long many times over. A 0.5 ms interval keeps
those waits short, at a cost the background threads do not notice.

**Python's cyclic garbage, collected on the GUI thread only.** Left to itself, the collector
runs in whichever thread happens to allocate when a generation fills up: the export thread,
the autosave writer, the frame server's read-ahead. Collecting there finalizes whatever cycles
are due, Qt wrappers included (a closed dialog, a model of an old project), and destroying a
Qt object outside its thread can crash the whole window.

:class:`GuiCollector` turns the automatic collector off and collects from a timer on the GUI
thread instead, by the same thresholds (``gc.get_threshold()``), with full collections (the
expensive ones: a 100-episode project is a million objects) at most every :data:`FULL_EVERY_S`
seconds, as CPython itself puts them off while the old generation grows by less than a
quarter. ``stop`` gives the collector back to Python.
"""

from __future__ import annotations

import gc
import sys
import time

from PySide6.QtCore import QObject, QTimer

TICK_MS = 500
FULL_EVERY_S = 60.0
SWITCH_INTERVAL_S = 0.0005


def favour_gui_thread(app: QObject) -> GuiCollector:
    """Set the switch interval and start a :class:`GuiCollector` owned by ``app`` (on the GUI
    thread, before the window opens); stop it when the window is gone."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    collector = GuiCollector(app)
    collector.start()
    return collector


class GuiCollector(QObject):
    """While started, garbage is collected only by this object's timer (on the thread that
    owns it: create it on the GUI thread)."""

    def __init__(self, parent: QObject | None = None, tick_ms: int = TICK_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.collect_due)
        self._last_full = time.monotonic()
        self._was_enabled = gc.isenabled()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        if self.active:
            return
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect once more, here, and give the collector back to Python."""
        if not self.active:
            return
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold (none: -1)."""
        counts, limits = gc.get_count(), gc.get_threshold()
        generation = -1
        if counts[0] > limits[0]:
            generation = 0
            if counts[1] > limits[1]:
                generation = 1
                full_due = time.monotonic() - self._last_full >= FULL_EVERY_S
                if counts[2] > limits[2] and full_due:
                    generation = 2
        if generation >= 0:
            gc.collect(generation)
        if generation == 2:
            self._last_full = time.monotonic()
        return generation
