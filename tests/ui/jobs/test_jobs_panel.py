"""The Jobs panel on a real session: rows follow the queue, its commands (cancel, retry, hold,
move, drag, pause, clear) change the queue, real animatic jobs run to done in a worker process
with their previews kept, a failed job shows its message and retries, and the GUI thread keeps
ticking meanwhile. The GPU meter's parsing, and the meter with and without ``nvidia-smi``."""

from __future__ import annotations

import itertools
import shutil
import time
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer

from studio.core.request import ImageRequest
from studio.engine.jobs import Job, JobState
from studio.ui import actions
from studio.ui.jobs.gpu_meter import GpuMeter, device_index, parse_nvidia_smi, short_device
from studio.ui.jobs.job_rows import JobListModel, button_for, state_text
from studio.ui.jobs.jobs_panel import JobsPanel

ENDED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


def _panel(qtbot, session) -> JobsPanel:
    panel = JobsPanel(session)
    qtbot.addWidget(panel)
    panel.resize(640, 400)
    panel.show()
    return panel


def _ids(panel: JobsPanel) -> list[str]:
    return [j.id for j in panel.model.jobs()]


def _state(panel: JobsPanel, job_id: str) -> JobState:
    return panel.model.job(panel.model.row_of(job_id)).state  # type: ignore[union-attr]


def _wait_ended(qtbot, panel: JobsPanel, ids: list[str], timeout: int = 90_000) -> None:
    def ended() -> bool:
        rows = [panel.model.job(panel.model.row_of(i)) for i in ids]
        return all(job is not None and job.state in ENDED for job in rows)

    qtbot.waitUntil(ended, timeout=timeout)


def _click_button(qtbot, panel: JobsPanel, job_id: str) -> None:
    rect = panel.view.visualRect(panel.model.index(panel.model.row_of(job_id)))
    centre = panel.delegate.button_rect(rect).center()
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_rows_follow_the_queue_and_commands_change_it(qtbot, session) -> None:
    panel = _panel(qtbot, session)
    assert "0 waiting" in panel.status.text()
    panel.pause_action.trigger()  # nothing starts: no worker in this test
    assert session.runner.queue.paused and "queue paused" in panel.status.text()
    a, b, c = actions.generate(session, [s.id for s in session.shots()])
    qtbot.waitUntil(lambda: _ids(panel) == [a.id, b.id, c.id])
    assert all(_state(panel, j.id) is JobState.QUEUED for j in (a, b, c))
    row = panel.model.index(0)
    assert a.request.shot_id in row.data() and "queued" in row.data()

    panel.select_jobs([c.id])  # move up: c before b, in the queue and in the rows
    assert panel.up_action.isEnabled() and not panel.down_action.isEnabled()
    panel.up_action.trigger()
    assert [j.id for j in session.runner.jobs()] == [a.id, c.id, b.id] == _ids(panel)
    assert panel.selected_jobs()[0].id == c.id  # the selection stays on the moved job

    dragged = panel.model.mimeData([panel.model.index(0)])  # drop a at the end
    panel.model.dropMimeData(dragged, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert [j.id for j in session.runner.jobs()] == [c.id, b.id, a.id] == _ids(panel)

    panel.select_jobs([b.id])
    panel.hold_action.trigger()
    assert _state(panel, b.id) is JobState.PAUSED and panel.hold_action.text() == "Release"
    assert "1 held" in panel.status.text()
    panel.hold_action.trigger()
    assert _state(panel, b.id) is JobState.QUEUED

    panel.select_jobs([c.id])
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)  # Cancel Job
    assert _state(panel, c.id) is JobState.CANCELLED
    assert button_for(panel.model.job(panel.model.row_of(c.id))) == "Retry"
    assert _ids(panel) == [b.id, a.id, c.id]  # finished jobs come last
    panel.view.grab()  # every row paints

    panel.clear_action.trigger()  # out of the view and the queue
    assert _ids(panel) == [b.id, a.id]
    assert session.runner.queue.get(c.id) is None
    assert not panel.clear_action.isEnabled()


def test_pause_cancel_retry_and_run_to_done_without_blocking(qtbot, session) -> None:
    panel = _panel(qtbot, session)
    panel.pause_action.trigger()
    first, second = actions.generate(session, [s.id for s in session.shots()[:2]])
    qtbot.waitUntil(lambda: len(_ids(panel)) == 2)
    _click_button(qtbot, panel, first.id)  # the row's Cancel button
    assert _state(panel, first.id) is JobState.CANCELLED
    panel.select_jobs([first.id])
    panel.retry_action.trigger()
    retried = panel.selected_jobs()[0]
    assert retried.retry_of == first.id and retried.state is JobState.QUEUED
    qtbot.wait(300)  # paused: nothing starts
    assert all(j.state is not JobState.RUNNING for j in session.runner.jobs())

    seen: set[str] = set()
    panel.model.dataChanged.connect(
        lambda *_: seen.update(state_text(j) for j in panel.model.jobs())
    )
    ticks: list[float] = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start(20)
    panel.pause_action.trigger()  # resume
    assert not session.runner.queue.paused and not panel.pause_action.isChecked()
    _wait_ended(qtbot, panel, [second.id, retried.id])
    ticker.stop()
    assert _state(panel, second.id) is JobState.DONE
    assert _state(panel, retried.id) is JobState.DONE
    assert any(t.startswith("running") for t in seen)  # the rows showed the jobs running
    assert any(t.startswith("running") and " · local (" in t for t in seen), seen  # and where
    assert state_text(panel.model.job(panel.model.row_of(second.id))).startswith("done · local (")
    assert panel.model.preview(second.id) is not None  # the latest preview is kept
    assert panel.model.preview(retried.id) is not None
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20 and max(gaps) < 1.0, max(gaps)  # the GUI thread kept ticking
    if shutil.which("nvidia-smi") is None:  # no GPU here: the meter names the CPU, no bar
        assert panel.meter.label.text() == "CPU" and panel.meter.bar.isHidden()
        assert not panel.meter.polling


