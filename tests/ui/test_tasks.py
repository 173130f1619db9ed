"""The one background-task helper (:mod:`studio.ui.tasks`): the call runs off the GUI thread,
its result, its exception and its progress arrive on the GUI thread, cancel is asked for, and
nothing arrives (nor crashes) once the owner is deleted."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QObject

from studio.ui.tasks import Task, failure_text, run_in_background

WAIT_MS = 5_000


def wait_for_thread_end(name: str) -> None:
    """Wait (without running the GUI thread's events) until no thread called ``name`` is left."""
    for thread in [t for t in threading.enumerate() if t.name == name]:
        thread.join(WAIT_MS / 1000)
        assert not thread.is_alive()


def test_the_result_arrives_on_the_gui_thread(qtbot) -> None:
    owner = QObject()
    ran_on, got = [], []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    def done(value: int) -> None:
        got.append((value, threading.current_thread()))

    task = run_in_background(owner, work, done, name="test-result")
    assert task.running
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT_MS)
    assert got == [(42, threading.main_thread())]
    assert ran_on and ran_on[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: not shiboken6.isValid(task), timeout=WAIT_MS)  # deleted after


def test_the_exception_arrives_on_the_gui_thread(qtbot) -> None:
    owner = QObject()
    done, failed = [], []

    def work() -> None:
        raise OSError("disk full")

    def on_failed(exc: Exception) -> None:
        failed.append((exc, threading.current_thread()))

    run_in_background(owner, work, done.append, on_failed, name="test-failure")
    qtbot.waitUntil(lambda: bool(failed), timeout=WAIT_MS)
    exc, thread = failed[0]
    assert isinstance(exc, OSError) and thread is threading.main_thread() and not done
    assert failure_text(exc, (OSError,)) == "disk full"
    assert failure_text(KeyError("x"), (OSError,)) == "unexpected error: KeyError: 'x'"
    assert failure_text(OSError(), (OSError,)) == "OSError"


def test_a_failure_nobody_handles_is_logged(qtbot, caplog) -> None:
    owner = QObject()
    task = run_in_background(owner, lambda: 1 / 0, name="test-logged")
    with qtbot.waitSignal(task.failed, timeout=WAIT_MS):
        pass
    assert "background task test-logged failed" in caplog.text
    assert "ZeroDivisionError" in caplog.text


def test_progress_arrives_in_order_and_cancel_is_asked(qtbot) -> None:
    owner = QObject()
    task = Task(owner, "test-progress")
    seen: list[tuple[int, bool]] = []
    task.progress.connect(
        lambda n: seen.append((n, threading.current_thread() is threading.main_thread()))
    )
    stop = threading.Event()

    def work() -> str:
        for n in range(3):
            task.report(n)
        stop.wait(WAIT_MS / 1000)
        return "stopped" if task.cancelled else "ran out"

    task.start(work)
    with pytest.raises(RuntimeError, match="running already"):
        task.start(work)
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=WAIT_MS)
    assert seen == [(0, True), (1, True), (2, True)]
    with qtbot.waitSignal(task.done, timeout=WAIT_MS) as finished:
        task.cancel()
        stop.set()
    assert finished.args == ["stopped"] and not task.running


def test_nothing_arrives_once_the_owner_is_deleted(qtbot) -> None:
    owner = QObject()
    release = threading.Event()
    got: list[object] = []

    def work() -> str:
        task.report("early")
        release.wait(WAIT_MS / 1000)
        task.report("late")  # the task's Qt object is gone: dropped, no crash
        return "result"

    task = Task(owner, "test-orphan")
    task.progress.connect(got.append)
    task.done.connect(got.append)
    task.failed.connect(got.append)
    task.start(work)
    qtbot.waitUntil(lambda: got == ["early"], timeout=WAIT_MS)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=WAIT_MS)
    release.set()
    wait_for_thread_end("test-orphan")
    qtbot.wait(50)  # anything queued would be delivered now
    assert got == ["early"]


def test_a_result_queued_before_the_owner_goes_is_dropped(qtbot) -> None:
    owner = QObject()
    got: list[object] = []
    run_in_background(owner, lambda: "result", got.append, got.append, name="test-queued")
    wait_for_thread_end("test-queued")  # the result is queued; the GUI thread has not run since
    shiboken6.delete(owner)  # deletes the task too, and what was queued for it
    qtbot.wait(50)
    assert got == []
