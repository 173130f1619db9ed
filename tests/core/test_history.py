"""The edit history: record, undo and redo by scope, and results that arrive meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_projects import small_project

from studio.core.history import History, Scope
from studio.core.model import Episode, Project, Scene, Shot, ShotKind, Take, TakeState
from studio.core.request import ImageRequest
from studio.core.script.importer import apply_script
from studio.core.take_edits import archive_take
from studio.core.timeline_edits import EditError, move_shots, set_duration
from studio.core.voicing import VoiceClip

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
I'm just here for a delivery.

VIVIAN
Then deliver it.

EXT. ROOF - LATER

Wind. A helicopter's lights sweep the roof.
"""

EDITED = SCRIPT.replace("Then deliver it.", "Then deliver it, courier.").replace(
    "Wind.", "Wind.\n\nJONAS\nWho called me up here?\n\nWind again."
)


def _episode(project: Project) -> dict[str, Any]:
    return project.episode(1).to_json()


def _take(take_id: str) -> Take:
    request = ImageRequest(shot_id="sh-1", seed=9)
    return Take(take_id, f"takes/sh-1/{take_id}.mp4", request, TakeState.DONE, created="x")


def _clip(media: str) -> VoiceClip:
    return VoiceClip(0, "ELENA", media, media.replace(".wav", ".json"), 0, 24000, None, "y")


def test_episode_move_and_trim_undo_and_redo_exactly() -> None:
    project, history = small_project(), History()
    states = [_episode(project)]
    episode = project.episode(1)
    history.record("Move Shot", project, Scope.episode(1), lambda: move_shots(episode, ["sh-2"], 0))
    states.append(_episode(project))
    shot = project.find_shot("sh-1")
    history.record("Trim Shot", project, Scope.episode(1), lambda: set_duration(shot, 45))
    states.append(_episode(project))
    assert [s.id for s in project.episode(1).shots()] == ["sh-2", "sh-1"]
    assert (history.undo_name, history.redo_name) == ("Trim Shot", "")
    assert history.names() == ["Move Shot", "Trim Shot"]

    assert history.undo(project).name == "Trim Shot"
    assert _episode(project) == states[1]
    assert (history.undo_name, history.redo_name) == ("Move Shot", "Trim Shot")
    assert history.undo(project).name == "Move Shot"
    assert _episode(project) == states[0]
    assert history.undo(project) is None and _episode(project) == states[0]
    assert (history.undo_name, history.redo_name) == ("", "Move Shot")

    assert history.redo(project).name == "Move Shot"
    assert _episode(project) == states[1]
    assert history.redo(project).name == "Trim Shot"
    assert _episode(project) == states[2]
    assert history.redo(project) is None


def test_characters_scope_edit_description() -> None:
    project, history = small_project(), History()
    before = project.to_json()

    def change() -> None:
        project.characters[0].description = "A courier in a yellow coat."

    history.record("Edit ELENA", project, Scope.characters(), change)
    after = project.to_json()
    history.undo(project)
    assert project.to_json() == before
    history.redo(project)
    assert project.to_json() == after
    assert project.characters[0].description == "A courier in a yellow coat."


def test_project_scope_script_edit_keeps_ids_and_undo_brings_the_old_breakdown_back() -> None:
    project, history = Project(title=""), History()
    apply_script(project, SCRIPT)
    for n, shot in enumerate(project.shots()):
        shot.takes = [Take(f"tk-{n}", f"takes/{n}.mp4", state=TakeState.DONE, created="x")]
    before, ids = project.to_json(), [s.id for s in project.shots()]
    same = project

    history.record("Edit Script", project, Scope.project(), lambda: apply_script(project, EDITED))
    after = project.to_json()
    now = [s.id for s in project.shots()]
    assert now[:3] == ids[:3] and len(now) == 6 and len(set(now)) == 6
    assert [c.name for c in project.characters] == ["MAYA", "VIVIAN", "JONAS"]
    assert project.find_shot(ids[2]).changed

    history.undo(project)
    assert project is same and project.to_json() == before
    assert [c.name for c in project.characters] == ["MAYA", "VIVIAN"]
    history.redo(project)
    assert project is same and project.to_json() == after


def test_undo_restores_into_the_same_objects_the_caller_holds() -> None:
    project, history = small_project(), History()
    episodes = project.episodes
    history.record("Rename", project, Scope.project(), lambda: setattr(project, "title", "Hail"))
    history.undo(project)
    assert project.title == "Rain"
    history.redo(project)
    assert project.title == "Hail" and isinstance(project, Project)
    assert project.episodes is not episodes  # the lists are new, the project object is not


def _trim(history: History, project: Project, frames: int) -> None:
    """Trim sh-2, looked up each time (an undo replaces the episode's shot objects)."""
    change = lambda: set_duration(project.find_shot("sh-2"), frames)  # noqa: E731
    history.record(f"Trim {frames}", project, Scope.episode(1), change)


