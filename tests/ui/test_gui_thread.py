"""While the window runs, cyclic garbage is finalized on the GUI thread, never in a worker
thread that happens to allocate (the export, the autosave writer), a busy background thread
hands the interpreter lock back quickly, and what lives long (the open project) is left out of
later collections."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt
from workflow_window import Windows

from studio.core import store
from studio.ui.gui_thread import (
    SWITCH_INTERVAL_S,
    GuiCollector,
    favour_gui_thread,
    give_back,
    set_aside,
)


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
    kept = Cycle()
    set_aside()  # frozen, then garbage: only an unfreeze lets a collection see it
    del kept
    collector.stop()
    assert Cycle.finalized_in == [threading.current_thread().name] * 2
    assert gc.isenabled() and not collector.active and gc.get_freeze_count() == 0


@pytest.fixture
def window_collector(qapp) -> Iterator[GuiCollector]:
    """The window's collector as ``studio gui`` starts it, owned by the application."""
    before = sys.getswitchinterval()
    collector = favour_gui_thread(qapp)
    yield collector
    collector.stop()
    collector.setParent(None)  # no longer found as the application's
    collector.deleteLater()
    sys.setswitchinterval(before)


def frozen(thing: object) -> bool:
    """``thing`` is left out of collections: in none of the collector's generations."""
    return gc.is_tracked(thing) and all(o is not thing for o in gc.get_objects())


def test_a_project_opened_in_the_window_stays_out_of_collections_autosaves_included(
    window_collector, project: Path, tmp_path: Path, qtbot
) -> None:
    """A full collection walked the 100-episode project once a minute (300-440 ms): the open
    settles it out, and the autosave's snapshot, frozen while written, does not put it back."""
    Cycle.finalized_in.clear()
    (tmp_path / "models").mkdir()
    windows = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    try:
        kept = Cycle()
        set_aside()  # frozen before the open, then garbage: only the open's settle frees it
        del kept
        gc.collect()
        assert Cycle.finalized_in == []
        window = windows.open(project)
        assert Cycle.finalized_in == [threading.current_thread().name]
        session = window.session
        episodes, shot = session.project.episodes, session.shots()[0]
        assert frozen(episodes) and frozen(shot)
        session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt="kept out, autosaved")
        session.autosaver.start()
        qtbot.waitUntil(lambda: bool(store.autosaves(project)) and not session.autosaver.busy)
        assert frozen(episodes) and frozen(shot)
        assert session.project.episodes is episodes
    finally:
        windows.close_all()


def test_frozen_garbage_is_collected_when_the_user_leaves_the_window(
    window_collector, qtbot
) -> None:
    Cycle.finalized_in.clear()
    collector = GuiCollector(window_collector.parent(), tick_ms=60_000, settle_away_s=0)
    collector.start()
    try:
        kept = Cycle()
        set_aside()
        del kept
        give_back()  # the window's collector keeps it out until it settles
        gc.collect()
        collector.window_state(Qt.ApplicationState.ApplicationActive)
        assert Cycle.finalized_in == []
        collector.window_state(Qt.ApplicationState.ApplicationInactive)
        assert Cycle.finalized_in == [threading.current_thread().name]
    finally:
        collector.stop()
        collector.setParent(None)


def test_frozen_garbage_is_collected_at_least_every_so_often(window_collector, qtbot) -> None:
    Cycle.finalized_in.clear()
    kept = Cycle()
    set_aside()
    del kept
    gc.collect()
    assert Cycle.finalized_in == []
    collector = GuiCollector(window_collector.parent(), tick_ms=20, settle_every_s=0.3)
    collector.start()
    try:
        qtbot.waitUntil(lambda: Cycle.finalized_in != [], timeout=5000)
        assert Cycle.finalized_in == [threading.current_thread().name]
    finally:
        collector.stop()
        collector.setParent(None)


def test_without_the_window_s_collector_what_is_set_aside_is_given_back_at_once() -> None:
    Cycle.finalized_in.clear()
    kept = Cycle()
    set_aside()
    del kept
    give_back()
    gc.collect()
    assert Cycle.finalized_in == [threading.current_thread().name]
    assert gc.get_freeze_count() == 0


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
