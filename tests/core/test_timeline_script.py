"""The script text after a timeline edit: a reorder moves the shots' lines, a delete takes them
out, a split cuts an action paragraph in two; each new text breaks down into exactly the shots
wanted (checked by applying it), and what the script cannot say is refused in one line."""

from __future__ import annotations

import pytest

from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.timeline_edits import EditError
from studio.core.timeline_script import deleted_script, moved_script, split_script

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.
The lights flicker.
She waits.

MAYA
I'm just here for a delivery.

ETHAN
Then deliver it, and go.

INT. HALL

She runs.
[[shot: CLOSE ON the clock]]
"""


def project() -> tuple[Project, list[str]]:
    """The project of SCRIPT and its shot ids: rain, maya, ethan, runs, clock."""
    model = Project("Glass")
    apply_script(model, SCRIPT)
    return model, [s.id for s in model.shots()]


def described(model: Project) -> list[str]:
    return [s.description.split("\n")[0] for s in model.shots()]


def test_a_move_moves_the_lines_and_the_shots_keep_their_ids() -> None:
    model, ids = project()
    text = moved_script(model, SCRIPT, 1, [ids[0]], 2)  # rain after ETHAN
    assert text.index("Rain hammers") > text.index("Then deliver it")
    assert text.index("Rain hammers") < text.index("INT. HALL")  # in the scene it lands in
    assert "\n\n\n" not in text
    apply_script(model, text)
    assert [s.id for s in model.shots()] == [ids[1], ids[2], ids[0], ids[3], ids[4]]
    assert [sc.heading for sc in model.episodes[0].scenes] == ["INT. LOBBY - NIGHT", "INT. HALL"]
    back = moved_script(model, text, 1, [ids[0]], 0)  # to the start: before MAYA
    apply_script(model, back)
    assert [s.id for s in model.shots()] == ids


def test_a_move_the_script_cannot_say_is_refused() -> None:
    glued = SCRIPT.replace(
        "[[shot: CLOSE ON the clock]]\n", "[[shot: CLOSE ON the clock]]\nShe stops.\n"
    )
    model = Project("Glass")
    apply_script(model, glued)
    ids = [s.id for s in model.shots()]
    assert described(model)[3:] == ["She runs.", "the clock", "She stops."]
    # Without the clock note between them, "She runs." and "She stops." are one paragraph.
    with pytest.raises(EditError, match="shares its lines"):
        moved_script(model, glued, 1, [ids[4]], 0)
    with pytest.raises(EditError, match="disagree"):  # not the text the shots came from
        moved_script(model, SCRIPT.replace("She runs.", "He runs."), 1, [ids[0]], 2)


def test_a_delete_takes_the_lines_out() -> None:
    model, ids = project()
    text = deleted_script(model, SCRIPT, [ids[1], ids[4]])
    assert "MAYA" not in text and "clock" not in text and "\n\n\n" not in text
    apply_script(model, text)
    assert [s.id for s in model.shots()] == [ids[0], ids[2], ids[3]]
    assert {s.id for s in model.archived_shots} == {ids[1], ids[4]}


def test_a_split_cuts_an_action_paragraph_at_the_nearest_line() -> None:
    model, ids = project()
    text = split_script(model, SCRIPT, ids[0], 0.7)  # 3 lines: after the second
    assert "The lights flicker.\n\nShe waits." in text
    apply_script(model, text)
    assert described(model) == ["Rain hammers the glass.", "She waits.", "MAYA speaks",
                                "ETHAN speaks", "She runs.", "the clock"]  # fmt: skip
    assert next(model.shots()).id == ids[0]  # the first half is the shot, edited
    for shot_id, why in ((ids[2], "a dialogue block"), (ids[4], "an insert"),
                         (ids[3], "one line of action")):  # fmt: skip
        with pytest.raises(EditError, match=why):
            split_script(model, text, shot_id, 0.5)
