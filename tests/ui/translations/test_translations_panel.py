"""The translations table: lines side by side, the fit colour, Approve and Approve All as
undoable edits, and Translate Episode: how to install a model without one, a machine
translation job with a tiny model in a temp models folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from workflow_window import finish

from studio.core.history import Scope
from studio.core.translations import LineState, add_languages
from studio.engine.jobs import JobState
from studio.ui.translations.translations_panel import WARNING, TranslationsPanel

ENGINE_TESTS = Path(__file__).resolve().parents[2] / "engine"


def _panel(qtbot, session) -> TranslationsPanel:
    project = session.project
    session.edit("Add Language", Scope.languages(), lambda: add_languages(project, ["es"]))
    panel = TranslationsPanel(session)
    qtbot.addWidget(panel)
    panel.refresh()
    return panel


def test_edit_fit_colour_and_approve(qtbot, session) -> None:
    panel = _panel(qtbot, session)
    table = panel.table
    assert [table.item(0, c).text() for c in (0, 1, 3)] == [
        "MAYA", "I'm just here for a delivery.", "not translated"]  # fmt: skip
    table.item(0, 2).setText("Vengo.")
    qtbot.waitUntil(lambda: panel.table.item(0, 3).text() == "edited")
    assert panel.table.item(0, 4).text() == "fits"
    assert panel.table.item(0, 4).background().color() not in WARNING.values()
    long = " ".join(["Solo estoy aquí para una entrega muy larga"] * 8)
    panel.table.item(1, 2).setText(long)
    qtbot.waitUntil(lambda: panel.table.item(1, 4).text() == "does not fit")
    assert panel.table.item(1, 4).background().color() == WARNING["does not fit"]
    assert "1 does not fit" in panel.notice.text()

    panel.table.selectRow(0)
    panel.approve_selected()
    lines = session.project.languages[0].lines
    states = sorted(line.state.value for line in lines.values())
    assert states == ["approved", "edited"]
    assert session.history.undo_name == "Approve Translation"
    panel.approve_all()
    assert {line.state for line in session.project.languages[0].lines.values()} == {
        LineState.APPROVED}  # fmt: skip
    session.undo()
    session.undo()
    assert {line.state for line in session.project.languages[0].lines.values()} == {
        LineState.EDITED}  # fmt: skip

    panel.table.item(0, 2).setText("   ")  # an empty translation is refused; nothing lost
    qtbot.waitUntil(lambda: panel.table.item(0, 2).text() == "Vengo.")


@pytest.mark.slow
def test_translate_episode_says_how_to_install_a_model_then_runs_one(qtbot, session) -> None:
    panel = _panel(qtbot, session)
    assert panel.translate_episode() == []
    assert "install a translation model" in panel.notice.text()
    sys.path.insert(0, str(ENGINE_TESTS))
    from tiny_translation import save_tiny_marian

    save_tiny_marian(session.models_dir / "opus-mt-en-es")
    jobs = panel.translate_episode()
    assert len(jobs) == 1
    done = finish(qtbot, session, jobs)
    assert all(j.state is JobState.DONE for j in done.values()), [j.error for j in done.values()]
    qtbot.waitUntil(lambda: len(session.project.languages[0].lines) == 2)
    qtbot.waitUntil(lambda: panel.table.item(0, 3).text() == "machine")
    assert all(line.text for line in session.project.languages[0].lines.values())
