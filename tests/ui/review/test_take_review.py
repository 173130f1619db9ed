"""The take review panel on a real session with real animatic takes made by the worker: the
grid shows a card per take with its request, keyboard review approves, rejects, stars and
archives (undoably) and walks the episode, generation keys queue the right requests, batch
actions cover the selection, thumbnails loop and the compare window plays two takes in sync."""

from __future__ import annotations

from PySide6.QtCore import Qt
from workflow_window import finish

from studio.app.planner import Choice
from studio.core.model import TakeState
from studio.engine.jobs import JobState
from studio.ui import actions
from studio.ui.review.take_review import VARIATIONS, TakeReview
from studio.ui.session import Session

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _finish(qtbot, session, jobs) -> None:
    """Wait for ``jobs`` to end, and say why any of them did not finish."""
    failed = [j.error for j in finish(qtbot, session, jobs).values() if j.state != JobState.DONE]
    assert not failed, failed


def _panel(qtbot, session) -> TakeReview:
    panel = TakeReview(session)
    qtbot.addWidget(panel)
    panel.resize(720, 560)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    panel.setFocus()
    qtbot.waitUntil(panel.hasFocus)
    return panel


def _key(qtbot, panel, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    panel.setFocus()
    qtbot.keyClick(panel, key, modifier)


def _shot(session, shot_id):
    return session.project.find_shot(shot_id)


def test_keyboard_review_of_an_episode(qtbot, session) -> None:
    s0, s1, s2 = (s.id for s in session.shots())
    panel = _panel(qtbot, session)
    assert "Select a shot" in panel.empty.text()
    _key(qtbot, panel, Qt.Key.Key_BracketRight)  # nothing selected: the first shot
    assert session.selected == [s0]
    assert "no takes yet" in panel.empty.text() and panel.empty.isVisible()
    jobs = actions.generate(session, [s0], Choice(variations=2))
    jobs += actions.generate(session, [s1, s2])
    qtbot.waitUntil(lambda: len(panel.grid.job_cards) == 2)  # placeholders while they run
    _finish(qtbot, session, jobs)
    qtbot.waitUntil(lambda: len(panel.grid.cards) == 2 and not panel.grid.job_cards)
    takes = _shot(session, s0).takes
    first, second = (panel.grid.cards[t.id] for t in takes)
    assert first.summary.text() == f"animatic · seed {takes[0].request.seed}"
    assert second.summary.text() == f"animatic · seed {takes[1].request.seed}"
    assert first.toolTip() == takes[0].request.prompt and first.prompt.text()
    assert panel.current == takes[0].id  # the first to arrive; later ones leave it current
    _key(qtbot, panel, Qt.Key.Key_Right, SHIFT)
    assert panel.current == takes[1].id
    _key(qtbot, panel, Qt.Key.Key_Right, SHIFT)  # the last: stays
    assert panel.current == takes[1].id
    _key(qtbot, panel, Qt.Key.Key_Left, SHIFT)
    assert panel.current == takes[0].id
    _key(qtbot, panel, Qt.Key.Key_S)
    assert _shot(session, s0).takes[0].state is TakeState.STARRED
    _key(qtbot, panel, Qt.Key.Key_S)  # again: the star goes
    assert _shot(session, s0).takes[0].state is TakeState.DONE
    _key(qtbot, panel, Qt.Key.Key_R)  # rejected; the next take becomes current
    assert _shot(session, s0).takes[0].state is TakeState.REJECTED
    assert panel.current == takes[1].id
    _key(qtbot, panel, Qt.Key.Key_A)  # approved; on to the next shot without an approval
    assert _shot(session, s0).approved_take == takes[1].id
    assert session.history.undo_name == "Approve Take"
    assert session.selected == [s1] and panel.shot_id == s1
    assert session.playhead == session.shot_start(s1)
    session.undo()
    assert _shot(session, s0).approved_take is None
    session.redo()

    _key(qtbot, panel, Qt.Key.Key_BracketRight)
    assert session.selected == [s2]
    _key(qtbot, panel, Qt.Key.Key_BracketRight)  # the last shot: stays
    assert session.selected == [s2]
    _key(qtbot, panel, Qt.Key.Key_BracketLeft)
    _key(qtbot, panel, Qt.Key.Key_N, SHIFT)
    assert session.selected == [s0]
    _key(qtbot, panel, Qt.Key.Key_N)
    assert session.selected == [s1]

    session.select([s0])
    rejected = takes[0].id
    panel.current = rejected
    _key(qtbot, panel, Qt.Key.Key_Delete)
    shot = _shot(session, s0)
    assert [t.id for t in shot.archived_takes] == [rejected]
    assert list(panel.grid.cards) == [takes[1].id] and panel.current == takes[1].id
    panel.act["show_archived"].trigger()
    assert panel.archived.isVisible() and panel.archived.count() == 1
    panel.archived.setCurrentRow(0)
    assert panel.act["restore"].isEnabled()
    panel.act["restore"].trigger()
    assert [t.id for t in _shot(session, s0).takes] == [takes[1].id, rejected]
    assert len(panel.grid.cards) == 2 and panel.archived.count() == 0

    session.select([s0, s1, s2])  # batch: the newest finished take of shots without one
    assert panel.batch_row.isVisible()
    assert panel.act["approve_selected"].text() == "Approve latest for 3 shots"
    panel.act["approve_selected"].trigger()
    assert _shot(session, s0).approved_take == takes[1].id  # kept
    for shot_id in (s1, s2):
        assert _shot(session, shot_id).approved_take == _shot(session, shot_id).takes[-1].id
    assert session.history.undo_name == "Approve Take"


def test_generation_keys_and_batch_queue_the_right_requests(qtbot, session) -> None:
    s0, s1, s2 = (s.id for s in session.shots())
    _finish(qtbot, session, actions.generate(session, [s0]))
    take = _shot(session, s0).takes[0]
    panel = _panel(qtbot, session)
    session.select([s0])
    assert panel.current == take.id
    session.runner.set_paused(True)  # what is queued now stays queued
    known = {j.id for j in session.runner.jobs()}

    def new_requests():
        return [j.request for j in session.runner.jobs() if j.id not in known]

    _key(qtbot, panel, Qt.Key.Key_G)  # the same request again
    (again,) = new_requests()
    assert (again.seed, again.prompt, again.shot_id) == (
        take.request.seed, take.request.prompt, s0,
    )  # fmt: skip
    known |= {j.id for j in session.runner.jobs()}
    _key(qtbot, panel, Qt.Key.Key_V)  # variations: new seeds, same prompt
    varied = new_requests()
    assert len(varied) == VARIATIONS and all(r.prompt == take.request.prompt for r in varied)
    assert len({r.seed for r in varied} | {take.request.seed}) == VARIATIONS + 1
    known |= {j.id for j in session.runner.jobs()}

    _key(qtbot, panel, Qt.Key.Key_P)  # edit the prompt, save it as the shot's, generate
    assert (
        panel.prompt_row.isVisible() and panel.prompt_row.edit.toPlainText() == take.request.prompt
    )
    panel.prompt_row.edit.clear()
    qtbot.keyClicks(panel.prompt_row.edit, "a red umbrella in the rain")
    panel.prompt_row.save.setChecked(True)
    qtbot.keyClick(panel.prompt_row.edit, Qt.Key.Key_Return)
    (edited,) = new_requests()
    assert edited.prompt == "a red umbrella in the rain" and edited.seed == take.request.seed
    assert _shot(session, s0).prompt == "a red umbrella in the rain"
    assert not panel.prompt_row.isVisible()
    qtbot.waitUntil(lambda: len(panel.grid.job_cards) == 1 + VARIATIONS + 1)  # placeholders
    known |= {j.id for j in session.runner.jobs()}

    session.select([s0, s1, s2])
    assert panel.act["generate_selected"].text() == "Generate 3 shots"
    panel.act["generate_selected"].trigger()
    assert sorted(r.shot_id for r in new_requests()) == sorted([s0, s1, s2])
    known |= {j.id for j in session.runner.jobs()}
    panel.act["voice_selected"].trigger()  # the two dialogue shots' lines
    voiced = new_requests()
    assert voiced and {r.kind.value for r in voiced} == {"tts"}
    assert {r.shot_id for r in voiced} <= {s0, s1, s2}
    for job in session.runner.jobs():
        if job.state in (JobState.QUEUED, JobState.PAUSED):
            session.runner.cancel(job.id)


def test_thumbnails_loop_and_compare_plays_in_sync(qtbot, session) -> None:
    s0 = session.shots()[0].id
    jobs = actions.generate(session, [s0], Choice(variations=2))
    _finish(qtbot, session, jobs)
    panel = _panel(qtbot, session)
    session.select([s0])
    card = next(iter(panel.grid.cards.values()))
    qtbot.waitUntil(lambda: card.image() is not None, timeout=30_000)
    first = card.image()
    assert not first.isNull() and first.width() <= 108 and first.height() <= 192
    qtbot.waitUntil(lambda: card.image() != first, timeout=5_000)  # the camera moves

    a, b = (t.id for t in _shot(session, s0).takes)
    panel.current = a
    _key(qtbot, panel, Qt.Key.Key_C)  # with the next take
    dialog = panel.compare_dialog
    assert dialog is not None and [s.take_id for s in dialog.sides] == [a, b]
    qtbot.waitUntil(lambda: min(dialog.shown_frames()) >= 0, timeout=30_000)
    assert dialog.playing
    dialog.pause()
    dialog.set_frame(10)
    assert dialog.shown_frames() == [10, 10]
    left, right = (s.picture.pixmap().toImage() for s in dialog.sides)
    assert not left.isNull() and left != right  # two seeds, two pictures
    qtbot.keyClick(dialog, Qt.Key.Key_Right)
    assert dialog.shown_frames() == [11, 11]
    dialog.close()


def test_read_only_project_disables_edits(qtbot, session, project) -> None:
    panel = _panel(qtbot, session)
    session.select([session.shots()[0].id])
    assert panel.act["regenerate"].isEnabled() and panel.act["next_shot"].isEnabled()
    other = Session()  # the project is held by ``session``: this one opens it read-only
    other.open(project)
    try:
        assert not other.writable
        shown = _panel(qtbot, other)
        other.select([s.id for s in other.shots()])
        edits = ("approve", "reject", "regenerate", "edit_prompt", "voice", "generate_selected",
                 "approve_selected")  # fmt: skip
        assert not any(shown.act[name].isEnabled() for name in edits)
        assert shown.act["next_shot"].isEnabled()
        names = [a.text() for a in shown.actions()]
        assert "&Approve Take" in names and shown.act["approve"].shortcut().toString() == "A"
    finally:
        other.close()
