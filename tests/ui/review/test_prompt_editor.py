"""The take review's prompt editor on a real session: several lines of prompt, the take's seed
and steps to change, and a token count that is estimated ("≈") until the chosen model's
tokenizer (a tiny CLIP one, saved into the session's models folder) is loaded off the GUI
thread, then exact, red past the text encoder's limit."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt

from studio.app.planner import Choice
from studio.core.request import ImageRequest
from studio.core.take import Take, TakeState
from studio.ui.review.prompt_editor import OVER_COLOUR
from studio.ui.review.take_review import TakeReview

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))
from test_prompt_tokens import save_clip_model

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _panel(qtbot, session) -> TakeReview:
    panel = TakeReview(session)
    qtbot.addWidget(panel)
    panel.resize(460, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_edit_a_takes_prompt_seed_and_steps_then_generate(qtbot, session) -> None:
    shot = session.shots()[0]
    request = ImageRequest(shot_id=shot.id, prompt="rain on glass", seed=7, steps=12)
    shot.takes.append(Take("tk-1", request=request, state=TakeState.DONE))
    panel = _panel(qtbot, session)
    session.select([shot.id])
    panel.edit_prompt()
    editor = panel.prompt_row
    assert editor.isVisible() and editor.edit.toPlainText() == "rain on glass"
    assert (editor.seed.value(), editor.steps.value()) == (7, 12)
    assert editor.tokens.text() == "≈ 5 / 77 tokens"  # the animatic: estimated
    editor.edit.clear()
    qtbot.keyClicks(editor.edit, "a red umbrella")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return, SHIFT)  # a new line, not a take
    qtbot.keyClicks(editor.edit, "neon reflections")
    assert editor.edit.toPlainText() == "a red umbrella\nneon reflections"
    assert not session.runner.jobs()
    editor.seed.setValue(99)
    editor.steps.setValue(editor.steps.minimum())  # "Steps: default": the take's own
    assert editor.steps.text() == "Steps: default"
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    (job,) = session.runner.jobs()
    made = job.request
    assert (made.prompt, made.seed, made.steps) == ("a red umbrella\nneon reflections", 99, 12)
    assert not editor.isVisible() and shot.prompt == ""  # not saved as the shot's


def test_the_count_is_the_chosen_models_tokenizers(qtbot, session) -> None:
    name = save_clip_model(session.models_dir)
    session.generation = Choice(model=name, seed=5)
    shot = session.shots()[0]  # no take: the shot's prompt, the model chosen in Settings
    panel = _panel(qtbot, session)
    session.select([shot.id])
    panel.edit_prompt()
    editor = panel.prompt_row
    assert editor.seed.value() == 5 and editor.steps.text() == "Steps: default"
    assert editor.tokens.text().startswith("≈")  # until the tokenizer is loaded
    qtbot.waitUntil(lambda: editor.counter.tokenizer is not None, timeout=60_000)
    tokenizer = editor.counter.tokenizer
    assert tokenizer.name_or_path == str(session.models_dir.absolute() / name / "tokenizer")
    editor.edit.setPlainText("rain")
    assert editor.tokens.text() == f"{len(tokenizer('rain')['input_ids'])} / 77 tokens"
    assert OVER_COLOUR not in editor.tokens.styleSheet()
    editor.edit.setPlainText("rain on the glass, " * 6)  # a token a letter: past 77
    assert len(tokenizer(editor.edit.toPlainText(), truncation=False)["input_ids"]) > 77
    assert OVER_COLOUR in editor.tokens.styleSheet() and "cuts" in editor.tokens.toolTip()
    qtbot.keyClick(editor.edit, Qt.Key.Key_Escape)
    assert not editor.isVisible()
