"""The Jobs panel with the Ray farm chosen: a session whose jobs run on two Ray actors (a local
Ray with two fake GPUs) shows on each row the worker that runs it and that worker's GPU, and
lists the farm's workers and their GPUs in its status line."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from studio.app.executors import ExecutorChoice
from studio.engine.jobs import JobState
from studio.ui import actions
from studio.ui.jobs.job_rows import state_text
from studio.ui.jobs.jobs_panel import JobsPanel
from studio.ui.session import Session

pytestmark = [pytest.mark.slow, pytest.mark.ray]
ray = pytest.importorskip("ray")

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def farm_session(qtbot, project: Path, tmp_path: Path):
    with pytest.MonkeyPatch.context() as mp:  # Ray's workers import studio from this checkout
        mp.setenv(
            "PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        )
        ray.init(num_cpus=2, num_gpus=2, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.ERROR)  # fmt: skip
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
        ray.shutdown()


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
