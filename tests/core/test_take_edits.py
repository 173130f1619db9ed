"""Review on a shot's takes: approve, reject, star, clear, archive and bring back."""

from __future__ import annotations

import pytest
from sample_projects import small_project

from studio.core.history import History, Scope
from studio.core.model import Shot, TakeState
from studio.core.take_edits import archive_take, restore_take, review_take
from studio.core.timeline_edits import EditError


def _shot() -> Shot:
    """sh-1: tk-1 done, tk-2 approved, tk-3 queued, tk-4 done."""
    return small_project().find_shot("sh-1")


def _states(shot: Shot) -> dict[str, TakeState]:
    return {t.id: t.state for t in shot.takes}


def test_approving_replaces_the_previous_approval() -> None:
    shot = _shot()
    assert review_take(shot, "tk-1", TakeState.APPROVED) is shot.take("tk-1")
    assert shot.approved_take == "tk-1"
    assert shot.take("tk-2").state is TakeState.DONE
    review_take(shot, "tk-4", TakeState.APPROVED)
    assert [t.id for t in shot.takes if t.state is TakeState.APPROVED] == ["tk-4"]


@pytest.mark.parametrize("state", [TakeState.REJECTED, TakeState.STARRED, TakeState.DONE])
def test_reject_star_and_clear(state: TakeState) -> None:
    shot = _shot()
    review_take(shot, "tk-4", TakeState.STARRED)
    review_take(shot, "tk-4", state)
    assert shot.take("tk-4").state is state
    review_take(shot, "tk-2", state)  # the approved take un-approved
    assert shot.approved_take is None and shot.take("tk-2").state is state
    assert shot.take("tk-1").state is TakeState.DONE


def test_a_take_whose_media_has_a_problem_cannot_be_reviewed() -> None:
    shot = _shot()
    shot.take("tk-1").media_problem = "its file is missing"
    with pytest.raises(EditError, match="tk-1 cannot be reviewed: its file is missing"):
        review_take(shot, "tk-1", TakeState.APPROVED)
    assert _states(shot) == _states(_shot())


@pytest.mark.parametrize("state", [TakeState.QUEUED, TakeState.RUNNING, TakeState.FAILED])
def test_an_unfinished_take_cannot_be_reviewed(state: TakeState) -> None:
    shot = _shot()
    shot.take("tk-3").state = state
    for target in (TakeState.APPROVED, TakeState.REJECTED, TakeState.STARRED):
        with pytest.raises(EditError, match=f"tk-3 is {state.value}"):
            review_take(shot, "tk-3", target)
    assert shot.take("tk-3").state is state and shot.approved_take == "tk-2"


@pytest.mark.parametrize("state", [TakeState.QUEUED, TakeState.RUNNING, TakeState.FAILED])
def test_review_cannot_set_a_take_unfinished(state: TakeState) -> None:
    shot = _shot()
    with pytest.raises(EditError, match="cannot be set to"):
        review_take(shot, "tk-1", state)
    assert shot.take("tk-1").state is TakeState.DONE


def test_archiving_the_approved_take_leaves_it_done_and_restore_brings_it_back() -> None:
    shot = _shot()
    archived = archive_take(shot, "tk-2")
    assert [t.id for t in shot.takes] == ["tk-1", "tk-3", "tk-4"]
    assert shot.archived_takes == [archived] and archived.state is TakeState.DONE
    assert archived.media == "takes/sh-1/tk-2.mp4"  # its file is kept
    assert shot.approved_take is None
    with pytest.raises(EditError, match="no take tk-2"):
        review_take(shot, "tk-2", TakeState.APPROVED)  # archived takes are not reviewed

    assert restore_take(shot, "tk-2") is archived
    assert [t.id for t in shot.takes] == ["tk-1", "tk-3", "tk-4", "tk-2"]
    assert shot.archived_takes == [] and archived.state is TakeState.DONE


def test_archived_takes_are_saved_and_loaded() -> None:
    shot = _shot()
    archive_take(shot, "tk-4")
    again = Shot.from_json(shot.to_json(), "shot")
    assert [t.to_json() for t in again.archived_takes] == [t.to_json() for t in shot.archived_takes]
    assert again.archived_takes[0].source_take == "tk-2"
    assert [t.id for t in again.takes] == ["tk-1", "tk-2", "tk-3"]


def test_unknown_ids_raise_edit_error_and_change_nothing() -> None:
    shot = _shot()
    before = shot.to_json()
    with pytest.raises(EditError, match="shot sh-1 has no take tk-9"):
        review_take(shot, "tk-9", TakeState.APPROVED)
    with pytest.raises(EditError, match="shot sh-1 has no take tk-9"):
        archive_take(shot, "tk-9")
    with pytest.raises(EditError, match="shot sh-1 has no archived take tk-1"):
        restore_take(shot, "tk-1")  # a live take, not an archived one
    assert shot.to_json() == before


def test_review_and_archive_undo_through_the_history() -> None:
    project, history = small_project(), History()
    before = project.to_json()

    def shot() -> Shot:
        return project.find_shot("sh-1")

    scope = Scope.episode(1)
    history.record(
        "Approve", project, scope, lambda: review_take(shot(), "tk-1", TakeState.APPROVED)
    )
    history.record("Delete Take", project, scope, lambda: archive_take(shot(), "tk-1"))
    after = project.to_json()
    assert shot().approved_take is None
    with pytest.raises(EditError):
        history.record("Restore Take", project, scope, lambda: restore_take(shot(), "tk-2"))
    assert history.names() == ["Approve", "Delete Take"]
    history.undo(project)
    assert shot().approved_take == "tk-1" and shot().archived_takes == []
    history.undo(project)
    assert project.to_json() == before
    history.redo(project)
    history.redo(project)
    assert project.to_json() == after
