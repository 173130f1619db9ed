"""The assistant in the real window with a tiny random-weight chat model in a temp models folder
(the real worker process runs it): Suggest Prompts is a job in the Jobs panel that opens the
suggestions panel when it ends, Accept All and Undo; Suggest Beats puts the beat sheet on the
pacing strip; Suggest Cliffhangers lists three alternatives; a queued suggestion is cancelled
from the Jobs panel."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from workflow_window import Windows, finish

from studio.core.assist import AssistTask
from studio.engine.jobs import JobState
from studio.ui.assist.alternatives_dialog import AlternativesDialog
from studio.ui.assist.prompt_suggestions import PromptSuggestions
from studio.ui.jobs.job_rows import summary
from studio.ui.timeline.pacing_strip import strip_marks

pytestmark = pytest.mark.slow
ENGINE_TESTS = Path(__file__).resolve().parents[2] / "engine"
WAIT_MS = 180_000


@pytest.fixture
def window(qtbot, tmp_path: Path, project: Path):
    """The main window on the small project, the tiny chat model in its models folder."""
    sys.path.insert(0, str(ENGINE_TESTS))
    from tiny_chat import TINY_CHAT, save_tiny_chat

    save_tiny_chat(tmp_path / "models" / TINY_CHAT)
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened.open(project)
    opened.close_all()


def _done(qtbot, session, jobs) -> None:
    ended = finish(qtbot, session, jobs, WAIT_MS)
    assert [(j.state, j.error) for j in ended.values()] == [(JobState.DONE, "")] * len(jobs)


def test_the_assistant_s_jobs_end_in_its_panels(qtbot, window) -> None:
    session, assistant = window.session, window.assistant
    shots = session.shots()
    with qtbot.waitSignal(assistant.shown, timeout=WAIT_MS) as shown:
        jobs = assistant.suggest(AssistTask.PROMPTS)
        assert len(jobs) == 1 and "Asking tiny-chat" in window.statusBar().currentMessage()
        assert summary(jobs[0]) == "suggestions · episode 1"
        qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 1)  # in the Jobs panel
    _done(qtbot, session, jobs)
    panel = shown.args[0]
    assert isinstance(panel, PromptSuggestions) and panel.isVisible()
    assert [r.shot_id for r in panel.rows] == [s.id for s in shots]
    suggested = [r.suggested for r in panel.rows]
    assert all(suggested)
    assert panel.accept_all()
    assert [s.prompt for s in session.shots()] == suggested
    window.undo_action.trigger()
    assert [s.prompt for s in session.shots()] == ["", "", ""]

    with qtbot.waitSignal(session.resultRecorded, timeout=WAIT_MS):
        jobs = assistant.suggest(AssistTask.BEATS)
    _done(qtbot, session, jobs)
    marks = [m for m in strip_marks(window.timeline.pacing.pacing) if m.kind == "assistant"]
    assert {m.text for m in marks} >= {"assistant hook", "assistant cliffhanger"}
    assert "The assistant's beats:" in window.timeline.pacing.toolTip()

    with qtbot.waitSignal(assistant.shown, timeout=WAIT_MS) as shown:
        jobs = assistant.suggest(AssistTask.CLIFFHANGERS)
    dialog = shown.args[0]
    assert isinstance(dialog, AlternativesDialog) and len(dialog.texts) == 3
    assert all(dialog.texts) and len(dialog.insert_buttons) == 3

    window.jobs.pause_action.trigger()
    waiting = assistant.suggest(AssistTask.HOOKS)
    qtbot.waitUntil(lambda: window.jobs.model.row_of(waiting[0].id) >= 0)
    window.jobs.select_jobs([waiting[0].id])
    window.jobs.cancel_selected()
    ended = finish(qtbot, session, waiting, WAIT_MS)
    assert ended[waiting[0].id].state == JobState.CANCELLED
