"""The whole Studio window for the workflow and recovery tests: open one on a project, close it
without being asked anything, simulate a crash of it, and wait for jobs to end.

``Windows(qtbot, models, ini)``
    ``open(root) -> MainWindow``: a shown window on a new :class:`Session` (models from
    ``models``, layout in ``ini``) with the project at ``root`` opened through the window, as
    File ▸ Open does. ``close_all()``: close every window still open (for a fixture's teardown:
    a failed test leaves unsaved changes, and the window would ask about them modally).
``close_window(window)``
    Close it as a user who already answered the unsaved-changes question with Discard: the
    session closes cleanly (nothing is offered for recovery next time).
``crash(window)``
    The process dies here: the worker stops and the project's lock goes, but nothing is saved
    and the clean-close mark is never written; the window is then taken down without a close.
``finish(qtbot, session, jobs) -> dict[str, Job]``
    Wait until these jobs have ended (done, failed or cancelled); their last snapshots by id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from studio.engine.jobs import JobState
from studio.ui.main_window import MainWindow
from studio.ui.session import Session

ENDED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class Windows:
    def __init__(self, qtbot: Any, models: Path, ini: Path) -> None:
        self.qtbot, self.models, self.ini = qtbot, models, ini
        self.opened: list[MainWindow] = []

    def open(self, root: Path) -> MainWindow:
        settings = QSettings(str(self.ini), QSettings.Format.IniFormat)
        window = MainWindow(Session(models_dir=self.models), settings)
        self.opened.append(window)
        window.show()
        self.qtbot.waitExposed(window)
        assert window.open_project(root)
        return window

    def close_all(self) -> None:
        for window in self.opened:
            box = window.tools.recover_box
            if box is not None and box.isVisible():
                box.reject()
            close_window(window)
            window.deleteLater()
        self.opened.clear()


def close_window(window: MainWindow) -> None:
    window.session.dirty = False  # closeEvent asks (modally) only about unsaved changes
    window.close()


def crash(window: MainWindow) -> None:
    session = window.session
    window.tools.autosave_timer.stop()
    window.player.stop()
    if session.runner is not None:
        session.runner.shutdown()
    if session.folder is not None:
        session.folder.close()  # a dead process's lock is stale: the next start takes it over
    session.runner, session.folder, session.dirty = None, None, False  # gone with the process
    window.close()  # with no project left, the close neither asks nor marks anything clean


def finish(qtbot: Any, session: Session, jobs: list[Any], timeout: int = 120_000) -> dict:
    ids = {job.id for job in jobs}

    def ended() -> bool:
        states = [j.state for j in session.runner.jobs() if j.id in ids]
        return len(states) == len(ids) and all(s in ENDED for s in states)

    qtbot.waitUntil(ended, timeout=timeout)
    return {j.id: j for j in session.runner.jobs() if j.id in ids}
