"""While the window runs, cyclic garbage is finalized on the GUI thread, never in a worker
thread that happens to allocate (the export, the autosave writer), and a busy background
thread hands the interpreter lock back quickly."""

from __future__ import annotations

import gc
import sys
import threading
from typing import ClassVar

from studio.ui.gui_thread import SWITCH_INTERVAL_S, GuiCollector, favour_gui_thread


class Cycle:
    """An object in a reference cycle that notes the thread that finalized it."""

    finalized_in: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.finalized_in.append(threading.current_thread().name)


def churn(kept: list) -> None:
    """Allocate (and keep) enough container objects to pass the youngest generation's
    threshold many times: with the automatic collector on, this thread would collect."""
    kept.extend([k] for k in range(50 * gc.get_threshold()[0]))


def test_garbage_is_collected_by_the_gui_timer_not_by_a_busy_thread(qtbot) -> None:
    Cycle.finalized_in.clear()
    collector = GuiCollector(tick_ms=20)
    collector.start()
    try:
        assert not gc.isenabled()
        Cycle()  # garbage at once, but only a collection can free it
        kept: list = []
        worker = threading.Thread(target=churn, args=(kept,), name="export-thread")
        worker.start()
        worker.join()
        assert Cycle.finalized_in == []  # the busy thread did not collect
        qtbot.waitUntil(lambda: Cycle.finalized_in != [], timeout=5000)
        assert Cycle.finalized_in == [threading.current_thread().name]
        kept.clear()
    finally:
        collector.stop()
    assert gc.isenabled()


def test_collects_the_generation_whose_threshold_passed(qtbot) -> None:
    collector = GuiCollector()
    collector.start()
    try:
        gc.collect()
        assert collector.collect_due() == -1  # nothing allocated since
        churn_without_freeing = [[k] for k in range(gc.get_threshold()[0] + 10)]
        assert collector.collect_due() == 0
        assert gc.get_count()[0] < len(churn_without_freeing)
    finally:
        collector.stop()


def test_stop_collects_what_is_left_and_restores_the_automatic_collector(qtbot) -> None:
    Cycle.finalized_in.clear()
    collector = GuiCollector(tick_ms=60_000)
    collector.start()
    Cycle()
    collector.stop()
    assert Cycle.finalized_in == [threading.current_thread().name]
    assert gc.isenabled() and not collector.active


def test_the_window_s_setup_shortens_the_switch_interval_and_collects_here(qapp) -> None:
    before = sys.getswitchinterval()
    collector = favour_gui_thread(qapp)
    try:
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S < before
        assert collector.active and not gc.isenabled()
    finally:
        collector.stop()
        collector.deleteLater()
        sys.setswitchinterval(before)
