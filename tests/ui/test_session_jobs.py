"""The session runs jobs in a worker process and records their results on the GUI thread;
review edits are undoable and keep takes that arrived meanwhile. The farm chosen without Ray
installed: the project opens, says so, and its jobs run in the local worker."""

from __future__ import annotations

import sys

from workflow_window import finish

from studio.app.executors import ExecutorChoice
from studio.core.model import TakeState
from studio.engine.jobs import JobState
from studio.ui import actions


def test_generate_records_takes_and_review_is_undoable(qtbot, session) -> None:
    shots = session.shots()
    recorded = []
    session.resultRecorded.connect(recorded.append)
    jobs = actions.generate(session, [shots[0].id, shots[1].id])
    assert len(jobs) == 2
    done = finish(qtbot, session, jobs)
    assert all(j.state is JobState.DONE for j in done.values()), [j.error for j in done.values()]
    qtbot.waitUntil(lambda: len(recorded) == 2)
    first = session.project.find_shot(shots[0].id)
    assert len(first.takes) == 1 and (session.root / first.takes[0].media).is_file()
    assert session.dirty
    qtbot.waitUntil(lambda: bool(session.folder.autosaves()))  # once the burst is over

    take = first.takes[0]
    assert actions.review(session, take.id, TakeState.APPROVED)
    assert session.history.undo_name == "Approve Take"
    # a variation arrives after the approval; undoing the approval must keep it
    more = actions.regenerate(session, take.id, count=2)
    finish(qtbot, session, more)
    shot = session.project.find_shot(shots[0].id)
    assert len(shot.takes) == 3
    session.undo()
    shot = session.project.find_shot(shots[0].id)
    assert shot.approved_take is None and len(shot.takes) == 3
    session.redo()
    assert session.project.find_shot(shots[0].id).approved_take == take.id
    assert actions.archive(session, take.id)
    shot = session.project.find_shot(shots[0].id)
    assert [t.id for t in shot.archived_takes] == [take.id] and shot.approved_take is None
    session.undo()
    assert session.project.find_shot(shots[0].id).approved_take == take.id


def test_cancel_a_queued_job(qtbot, session) -> None:
    shot_ids = [s.id for s in session.shots()]
    session.runner.set_paused(True)
    jobs = actions.generate(session, shot_ids)
    session.runner.cancel(jobs[0].id)
    session.runner.set_paused(False)
    done = finish(qtbot, session, jobs)
    assert done[jobs[0].id].state is JobState.CANCELLED
    assert all(done[j.id].state is JobState.DONE for j in jobs[1:])
    assert not session.project.find_shot(shot_ids[0]).takes


def test_the_farm_without_ray_falls_back_to_the_local_worker_and_says_so(
    qtbot, project, tmp_path, monkeypatch
) -> None:
    from studio.engine.process_executor import ProcessExecutor
    from studio.ui.session import Session

    monkeypatch.setitem(sys.modules, "ray", None)  # as if the [farm] extra were not installed
    (tmp_path / "models").mkdir()
    session = Session(models_dir=tmp_path / "models")
    session.executor = ExecutorChoice("ray")
    try:
        problems = session.open(project)
        assert any("install micro-drama-studio[farm]" in line and "this machine's worker" in line
                   for line in problems), problems  # fmt: skip
        assert isinstance(session.runner.executor, ProcessExecutor)
    finally:
        session.close()
