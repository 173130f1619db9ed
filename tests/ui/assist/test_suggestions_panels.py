"""The assistant's panels in the real window on answers written into the project folder (no
model runs here; ``test_assistant_jobs`` asks a real one): without a chat model the action says
how to install one; suggested prompts are accepted, edited, rejected and undone; an alternative
cliffhanger goes into the script at the cursor and Undo takes it out; a beat sheet shows on the
pacing strip with its text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from workflow_window import Windows

from studio.app.assistant import assist_request, read_suggestion
from studio.app.results import Recorded
from studio.core.assist import AssistTask
from studio.engine.registry import ModelEntry, ModelKind
from studio.ui.assist.alternatives_dialog import AlternativesDialog
from studio.ui.assist.prompt_suggestions import OWN, PromptSuggestions
from studio.ui.timeline.pacing_strip import ASSISTANT, strip_marks


@pytest.fixture
def window(qtbot, tmp_path: Path, project: Path):
    """The main window on the small project, with an empty models folder."""
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened.open(project)
    opened.close_all()


def answered(window, task: AssistTask, answers: list, name: str = "t1") -> str:
    """Write ``answers`` to ``task`` for episode 1 as the worker would; the file."""
    session = window.session
    model = ModelEntry("tiny-chat", ModelKind.CHAT, "qwen2", "", Path("/m/tiny-chat"), "ab" * 32,
                       True, license="apache-2.0")  # fmt: skip
    request = assist_request(session.project, model, task, 1)
    rel = f"assist/ep001/{task.value}-{name}.json"
    data = {"format": "micro-drama-studio/assist", "version": 1, "request": request.to_json(),
            "answers": answers, "stats": {}}  # fmt: skip
    (session.root / "assist" / "ep001").mkdir(parents=True, exist_ok=True)
    (session.root / rel).write_text(json.dumps(data), "utf-8")
    return rel


def test_without_a_chat_model_the_status_bar_says_how_to_install_one(window) -> None:
    window.assistant.act[AssistTask.PROMPTS].trigger()
    message = window.statusBar().currentMessage()
    assert "no chat model in" in message and "studio models pull" in message
    window.statusBar().clearMessage()
    window.review.suggest_button.click()  # the Takes panel's button asks the same
    assert "no chat model in" in window.statusBar().currentMessage()
    assert window.session.runner.jobs() == []  # nothing was queued


def test_prompts_are_accepted_edited_rejected_and_undone(qtbot, window) -> None:
    session = window.session
    first, second, third = (s.id for s in session.shots())
    session.set_shot_fields(first, "Edit Prompt", prompt="my own: wide lobby, rain")
    answers = [{"prompt": "close-up, wide lobby, rain on glass"}, {"prompt": "Maya, red coat"},
               {"prompt": "Ethan, doorway"}]  # fmt: skip
    rel = answered(window, AssistTask.PROMPTS, answers)
    panel = window.assistant.show_latest_prompts()
    assert isinstance(panel, PromptSuggestions) and [r.shot_id for r in panel.rows] == [
        first, second, third]  # fmt: skip
    assert panel.suggestion.media == rel
    row = panel.row(first)
    assert row.own.isVisibleTo(panel) and row.own.text() == f"<i>{OWN}</i>"
    assert not panel.row(second).own.isVisibleTo(panel)  # the rules' prompt, not the artist's
    assert row.diff.text() == (
        '<s style="color:#e0433a">my own: </s><span style="color:#2f9a57">close-up, </span>'
        'wide lobby, rain <span style="color:#2f9a57">on glass</span>'
    )

    row.accept_button.click()
    assert session.project.find_shot(first).prompt == answers[0]["prompt"]
    assert row.state.text() == "accepted" and not row.accept_button.isEnabled()
    assert window.undo_action.text() == "&Undo Accept Suggested Prompt"
    window.undo_action.trigger()
    assert session.project.find_shot(first).prompt == "my own: wide lobby, rain"
    assert row.pending and row.accept_button.isEnabled() and row.own.isVisibleTo(panel)

    edited = panel.row(second)
    edited.edit_button.click()
    edited.editor.setPlainText("  Maya, green coat,\n neon  ")
    edited.accept_button.click()
    assert session.project.find_shot(second).prompt == "Maya, green coat, neon"
    panel.row(third).reject_button.click()
    assert panel.accept_all()  # the first shot again (the third is rejected)
    prompts = [s.prompt for s in session.shots()]
    assert prompts == [answers[0]["prompt"], "Maya, green coat, neon", ""]
    assert not panel.accept_all_button.isEnabled()
    window.undo_action.trigger()
    assert session.project.find_shot(first).prompt == "my own: wide lobby, rain"


def test_an_alternative_goes_into_the_script_at_the_cursor_and_undo_takes_it_out(
    qtbot, window
) -> None:
    session, editor = window.session, window.editor
    texts = ["The lights go out.", "MAYA\nWho sent you?", "A gunshot. Glass everywhere."]
    rel = answered(
        window, AssistTask.CLIFFHANGERS, [{"alternatives": [{"text": t} for t in texts]}]
    )
    dialog = window.assistant.show_suggestion(read_suggestion(session.root, rel))
    assert isinstance(dialog, AlternativesDialog) and dialog.texts == texts
    before = editor.text_edit.toPlainText()
    editor.text_edit.moveCursor(editor.text_edit.textCursor().MoveOperation.End)
    shots = len(session.shots())
    assert dialog.insert(2)
    assert editor.text_edit.toPlainText().rstrip().endswith("A gunshot. Glass everywhere.")
    assert len(session.shots()) == shots + 1  # broken down into the project
    assert window.undo_action.text() == "&Undo Edit Script"
    window.undo_action.trigger()
    assert editor.text_edit.toPlainText() == before and len(session.shots()) == shots
    dialog.copy(1)
    assert QGuiApplication.clipboard().text() == "MAYA\nWho sent you?"


def test_a_beat_sheet_shows_on_the_pacing_strip_with_its_text(qtbot, window) -> None:
    session, strip = window.session, window.timeline.pacing
    assert not [m for m in strip_marks(strip.pacing) if m.kind == "assistant"]
    sheet = {"hook": {"shot": 1, "text": "rain on the glass"},
             "turns": [{"shot": 2, "text": "a stranger at the door"}],
             "cliffhanger": {"shot": 3, "text": "Ethan knows her name"}}  # fmt: skip
    rel = answered(window, AssistTask.BEATS, [sheet])
    request = read_suggestion(session.root, rel).request
    session.resultRecorded.emit(Recorded("suggestion", item=rel, request=request))
    marks = [m for m in strip_marks(strip.pacing) if m.kind == "assistant"]
    third = session.shot_start(session.shots()[2].id)
    assert [(m.text, m.start) for m in marks][-1] == ("assistant cliffhanger", third)
    assert {m.text for m in marks} == {"assistant hook", "assistant turn", "assistant cliffhanger"}
    assert "cliffhanger, shot 3: Ethan knows her name" in strip.toolTip()
    image = strip.grab().toImage()
    x = round(strip.view.x(third))
    assert image.pixelColor(x, 1) == ASSISTANT  # drawn apart from the script's turns
    assert "pacing strip" in window.statusBar().currentMessage()
