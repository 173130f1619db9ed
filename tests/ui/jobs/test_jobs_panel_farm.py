"""The Jobs panel with the Ray farm chosen: a session whose jobs run on two Ray actors (a local
Ray with two fake GPUs) shows on each row the worker that runs it and that worker's GPU, and
lists the farm's workers and their GPUs in its status line. Choosing the farm in Settings moves
the open project's jobs there at once, and choosing the local worker brings them back."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from studio.app.executors import ExecutorChoice
from studio.engine.jobs import JobState
from studio.ui import actions
from studio.ui.dialogs.settings_dialog import SettingsDialog
from studio.ui.jobs.job_rows import state_text
from studio.ui.jobs.jobs_panel import JobsPanel
from studio.ui.main_window import MainWindow
from studio.ui.session import Session

pytestmark = [pytest.mark.slow, pytest.mark.ray]
ray = pytest.importorskip("ray")

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def local_ray():
    with pytest.MonkeyPatch.context() as mp:  # Ray's workers import studio from this checkout
        mp.setenv(
            "PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        )
        ray.init(num_cpus=2, num_gpus=2, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.ERROR)  # fmt: skip
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def farm_session(qtbot, local_ray, project: Path, tmp_path: Path):
    (tmp_path / "models").mkdir()
    session = Session(models_dir=tmp_path / "models")
    session.executor = ExecutorChoice("ray", workers=2)
    session.open(project)
    try:
        yield session
    finally:
        session.dirty = False
        session.close()
        session.wait_stopped()


def test_each_row_names_the_farm_worker_and_gpu_that_runs_it(qtbot, farm_session) -> None:
    panel = JobsPanel(farm_session)
    qtbot.addWidget(panel)
    panel.show()
    seen: set[str] = set()

    def rows_changed(*_: object) -> None:
        seen.update(state_text(job) for job in panel.model.jobs())

    panel.model.dataChanged.connect(rows_changed)
    panel.model.rowsInserted.connect(rows_changed)
    jobs = actions.generate(farm_session, [shot.id for shot in farm_session.shots()])

    def ended() -> bool:
        rows = [panel.model.job(panel.model.row_of(job.id)) for job in jobs]
        return all(row is not None and row.state is not JobState.RUNNING
                   and row.state is not JobState.QUEUED for row in rows)  # fmt: skip

    qtbot.waitUntil(ended, timeout=120_000)
    done = [panel.model.job(panel.model.row_of(job.id)) for job in jobs]
    assert all(job.state is JobState.DONE for job in done), [job.error for job in done]
    for job in done:
        assert job.worker.startswith("ray-") and " (GPU " in job.worker
        assert state_text(job) == f"done · {job.worker}"
        row = panel.model.index(panel.model.row_of(job.id))
        assert job.worker in row.data()
    assert any(t.startswith("running") and " · ray-" in t and "(GPU " in t for t in seen), seen
    panel.refresh()
    workers = farm_session.runner.executor.workers()
    assert len(workers) == 2
    for worker in workers:  # the status line lists every worker and its GPU
        assert f"{worker.name} (GPU {worker.gpus[0]})" in panel.status.text()


def test_settings_move_the_open_project_s_jobs_to_the_farm_and_back(
    qtbot, local_ray, project: Path, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(models_dir=tmp_path / "models"), settings)
    qtbot.addWidget(window)
    (tmp_path / "models").mkdir()
    assert window.open_project(project)
    session, panel = window.session, window.jobs
    shots = [shot.id for shot in session.shots()]

    def choose(kind: str) -> None:
        window.tools.preferences()
        dialog = window.tools.dialog
        assert isinstance(dialog, SettingsDialog)
        qtbot.waitUntil(lambda: not dialog.scanning)
        dialog.executor.setCurrentText(kind)
        if kind == "ray":
            dialog.ray_workers.setValue(2)
        dialog.accept()

    def run(shot_ids: list[str]) -> list:
        jobs = actions.generate(session, shot_ids)
        assert jobs
        qtbot.waitUntil(lambda: all(session.runner.queue.get(j.id).state is JobState.DONE
                                    for j in jobs), timeout=120_000)  # fmt: skip
        return [session.runner.queue.get(job.id) for job in jobs]

    try:
        assert {job.worker for job in run(shots[:1])} == {"local (cpu)"}
        session.runner.set_paused(True)
        waiting = actions.generate(session, shots[1:3])  # queued when the farm is chosen
        choose("ray")
        assert "jobs run on a local Ray, 2 workers now" in window.statusBar().currentMessage()
        assert session.runner.queue.paused, "a paused queue stays paused on the farm"
        assert [session.runner.queue.get(job.id).state for job in waiting] == [JobState.QUEUED] * 2
        qtbot.waitUntil(lambda: panel.model.row_of(waiting[0].id) >= 0)  # read again
        session.runner.set_paused(False)
        qtbot.waitUntil(lambda: all(session.runner.queue.get(j.id).state is JobState.DONE
                                    for j in waiting), timeout=120_000)  # fmt: skip
        workers = {session.runner.queue.get(job.id).worker for job in waiting}
        assert all(w.startswith("ray-") and " (GPU " in w for w in workers), workers
        qtbot.waitUntil(lambda: "farm: ray-" in panel.status.text())

        choose("local")
        assert "jobs run on the local worker now" in window.statusBar().currentMessage()
        assert {job.worker for job in run(shots[:1])} == {"local (cpu)"}
        assert "farm:" not in panel.status.text()
    finally:
        session.dirty = False  # nothing to ask about on close
        window.close()
        session.wait_stopped()
