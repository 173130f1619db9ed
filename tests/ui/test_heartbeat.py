"""While four generation jobs run in the worker, the window's GUI thread keeps its heartbeat: a
timer on it goes on ticking all along, so the jobs do not run on it. How late the ticks come
(the stalls a user feels) is a timing, measured side by side by bench/ui_responsiveness.py and
never asserted here: these machines are shared and noisy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from studio.app.planner import Choice
from studio.engine.jobs import JobState
from studio.ui import actions
from studio.ui.heartbeat import Heartbeat
from studio.ui.main_window import MainWindow
from studio.ui.session import Session


def test_the_gui_thread_never_stalls_while_four_jobs_run(qtbot, project: Path, tmp_path: Path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(models_dir=tmp_path), settings)
    qtbot.addWidget(window)
    assert window.open_project(project)
    window.show()
    qtbot.waitExposed(window)
    session = window.session
    ids = [shot.id for shot in session.shots()[:2]]
    jobs = actions.generate(session, ids, Choice(variations=2))
    assert len(jobs) == 4
    beat = Heartbeat()
    beat.start()
    wanted = {job.id for job in jobs}

    def all_done() -> bool:
        states = [j.state for j in session.runner.jobs() if j.id in wanted]
        return len(states) == 4 and all(s is JobState.DONE for s in states)

    try:
        qtbot.waitUntil(all_done, timeout=120_000)
        beat.stop()
        assert len(beat.lateness) > 20  # it ticked all along while the jobs ran
        assert sum(len(session.project.find_shot(i).takes) for i in ids) == 4
    finally:
        session.dirty = False  # a failure must not leave a "Save changes?" box at teardown
        window.close()
