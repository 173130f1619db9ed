"""The shots whose takes finished jobs changed, said once per event-loop turn.

A job's result adds a take to one shot. The session does not say
``shotsChanged`` for it, which every view of the shots follows by reading the whole episode or
project again; it notes the shot here, and the views that show takes (the timeline's video
track, the take grid of the shot reviewed, the player) hear ``takesChanged`` with the shots
noted since the last time, once the results that arrived together are all recorded (or
before the next job event, so a job is never said to be done before its take is shown).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from studio.engine.jobevents import EventKind


class TakeChanges(QObject):
    """Collects shot ids; ``say`` gets them, in the order first noted, on the next turn of the
    event loop after the first."""

    def __init__(self, say: Callable[[list[str]], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._say = say
        self._shot_ids: dict[str, None] = {}
        self._turn = QTimer(self, singleShot=True, interval=0)
        self._turn.timeout.connect(self.flush)

    @property
    def pending(self) -> list[str]:
        """The shots noted and not said yet."""
        return list(self._shot_ids)

    def add(self, shot_id: str) -> None:
        """Note that ``shot_id``'s takes changed."""
        self._shot_ids.setdefault(shot_id)
        self._turn.start()

    def flush(self) -> None:
        """Say the shots noted now (nothing when none is)."""
        self._turn.stop()
        shot_ids, self._shot_ids = list(self._shot_ids), {}
        if shot_ids:
            self._say(shot_ids)

    def before(self, event: object) -> None:
        """A job event is about to be said: the shots noted before it are said first, so a
        finished job's take is shown by the time its job is said to be done (progress, which
        comes often, waits for the turn)."""
        if getattr(event, "kind", None) is not EventKind.PROGRESS:
            self.flush()

    def drop(self) -> None:
        """Forget the shots noted (their project is closing)."""
        self._turn.stop()
        self._shot_ids.clear()
