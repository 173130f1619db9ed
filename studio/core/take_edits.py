"""What review does to a shot's takes: approve, reject, star, archive and bring back.

Plain functions on the model (the edit history makes them undoable). Archiving takes a take
out of the shot's takes into ``archived_takes``; its files stay where they are, so a take
deleted in review is never lost and :func:`restore_take` brings it back.
"""

from __future__ import annotations

from studio.core.model import Shot, Take, TakeState
from studio.core.timeline_edits import EditError

REVIEWABLE = (TakeState.DONE, TakeState.APPROVED, TakeState.REJECTED, TakeState.STARRED)


def review_take(shot: Shot, take_id: str, state: TakeState) -> Take:
    """Give a finished take the review ``state`` (approved, rejected, starred or done); an
    approval replaces the shot's previous one, which goes back to done."""
    take = _take(shot, take_id)
    if take.state not in REVIEWABLE:
        raise EditError(f"take {take_id} is {take.state.value}: only a finished take is reviewed")
    if state not in REVIEWABLE:
        raise EditError(f"a take cannot be set to {state.value} in review")
    if take.media_problem:
        raise EditError(f"take {take_id} cannot be reviewed: {take.media_problem}")
    if state is TakeState.APPROVED:
        shot.approve(take_id)
    else:
        take.state = state
    return take


def archive_take(shot: Shot, take_id: str) -> Take:
    """Move a take to the shot's archive (its files are kept)."""
    take = _take(shot, take_id)
    shot.takes.remove(take)
    if take.state is TakeState.APPROVED:
        take.state = TakeState.DONE  # an archived take is never the approved one
    shot.archived_takes.append(take)
    return take


def restore_take(shot: Shot, take_id: str) -> Take:
    """Bring an archived take back to the end of the shot's takes."""
    take = next((t for t in shot.archived_takes if t.id == take_id), None)
    if take is None:
        raise EditError(f"shot {shot.id} has no archived take {take_id}")
    shot.archived_takes.remove(take)
    shot.takes.append(take)
    return take


def _take(shot: Shot, take_id: str) -> Take:
    try:
        return shot.take(take_id)
    except KeyError:
        raise EditError(f"shot {shot.id} has no take {take_id}") from None
