"""Edits the timeline makes to an episode: move shots, trim a shot's duration.

Plain functions on the model (the undo commands of the edit history wrap them). A shot moved
to another position joins the scene at that position, so scenes stay contiguous.
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.core.model import Episode, Shot


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
