"""Moving, trimming, splitting and removing shots on the model."""

from __future__ import annotations

import pytest

from studio.core.model import Episode, Project, Scene, Shot, ShotKind, Take, TakeState
from studio.core.timeline_edits import (
    EditError,
    move_shots,
    remove_shots,
    set_duration,
    split_shot,
)


def _episode() -> Episode:
    def shot(i: str) -> Shot:
        return Shot(id=i, kind=ShotKind.ACTION, description=i, duration_frames=30)

    return Episode(1, scenes=[
        Scene("INT. A", 1, shots=[shot("a1"), shot("a2"), shot("a3")]),
        Scene("INT. B", 2, shots=[shot("b1"), shot("b2")]),
    ])  # fmt: skip


def _layout(episode: Episode) -> list[list[str]]:
    return [[s.id for s in scene.shots] for scene in episode.scenes]


def test_moving_a_shot_later_joins_the_scene_it_lands_in() -> None:
    episode = _episode()
    move_shots(episode, ["a1"], 3)  # after b1 (a2 a3 b1 | a1 | b2)
    assert _layout(episode) == [["a2", "a3"], ["b1", "a1", "b2"]]


def test_moving_several_keeps_their_order_and_to_the_start() -> None:
    episode = _episode()
    move_shots(episode, ["b2", "a2"], 0)
    assert _layout(episode) == [["a2", "b2", "a1", "a3"], ["b1"]]
    move_shots(episode, ["a2"], 4)  # to the very end
    assert _layout(episode) == [["b2", "a1", "a3"], ["b1", "a2"]]


def test_bad_moves_change_nothing() -> None:
    episode = _episode()
    with pytest.raises(EditError, match="no shot zz"):
        move_shots(episode, ["zz"], 0)
    with pytest.raises(EditError, match="outside the episode"):
        move_shots(episode, ["a1"], 5)
    assert _layout(episode) == [["a1", "a2", "a3"], ["b1", "b2"]]


def test_trim_locks_the_duration() -> None:
    shot = _episode().scenes[0].shots[0]
    set_duration(shot, 45)
    assert (shot.duration_frames, shot.duration_locked) == (45, True)
    with pytest.raises(EditError, match="at least one frame"):
        set_duration(shot, 0)


def test_split_cuts_a_shot_in_two_locked_halves_the_takes_stay_with_the_first() -> None:
    episode = _episode()
    first = episode.scenes[0].shots[1]
    first.takes.append(Take("tk-1", "takes/a.mp4", state=TakeState.DONE))
    rest = split_shot(episode, "a2", 10, "a2b")
    assert _layout(episode) == [["a1", "a2", "a2b", "a3"], ["b1", "b2"]]
    assert (first.duration_frames, rest.duration_frames) == (10, 20)
    assert first.duration_locked and rest.duration_locked
    assert [t.id for t in first.takes] == ["tk-1"] and rest.takes == []
    assert rest.description == first.description
    for frames in (0, 10):  # at the shot's start, or past its last frame
        with pytest.raises(EditError, match="not inside it"):
            split_shot(episode, "a2b", frames + (20 if frames else 0), "x")
    assert _layout(episode)[0] == ["a1", "a2", "a2b", "a3"]


def test_removing_shots_closes_the_gap_and_archives_them() -> None:
    project = Project("p", episodes=[_episode()])
    removed = remove_shots(project, ["a2", "b1"])
    assert [s.id for s in removed] == ["a2", "b1"]
    assert _layout(project.episodes[0]) == [["a1", "a3"], ["b2"]]
    assert [s.id for s in project.archived_shots] == ["a2", "b1"]
    with pytest.raises(EditError, match="no shot a2"):
        remove_shots(project, ["a2"])