def test_a_new_edit_clears_redo_and_the_limit_drops_the_oldest() -> None:
    project, history = small_project(), History(limit=2)
    for frames in (10, 20, 30):
        _trim(history, project, frames)
    assert history.names() == ["Trim 20", "Trim 30"]
    history.undo(project)
    assert history.redo_name == "Trim 30"
    _trim(history, project, 40)
    assert history.redo_name == "" and history.redo(project) is None
    assert history.names() == ["Trim 20", "Trim 40"]
    history.undo(project)
    history.undo(project)
    assert history.undo(project) is None
    assert project.find_shot("sh-2").duration_frames == 10  # the oldest edit is gone


def test_a_change_that_raises_restores_the_scope_and_records_nothing() -> None:
    project, history = small_project(), History()
    before = project.to_json()
    shot = project.find_shot("sh-1")

    def change() -> None:
        set_duration(shot, 12)
        shot.takes.append(_take("tk-half"))  # half an edit, then it fails
        shot.voice = [_clip("audio/sh-1/half.wav")]
        raise EditError("no")

    with pytest.raises(EditError):
        history.record("Broken", project, Scope.episode(1), change)
    assert project.to_json() == before
    assert history.names() == [] and history.undo_name == ""


def test_a_change_that_changes_nothing_records_nothing_unless_extra_differs() -> None:
    project, history = small_project(), History()
    shot = project.find_shot("sh-2")
    assert history.record("Same", project, Scope.episode(1), lambda: 7) == 7
    history.record("Same", project, Scope.episode(1), lambda: set_duration(shot, 30))
    set_duration(shot, 30)  # now locked: trimming to 30 again is no change
    history.record("Same", project, Scope.episode(1), lambda: set_duration(shot, 30))
    assert history.names() == ["Same"]  # only the first trim locked the duration
    history.record("Text", project, Scope.project(), lambda: None, extra=("old", "new"))
    history.record("Text", project, Scope.project(), lambda: None, extra=("new", "new"))
    assert history.names() == ["Same", "Text"]
    edit = history.undo(project)
    assert (edit.extra_before, edit.extra_after) == ("old", "new")
    assert history.redo(project) is edit


def test_a_take_that_arrives_after_an_edit_survives_its_undo_and_redo() -> None:
    project, history = small_project(), History()
    shot = project.find_shot("sh-1")
    history.record("Trim Shot", project, Scope.episode(1), lambda: set_duration(shot, 45))
    project.find_shot("sh-1").takes.append(_take("tk-new"))
    history.undo(project)
    restored = project.find_shot("sh-1")
    assert restored.duration_frames == 60
    assert [t.id for t in restored.takes] == ["tk-1", "tk-2", "tk-3", "tk-4", "tk-new"]
    project.find_shot("sh-1").takes.append(_take("tk-newer"))  # arrives between undo and redo
    history.redo(project)
    redone = project.find_shot("sh-1")
    assert redone.duration_frames == 45
    assert [t.id for t in redone.takes][-2:] == ["tk-new", "tk-newer"]
    assert redone.take("tk-new").to_json() == _take("tk-new").to_json()


def test_an_archived_take_is_not_duplicated() -> None:
    project, history = small_project(), History()
    scope = Scope.episode(1)
    history.record("Trim Shot", project, scope, lambda: set_duration(project.find_shot("sh-1"), 5))
    project.find_shot("sh-1").takes.append(_take("tk-new"))
    history.record(
        "Delete Take", project, scope, lambda: archive_take(project.find_shot("sh-1"), "tk-new")
    )
    history.record(
        "Delete Take", project, scope, lambda: archive_take(project.find_shot("sh-1"), "tk-1")
    )
    final = _episode(project)

    def ids() -> tuple[list[str], list[str]]:
        shot = project.find_shot("sh-1")
        return [t.id for t in shot.takes], [t.id for t in shot.archived_takes]

    assert ids() == (["tk-2", "tk-3", "tk-4"], ["tk-new", "tk-1"])
    history.undo(project)
    assert ids() == (["tk-1", "tk-2", "tk-3", "tk-4"], ["tk-new"])
    history.undo(project)
    assert ids() == (["tk-1", "tk-2", "tk-3", "tk-4", "tk-new"], [])
    history.undo(project)
    assert ids() == (["tk-1", "tk-2", "tk-3", "tk-4", "tk-new"], [])
    for _ in range(3):
        history.redo(project)
    assert _episode(project) == final


