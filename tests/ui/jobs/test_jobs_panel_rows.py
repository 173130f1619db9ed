"""The Jobs panel as an editor's: each row says what its job makes, new jobs scroll into view,
a finished job's row shows its result's still, and a row's right-click menu cancels, retries,
holds and reveals the job's take in the take review (a real animatic job, run to done)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QRect, Qt
from PySide6.QtGui import QColor, QImage
from workflow_window import Windows

from studio.core.request import ImageRequest, VideoRequest
from studio.engine.jobs import Job, JobState
from studio.ui import actions
from studio.ui.jobs.job_rows import JobListModel
from studio.ui.jobs.jobs_panel import JobsPanel


def _panel(qtbot, session, height: int = 400) -> JobsPanel:
    panel = JobsPanel(session)
    qtbot.addWidget(panel)
    panel.resize(640, height)
    panel.show()
    return panel


def _row_rect(panel: JobsPanel, job_id: str) -> QRect:
    return panel.view.visualRect(panel.model.index(panel.model.row_of(job_id)))


def test_each_row_says_what_its_job_makes(qtbot) -> None:
    model = JobListModel()
    jobs = [
        Job("jb-1", VideoRequest(shot_id="sh-1", prompt="rain  on glass")),
        Job("jb-2", ImageRequest(shot_id="sh-2", prompt="a door")),
        Job("jb-3", ImageRequest(reference_of="MAYA", prompt="portrait")),
    ]
    model.set_jobs(jobs)
    rows = [model.index(i).data() for i in range(3)]
    assert rows[0].startswith("take · sh-1 · rain on glass — queued")
    assert rows[1].startswith("keyframe · sh-2 · a door")
    assert rows[2].startswith("reference · MAYA · portrait")


def test_new_jobs_scroll_into_view(qtbot, session) -> None:
    panel = _panel(qtbot, session, height=220)  # room for about two rows
    panel.pause_action.trigger()  # nothing runs: no worker in this test
    shots = [s.id for s in session.shots()]
    first = actions.generate(session, shots) + actions.generate(session, shots)
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(first))
    panel.view.scrollToTop()
    (newest,) = actions.generate(session, shots[:1])
    viewport = panel.view.viewport().rect()
    qtbot.waitUntil(lambda: panel.model.row_of(newest.id) >= 0)
    qtbot.waitUntil(lambda: viewport.contains(_row_rect(panel, newest.id)))
    assert not viewport.intersects(_row_rect(panel, first[0].id))  # it scrolled down to it


def test_row_menu_reveals_the_take_and_the_row_shows_the_result(qtbot, tmp_path, project) -> None:
    (tmp_path / "models").mkdir()
    windows = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    try:
        window = windows.open(project)
        session, panel = window.session, window.jobs
        shot = session.shots()[1].id
        requests = [ImageRequest(shot_id=shot, prompt=p, width=90, height=160, frames=4)
                    for p in ("a door", "a window")]  # fmt: skip
        job, _ = session.runner.submit(requests)
        qtbot.waitUntil(lambda: len(session.shots()[1].takes) == 2, timeout=90_000)
        qtbot.waitUntil(lambda: bool(panel.model.job(panel.model.row_of(job.id)).take_id))
        done = panel.model.job(panel.model.row_of(job.id))
        assert done.state is JobState.DONE and session.shots()[1].takes[0].id == done.take_id
        keyframe = session.root / f"takes/{shot}/{done.take_id}.png"
        red = QImage(8, 8, QImage.Format.Format_RGB888)
        red.fill(QColor("red"))
        data = QByteArray()
        red.save(QBuffer(data), "PNG")
        panel.model.set_preview(job.id, bytes(data.data()))  # a later preview: the result wins

        def centre(image: QImage) -> QColor:
            return image.pixelColor(image.width() // 2, image.height() // 2)

        qtbot.waitUntil(lambda: centre(panel.model.preview(job.id)) != QColor("red"))  # decoded
        thumb = panel.model.preview(job.id)
        assert max(thumb.width(), thumb.height()) == 48
        made = QImage(str(keyframe))
        assert abs(centre(thumb).hue() - centre(made).hue()) <= 6

        session.select([session.shots()[0].id])  # another shot is reviewed
        menu = panel.row_menu(_row_rect(panel, job.id).center())
        assert menu.isVisible() and panel.selected_jobs()[0].id == job.id
        shown = {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}
        assert shown == {"Cancel Job": False, "Retry Job": False, "Hold": False,
                         "Reveal Take": True}  # fmt: skip
        menu.actions()[-1].trigger()
        menu.close()
        assert session.selected == [shot] and window.review.current == done.take_id

        panel.clear_action.trigger()  # out of the queue and its file; the take stays
        assert panel.model.rowCount() == 0 and session.runner.queue.get(job.id) is None
        assert len(session.shots()[1].takes) == 2
    finally:
        windows.close_all()


def test_row_menu_cancels_retries_and_holds(qtbot, session) -> None:
    panel = _panel(qtbot, session)
    panel.pause_action.trigger()
    first, second = actions.generate(session, [s.id for s in session.shots()[:2]])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    menu = panel.row_menu(_row_rect(panel, second.id).center())
    assert panel.selected_jobs()[0].id == second.id
    by_text = {a.text(): a for a in menu.actions()}
    by_text["Hold"].trigger()
    assert session.runner.queue.get(second.id).state is JobState.PAUSED
    menu.close()
    menu = panel.row_menu(_row_rect(panel, first.id).center())
    {a.text(): a for a in menu.actions()}["Cancel Job"].trigger()
    assert session.runner.queue.get(first.id).state is JobState.CANCELLED
    menu.close()
    menu = panel.row_menu(_row_rect(panel, first.id).center())
    {a.text(): a for a in menu.actions()}["Retry Job"].trigger()
    assert [j.retry_of for j in session.runner.jobs()].count(first.id) == 1
    menu.close()
    assert Qt.ContextMenuPolicy.CustomContextMenu == panel.view.contextMenuPolicy()