def test_a_failed_job_shows_its_message_and_retries(qtbot, session) -> None:
    panel = _panel(qtbot, session)
    shot = session.shots()[0].id
    request = ImageRequest(shot_id=shot, backend="diffusers", model="no-such-model",
                           width=64, height=64, frames=2, steps=1)  # fmt: skip
    (failed,) = session.runner.submit([request])
    _wait_ended(qtbot, panel, [failed.id])
    job = panel.model.job(panel.model.row_of(failed.id))
    assert job.state is JobState.FAILED and "no-such-model" in job.error
    assert job.error in panel.model.index(panel.model.row_of(failed.id)).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "1 failed" in panel.status.text()
    panel.select_jobs([failed.id])
    assert panel.detail.isVisible() and "no-such-model" in panel.detail.text()
    assert panel.retry_action.isEnabled() and not panel.cancel_action.isEnabled()

    _click_button(qtbot, panel, failed.id)  # the row's Retry button
    retried = [j for j in panel.model.jobs() if j.retry_of == failed.id]
    assert len(retried) == 1
    _wait_ended(qtbot, panel, [retried[0].id])
    assert _state(panel, retried[0].id) is JobState.FAILED  # the model is still missing
    assert len(panel.model.jobs()) == 2


def test_read_only_and_closed_projects_show_no_jobs(qtbot, session, project) -> None:
    from studio.ui.session import Session

    panel = _panel(qtbot, session)
    assert panel.view.isEnabled() and panel.pause_action.isEnabled()
    other = Session(models_dir=session.models_dir)
    other.open(project)  # this instance holds the lock: read-only
    try:
        second = _panel(qtbot, other)
        assert other.runner is None and second.status.text() == "read-only: no jobs"
        assert not second.view.isEnabled() and not second.pause_action.isEnabled()
    finally:
        other.close()
    session.close()
    assert panel.status.text() == "no project open" and not panel.view.isEnabled()
    assert panel.model.rowCount() == 0


def test_rows_paint_progress_and_keep_their_place() -> None:
    model = JobListModel()
    request = ImageRequest(shot_id="sh-1", prompt="rain on glass")
    jobs = [Job(id=f"jb-{i}", request=request) for i in range(3)]
    model.set_jobs(jobs)
    kept = model.index(2)
    from PySide6.QtCore import QPersistentModelIndex

    persistent = QPersistentModelIndex(kept)
    running = Job(id="jb-2", request=request, state=JobState.RUNNING, progress=(2, 5))
    model.set_jobs([running, jobs[0], Job(id="jb-9", request=request)])
    assert [j.id for j in model.jobs()] == ["jb-2", "jb-0", "jb-9"]
    assert persistent.row() == 0  # a kept row moves with its job
    assert state_text(model.job(0)) == "running 2/5"


def test_parse_nvidia_smi_output() -> None:
    text = "1234, 81559, 37\n0, 24576, [N/A]\nWARNING: infoROM is corrupted\n[N/A], [N/A], 0\n"
    readings = parse_nvidia_smi(text)
    assert [(r.used_mib, r.total_mib, r.utilization) for r in readings] == [
        (1234, 81559, 37),
        (0, 24576, None),
    ]
    assert readings[0].describe() == "VRAM 1.2 / 79.6 GiB · GPU 37%"
    assert parse_nvidia_smi("") == []
    assert device_index("cuda:1 (NVIDIA A10, 20.0 of 22.0 GiB free)") == 1
    assert device_index("cpu") is None
    assert short_device("cuda:0 (NVIDIA H100 80GB HBM3, 70.1 of 79.2 GiB free)") == (
        "NVIDIA H100 80GB HBM3"
    )
    assert short_device("cpu") == "CPU" and short_device("") == ""


def test_meter_without_a_gpu_is_hidden(qtbot) -> None:
    meter = GpuMeter(smi=None)
    qtbot.addWidget(meter)
    meter.show()
    meter.set_device("cpu")
    assert meter.bar.isHidden() and meter.label.text() == "CPU" and not meter.polling


def _script(folder: Path, body: str) -> str:
    path = folder / "nvidia-smi"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_meter_reads_nvidia_smi_when_there_is_one(qtbot, tmp_path: Path) -> None:
    # A stand-in for the driver's tool (this machine has no GPU): the meter runs it as a
    # process and shows what it prints, for the worker's device index.
    smi = _script(tmp_path, 'echo "100, 1000, 5"; echo "2048, 81920, 90"')
    meter = GpuMeter(smi=smi, interval_ms=50)
    qtbot.addWidget(meter)
    meter.set_device("cuda:1 (NVIDIA H100 80GB HBM3, 78.0 of 80.0 GiB free)")
    meter.show()
    qtbot.waitUntil(lambda: meter.has_gpu, timeout=5000)
    assert meter.reading.used_mib == 2048 and meter.bar.isVisibleTo(meter)
    assert meter.bar.format() == "VRAM 2.0 / 80.0 GiB · GPU 90%"
    assert meter.label.text() == "NVIDIA H100 80GB HBM3"

    (tmp_path / "broken").mkdir()
    broken = GpuMeter(smi=_script(tmp_path / "broken", "exit 9"), interval_ms=20)
    qtbot.addWidget(broken)
    broken.show()
    qtbot.waitUntil(lambda: not broken.polling, timeout=5000)  # it gave up asking
    assert not broken.has_gpu and broken.bar.isHidden() and broken.label.text() == "GPU"