def test_a_line_voiced_again_after_an_edit_keeps_its_new_clip() -> None:
    project, history = small_project(), History()
    shot = project.find_shot("sh-1")
    history.record("Trim Shot", project, Scope.episode(1), lambda: set_duration(shot, 45))
    new = _clip("audio/sh-1/vc-2.wav")
    project.find_shot("sh-1").voice = [new]  # the line is voiced again, outside the history
    history.undo(project)
    assert [c.to_json() for c in project.find_shot("sh-1").voice] == [new.to_json()]
    history.redo(project)
    assert [c.to_json() for c in project.find_shot("sh-1").voice] == [new.to_json()]
    assert project.find_shot("sh-1").duration_frames == 45


def test_takes_and_clips_the_edit_itself_made_are_undone() -> None:
    project, history = small_project(), History()
    before = project.to_json()

    def change() -> None:  # an edit that imports a take and records a line
        shot = project.find_shot("sh-1")
        shot.takes.append(_take("tk-imported"))
        shot.voice = [_clip("audio/sh-1/recorded.wav")]

    history.record("Import", project, Scope.episode(1), change)
    after = project.to_json()
    history.undo(project)
    assert project.to_json() == before
    history.redo(project)
    assert project.to_json() == after


def test_a_take_on_a_shot_the_undo_removes_is_archived_not_lost() -> None:
    project, history = Project(title=""), History()
    apply_script(project, SCRIPT)
    old = {s.id for s in project.shots()}
    history.record("Edit Script", project, Scope.project(), lambda: apply_script(project, EDITED))
    added = [s for s in project.shots() if s.id not in old]
    added[0].takes.append(_take("tk-made"))
    history.undo(project)
    assert {s.id for s in project.shots()} == old
    assert [t.id for s in project.archived_shots for t in s.takes] == ["tk-made"]
    history.redo(project)
    assert project.find_shot(added[0].id).takes[0].id == "tk-made"
    assert project.archived_shots == []


def _long_episode() -> Project:
    def shot(i: str) -> Shot:
        return Shot(id=i, kind=ShotKind.ACTION, description=i, duration_frames=30)

    scenes = [
        Scene("INT. A", 1, shots=[shot("a1"), shot("a2"), shot("a3")]),
        Scene("INT. B", 2, shots=[shot("b1"), shot("b2")]),
        Scene("INT. C", 3, shots=[shot("c1")]),
    ]
    return Project(title="t", episodes=[Episode(1, scenes=scenes)])


SHOT_IDS = ["a1", "a2", "a3", "b1", "b2", "c1"]
moves = st.tuples(
    st.just("move"), st.lists(st.sampled_from(SHOT_IDS), min_size=1, unique=True), st.integers(0, 6)
)
trims = st.tuples(st.just("trim"), st.sampled_from(SHOT_IDS), st.integers(0, 90))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(moves, trims), max_size=12))
def test_random_edits_undo_all_and_redo_all(ops: list[tuple[Any, ...]]) -> None:
    project, history = _long_episode(), History()
    states = [_episode(project)]
    for kind, target, value in ops:

        def change(kind: str = kind, target: Any = target, value: int = value) -> None:
            if kind == "move":  # the episode is looked up each time: a restore replaces it
                move_shots(project.episode(1), target, value)
            else:
                set_duration(project.find_shot(target), value)

        try:
            history.record(kind, project, Scope.episode(1), change)
        except EditError:
            assert _episode(project) == states[-1]
            continue
        if _episode(project) != states[-1]:
            states.append(_episode(project))
        assert len(history.names()) == len(states) - 1
    for state in reversed(states[:-1]):
        assert history.undo(project) is not None
        assert _episode(project) == state
    assert history.undo(project) is None
    for state in states[1:]:
        assert history.redo(project) is not None
        assert _episode(project) == state
    assert history.redo(project) is None


def test_languages_scope_undoes_a_translation_edit_and_keeps_lines_recorded_meanwhile() -> None:
    from studio.core.translations import LineState, TranslatedLine, add_languages

    project = Project(title="Glass")
    apply_script(project, SCRIPT)
    shots = [s for s in project.shots() if s.dialogue]
    history = History()
    history.record("Add Languages", project, Scope.languages(),
                   lambda: add_languages(project, ["es"]))  # fmt: skip
    es = project.languages[0]
    first, second = (shots[0].id, 0), (shots[1].id, 0)

    def write() -> None:
        es.lines[first] = TranslatedLine(*first, "Solo vengo.", LineState.EDITED, "x")

    history.record("Edit Translation", project, Scope.languages(), write)
    before_episode = _episode(project)
    # a machine translation arrives after the edit, outside the history
    es.lines[second] = TranslatedLine(*second, "Entrégalo.", LineState.MACHINE, "y")
    history.undo(project)
    es = project.languages[0]
    assert first not in es.lines and es.lines[second].text == "Entrégalo."
    assert _episode(project) == before_episode  # the shots are not part of the scope
    history.redo(project)
    assert project.languages[0].lines[first].state is LineState.EDITED
    history.undo(project)
    history.undo(project)
    assert project.languages == []
