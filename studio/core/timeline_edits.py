"""Edits the timeline makes to an episode: move shots, trim a shot's duration, split a shot,
remove shots.

Plain functions on the model (the undo commands of the edit history wrap them). A shot moved
to another position joins the scene at that position, so scenes stay contiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from studio.core.model import Episode, Project, Shot


class EditError(ValueError):
    """An edit that cannot be made (unknown shot, bad duration): one line for the user."""


def move_shots(episode: Episode, shot_ids: Sequence[str], index: int) -> None:
    """Move the shots ``shot_ids`` (kept in their current order) so the first of them lands
    at position ``index`` of the episode's shots as they are *after* taking them out.

    Each moved shot joins the scene of the shot it now follows (the first scene when moved to
    the very start); scenes left empty keep existing with no shots.
    """
    flat = [(scene, shot) for scene in episode.scenes for shot in scene.shots]
    wanted = set(shot_ids)
    unknown = wanted - {shot.id for _, shot in flat}
    if unknown:
        raise EditError(f"episode {episode.number} has no shot {', '.join(sorted(unknown))}")
    moving = [shot for _, shot in flat if shot.id in wanted]
    staying = [(scene, shot) for scene, shot in flat if shot.id not in wanted]
    if not 0 <= index <= len(staying):
        raise EditError(f"position {index} is outside the episode (0–{len(staying)})")
    host = staying[index - 1][0] if index > 0 else (staying[0][0] if staying else flat[0][0])
    placed = staying[:index] + [(host, shot) for shot in moving] + staying[index:]
    for scene in episode.scenes:
        scene.shots = [shot for owner, shot in placed if owner is scene]


def set_duration(shot: Shot, frames: int) -> None:
    """Trim ``shot`` to ``frames`` (locked, so script estimates leave it alone)."""
    if frames < 1:
        raise EditError(f"shot {shot.id}: a duration must be at least one frame, got {frames}")
    shot.duration_frames = frames
    shot.duration_locked = True


def split_shot(episode: Episode, shot_id: str, frames: int, new_id: str) -> Shot:
    """Cut shot ``shot_id`` after its first ``frames`` frames: it keeps them (and its takes),
    and a copy of it with no takes or voice, id ``new_id``, takes the rest right after it. Both
    durations are locked. For a project without a script (else see :mod:`timeline_script`)."""
    for scene in episode.scenes:
        for i, shot in enumerate(scene.shots):
            if shot.id == shot_id:
                if not 0 < frames < shot.duration_frames:
                    raise EditError(f"shot {shot_id}: frame {frames} is not inside it "
                                    f"(1–{shot.duration_frames - 1})")  # fmt: skip
                rest = replace(shot, id=new_id, duration_frames=shot.duration_frames - frames,
                               takes=[], voice=[], archived_takes=[],
                               characters=list(shot.characters),
                               dialogue=[replace(d) for d in shot.dialogue], sfx=[])  # fmt: skip
                set_duration(shot, frames)
                rest.duration_locked = True
                scene.shots.insert(i + 1, rest)
                return rest
    raise EditError(f"episode {episode.number} has no shot {shot_id}")


def remove_shots(project: Project, shot_ids: Sequence[str]) -> list[Shot]:
    """Take shots ``shot_ids`` out of their scenes (the shots after them move up: a ripple
    delete) into the project's archived shots, takes and all; the shots removed."""
    wanted = set(shot_ids)
    removed = [shot for shot in project.shots() if shot.id in wanted]
    if len(removed) != len(wanted):
        unknown = wanted - {shot.id for shot in removed}
        raise EditError(f"no shot {', '.join(sorted(unknown))}")
    for episode in project.episodes:
        for scene in episode.scenes:
            scene.shots = [shot for shot in scene.shots if shot.id not in wanted]
    project.archived_shots.extend(removed)
    return removed
