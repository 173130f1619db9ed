"""Moving and trimming shots on the model."""

from __future__ import annotations

import pytest

from studio.core.model import Episode, Scene, Shot, ShotKind
from studio.core.timeline_edits import EditError, move_shots, set_duration


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
