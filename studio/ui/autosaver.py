"""The session's autosave, written on a background thread so a big project never stalls the
window.

On the GUI thread only the snapshot is taken (the project's JSON tree: 30–40 ms of CPU for 100
episodes on a slow machine), in steps of a few episodes, one per turn of the event loop (see
:meth:`~studio.core.store.ProjectFolder.autosave_steps`), so the window never waits for more
than one step; an edit (or another project) between two steps starts it again, while a job's
take arriving meanwhile only lands in the next autosave. The tree is kept from the cyclic
collector until it is written; the text, the fsync and the rename happen on an ``autosave``
thread, which rests between episodes as long as each took (:class:`~studio.core.pace.Pace`:
else the GUI thread's calls into Qt wait for the interpreter lock, and a repaint takes many
times as long) unless the window waits for it. There is never more than one autosave being
written: one asked for meanwhile follows it, from a fresh snapshot. Closing the project waits
for the one being written (see :meth:`Autosaver.wait`), so none is lost on quit. The outcome
goes to the session: ``autosaved`` with the file, or one line on ``message`` (the project stays
unsaved, as after any autosave).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from studio.core.pace import Pace
from studio.core.store import AutosaveSnapshot, StoreError
from studio.ui.gui_thread import give_back, set_aside

if TYPE_CHECKING:
    from studio.ui.session import Session

POLL_MS = 50  # how often the GUI thread looks whether the autosave being written is done
AFTER_RESULTS_MS = 1500  # quiet time after a finished job's result before the autosave


class Autosaver(QObject):
    """Autosaves of the session's open project, one at a time."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._session = session
        self._thread: threading.Thread | None = None
        self._pace = Pace()  # the writing thread's rests, cut short when the window waits
        self._outcome: tuple[Path | None, str] = (None, "")
        self._again = False  # asked for while one was being written
        # The GUI thread looks for the outcome: the writing thread never touches a Qt object,
        # which the window may have deleted by the time the file is written.
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._settle)
        self._soon = QTimer(self, singleShot=True, interval=AFTER_RESULTS_MS)
        self._soon.timeout.connect(self.start)  # results come in bursts: one autosave after
        self._steps: Iterator[AutosaveSnapshot | None] | None = None  # a snapshot being taken
        self._step = QTimer(self, interval=0)  # its next step, at the next turn of the loop
        self._step.timeout.connect(self._next_step)
        session.historyChanged.connect(self._edited)
        session.projectChanged.connect(self._edited)

    @property
    def busy(self) -> bool:
        """An autosave is being taken or written."""
        return self._thread is not None or self._steps is not None

    def start(self) -> None:
        """Autosave in the background when there are unsaved changes (after the one being
        written, if any)."""
        if not self._session.writable or not self._session.dirty:
            return
        if self.busy:
            self._again = True
            return
        self._steps = self._session.folder.autosave_steps()  # type: ignore[union-attr]
        self._step.start()

    def _next_step(self) -> None:
        """One step of the snapshot; the last one starts the writing thread."""
        steps = self._steps
        if steps is None:
            self._step.stop()
            return
        try:
            with _set_aside():
                snapshot = next(steps)
        except StoreError as exc:
            self._drop_steps()
            self._session.message.emit(str(exc))
            return
        if snapshot is None or self._steps is not steps:  # more to take, or taken again
            return
        self._step.stop()
        self._steps = None
        self._pace = Pace()
        self._thread = threading.Thread(
            target=self._write, args=(snapshot, self._pace), name="autosave", daemon=True
        )
        self._thread.start()
        self._poll.start()

    def _edited(self) -> None:
        """An edit (or another project) while the snapshot is taken: take it again."""
        if self._steps is not None:
            self._drop_steps()
            self.start()

    def _drop_steps(self) -> None:
        """Give up the snapshot being taken (none is being written meanwhile)."""
        self._step.stop()
        if self._steps is not None:
            self._steps = None
            give_back()  # what its steps set aside

    def start_soon(self) -> None:
        """Autosave once no result has come for :data:`AFTER_RESULTS_MS` (see :meth:`start`)."""
        self._soon.start()

    def cancel_soon(self) -> None:
        """Forget the autosave :meth:`start_soon` asked for (the project is closing)."""
        self._soon.stop()

    def save_now(self) -> Path | None:
        """Autosave on this thread (after the one being written); the file written, or None
        when there was nothing to save or it failed (said on ``message``)."""
        self.wait()
        if not self._session.writable or not self._session.dirty:
            return None
        snapshot = self._snapshot()
        if snapshot is None:
            return None
        self._outcome = _written(snapshot)
        return self._report()

    def wait(self) -> None:
        """Let the autosave being written finish, and report it; one being taken or asked for
        meanwhile is dropped (the caller saves, discards or autosaves next)."""
        self._drop_steps()
        thread, self._again = self._thread, False
        if thread is not None:
            self._pace.hurry()
            thread.join()
            self._settle()

    def _snapshot(self) -> AutosaveSnapshot | None:
        """The project's JSON tree, at once (for a write on this thread)."""
        session = self._session
        try:
            return session.folder.autosave_snapshot()  # type: ignore[union-attr]
        except StoreError as exc:
            session.message.emit(str(exc))
            return None

    def _write(self, snapshot: AutosaveSnapshot, pace: Pace) -> None:
        self._outcome = _written(snapshot, pace.rest)

    def _settle(self) -> None:
        """The written autosave's outcome, on the GUI thread (once: from the poll or wait)."""
        thread = self._thread
        if thread is None or thread.is_alive():
            return
        thread.join()
        self._thread = None  # the snapshot is gone with the thread's arguments
        give_back()
        self._poll.stop()
        self._report()
        if self._again:
            self._again = False
            self.start()

    def _report(self) -> Path | None:
        path, error = self._outcome
        self._outcome = (None, "")
        if error:
            self._session.message.emit(error)
        elif path is not None:
            self._session.autosaved.emit(str(path))
        return path


@contextlib.contextmanager
def _set_aside() -> Iterator[None]:
    """Every object alive at the end (the snapshot's tree so far among them) is set aside
    (:func:`~studio.ui.gui_thread.set_aside`) until the tree is written and gone, freed by
    reference counting, never walked; then given back (:func:`~studio.ui.gui_thread.give_back`).

    The tree is a few hundred thousand fresh lists and dicts for a 100-episode project: left
    to the collector, the first collection after it is made walks all of it on the GUI thread
    (100 ms and more on a busy machine), and later ones again as it ages."""
    enabled = gc.isenabled()
    gc.disable()  # no collection between the tree made and frozen
    try:
        yield
        set_aside()
    finally:
        if enabled:
            gc.enable()


def _written(
    snapshot: AutosaveSnapshot, between: Callable[[], None] | None = None
) -> tuple[Path | None, str]:
    """Write ``snapshot``: (the file, "") or (None, why not)."""
    try:
        return snapshot.write(between), ""
    except StoreError as exc:
        return None, str(exc)
    except Exception as exc:  # a bug must not kill the thread unseen: say it
        return None, f"cannot autosave: {exc}"
