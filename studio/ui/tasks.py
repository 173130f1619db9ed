"""One slow call off the GUI thread, its outcome back on it (as napari's ``thread_worker`` does).

A :class:`Task` runs a call on a daemon thread. What the call reports along the way
(:meth:`Task.report`), its result and its exception arrive as the signals ``progress``, ``done``
and ``failed``, always on the GUI thread. The task is a child of the QObject that started it:
once that owner is deleted, nothing more arrives (the call itself runs to its end; a call that
can stop early asks :attr:`Task.cancelled`, or hands :attr:`Task.cancel_event` on).

:func:`run_in_background` is the short form for a call that reports nothing on the way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

_PROGRESS, _DONE, _FAILED = range(3)


class _Gate:
    """Whether the task's Qt object still exists; the call's thread emits only while it does.

    It is a plain object, so it outlives the task's Qt object; closing it waits for an emit in
    progress, so the object is never deleted in the middle of one. The call's thread keeps no
    signal instance of the task between emits (one kept there, and let go only after the task
    was deleted, went with crashes in the tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = True

    def close(self) -> None:
        with self._lock:
            self._open = False

    def emit(self, task: Task, kind: int, value: object, last: bool = False) -> None:
        """Queue ``(kind, value)`` for the task on the GUI thread; with ``last``, its deletion
        after it. The deletion is asked for here, on the call's thread, after the last emit (as
        the hand-made relays this replaces did): asked for from the delivery slot on the GUI
        thread, the deferred delete now and then ran on an object already gone (a segfault in
        ~QObject, about one run in eight of the models dialog's tests; not understood further)."""
        with self._lock:
            if not self._open:
                return
            try:
                task._arrived.emit(kind, value)
                if last:
                    task.deleteLater()
            except RuntimeError:  # the Qt object went without the gate hearing of it
                self._open = False


class Task(QObject):
    """One call on a thread of its own, owned by ``owner`` (a QObject of the GUI thread).

    Connect ``done``, ``failed`` and ``progress``, then :meth:`start` it. Once the call's outcome
    is delivered the task is deleted (its deletion is queued behind the delivery)."""

    done = Signal(object)  # what the call returned
    failed = Signal(object)  # the exception it raised
    progress = Signal(object)  # something the call reported with report()
    _arrived = Signal(int, object)  # (what, value): emitted on the call's thread

    def __init__(self, owner: QObject, name: str = "studio-task") -> None:
        super().__init__(owner)
        self.name = name
        self.cancel_event = threading.Event()
        self.running = False
        self._gate = gate = _Gate()
        self._arrived.connect(self._deliver)  # queued: the task lives on the GUI thread
        self.destroyed.connect(lambda *_: gate.close())

    def start(self, work: Callable[[], object]) -> None:
        """Run ``work()`` on a new daemon thread (once)."""
        if self.running:
            raise RuntimeError(f"task {self.name} is running already")
        self.running = True
        gate = self._gate

        def run() -> None:
            try:
                result = work()
            except Exception as exc:  # a bug must not take the window down: say it instead
                gate.emit(self, _FAILED, exc, last=True)
            else:
                gate.emit(self, _DONE, result, last=True)

        threading.Thread(target=run, name=self.name, daemon=True).start()

    def report(self, value: object) -> None:
        """Send ``value`` to ``progress`` (call it from the task's thread; safe from any)."""
        self._gate.emit(self, _PROGRESS, value)

    def cancel(self) -> None:
        """Ask the call to stop: :attr:`cancelled` becomes true (the call decides when)."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @Slot(int, object)
    def _deliver(self, kind: int, value: object) -> None:
        if kind == _PROGRESS:
            self.progress.emit(value)
            return
        self.running = False
        if kind == _DONE:
            self.done.emit(value)
        else:
            self.failed.emit(value)


def run_in_background(
    owner: QObject,
    work: Callable[[], object],
    on_done: Callable[[Any], object] | None = None,
    on_failed: Callable[[Exception], object] | None = None,
    *,
    name: str = "studio-task",
) -> Task:
    """Run ``work()`` off the GUI thread; then ``on_done(result)`` or ``on_failed(exception)``
    on the GUI thread, unless ``owner`` was deleted meanwhile. Without ``on_failed`` a failure
    is logged with its traceback."""
    task = Task(owner, name)
    if on_done is not None:
        task.done.connect(on_done)
    task.failed.connect(on_failed if on_failed is not None else _log_failure(name))
    task.start(work)
    return task


def failure_text(exc: BaseException, expected: tuple[type[BaseException], ...]) -> str:
    """One line for the user: an ``expected`` error's own message (else its type's name);
    anything else is named an unexpected error."""
    if isinstance(exc, expected):
        return str(exc) or type(exc).__name__
    return f"unexpected error: {type(exc).__name__}: {exc}"


def _log_failure(name: str) -> Callable[[Exception], None]:
    def failed(exc: Exception) -> None:
        log.error("background task %s failed", name, exc_info=exc)

    return failed
