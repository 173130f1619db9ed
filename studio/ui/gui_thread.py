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
expensive ones) at most every :data:`FULL_EVERY_S` seconds, as CPython itself puts them off
while the old generation grows by less than a quarter. ``stop`` gives the collector back to
Python.

**What lives long is left out.** A full collection walks every object Python tracks, and a
100-episode project open in the window is some 380,000 of them: 300-440 ms on the GUI thread
here (``bench/ui_responsiveness.py``), once a minute while the user works. The project model
has no reference cycles (dropped, it goes by reference counting), so once a project is open
:func:`settle_long_lived` has the collector *settle*: collect everything, then freeze what is
alive (``gc.freeze``), so later collections walk only what was made since. The autosave sets
its snapshot aside the same way while it is written (:func:`set_aside`, :func:`give_back`).
Frozen objects that die are freed by reference counting as ever; only cyclic garbage among
them waits, until the collector settles again: when the user leaves the window (at most every
:data:`SETTLE_AWAY_S`), at least every :data:`SETTLE_EVERY_S`, and when it stops.
"""

from __future__ import annotations

import gc
import sys
import time

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication

TICK_MS = 500
FULL_EVERY_S = 60.0
SETTLE_AWAY_S = 60.0  # the window left: frozen objects walked again, at most this often
SETTLE_EVERY_S = 1800.0  # and at least this often, however the window is used
SWITCH_INTERVAL_S = 0.0005


def favour_gui_thread(app: QObject) -> GuiCollector:
    """Set the switch interval and start a :class:`GuiCollector` owned by ``app`` (on the GUI
    thread, before the window opens); stop it when the window is gone."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    collector = GuiCollector(app)
    if isinstance(app, QGuiApplication):
        app.applicationStateChanged.connect(collector.window_state)
    collector.start()
    return collector


def _running() -> GuiCollector | None:
    """The window's collector, when it runs."""
    app = QCoreApplication.instance()
    collectors = app.findChildren(GuiCollector) if app is not None else []
    return next((c for c in collectors if c.active), None)


def settle_long_lived() -> None:
    """What is alive now lives long (a project just opened): where the window's collector runs,
    it settles (:meth:`GuiCollector.settle`). Without it (a test, the command line) Python's own
    collector is left as it is."""
    if (collector := _running()) is not None:
        collector.settle()


def set_aside() -> None:
    """Leave every object alive now out of later collections (``gc.freeze``): a big tree of
    fresh objects about to be dropped (the autosave's snapshot), which nothing need walk."""
    gc.freeze()


def give_back() -> None:
    """What :func:`set_aside` froze may be walked again: at once without the window's
    collector; with it, when it next settles (what it settled stays out meanwhile)."""
    if _running() is None:
        gc.unfreeze()


class GuiCollector(QObject):
    """While started, garbage is collected only by this object's timer (on the thread that
    owns it: create it on the GUI thread)."""

    def __init__(
        self,
        parent: QObject | None = None,
        tick_ms: int = TICK_MS,
        settle_away_s: float = SETTLE_AWAY_S,
        settle_every_s: float = SETTLE_EVERY_S,
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.collect_due)
        self._last_full = self._last_settle = time.monotonic()
        self._settle_away_s, self._settle_every_s = settle_away_s, settle_every_s
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
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold (none: -1); settle
        instead when the last settle is :data:`SETTLE_EVERY_S` old (2)."""
        if self._since_settled() >= self._settle_every_s:
            self.settle()
            return 2
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

    def settle(self) -> None:
        """Collect everything (what was frozen before too), then freeze what is left."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._last_full = self._last_settle = time.monotonic()

    def window_state(self, state: Qt.ApplicationState) -> None:
        """The user left the window (another application is in front): a pause nobody sees,
        so settle, if the last settle is :data:`SETTLE_AWAY_S` old. (Not "if anything is
        frozen": ``gc.get_freeze_count`` walks every frozen object, 26 ms for a big project.)"""
        away = state != Qt.ApplicationState.ApplicationActive
        if away and self._since_settled() >= self._settle_away_s:
            self.settle()

    def _since_settled(self) -> float:
        return time.monotonic() - self._last_settle
