"""Which shots and takes a user action is about: the same rules for a command's ``--episode``
and ``--shot`` as for the timeline's selection."""

from __future__ import annotations

from collections.abc import Iterable

from studio.core.model import Project, Scene, Shot, Take


class SelectionError(ValueError):
    """No such episode, shot or take: one line for the user."""


def select_shots(
    project: Project, episode: int | None = None, shot_ids: Iterable[str] | None = None
) -> list[tuple[Scene, Shot]]:
    """The shots of ``episode`` (all episodes when None) limited to ``shot_ids`` (all when
    empty or None), in script order, each with its scene. SelectionError names what is not
    there."""
    wanted = set(shot_ids or ())
    if episode is not None and not any(ep.number == episode for ep in project.episodes):
        raise SelectionError(f"no episode {episode} (the project has {len(project.episodes)})")
    found: list[tuple[Scene, Shot]] = []
    for ep in project.episodes:
        if episode is not None and ep.number != episode:
            continue
        for scene in ep.scenes:
            found.extend((scene, shot) for shot in scene.shots if not wanted or shot.id in wanted)
    missing = wanted - {shot.id for _, shot in found}
    if missing:
        raise SelectionError(f"no shot {', '.join(sorted(missing))} in this project")
    return found


def find_take(project: Project, take_id: str, *, archived: bool = False) -> tuple[Shot, Take]:
    """The shot holding ``take_id`` and the take. A deleted (archived) take is found only with
    ``archived``; otherwise SelectionError says it was deleted."""
    for shot in project.shots():
        for take in shot.takes:
            if take.id == take_id:
                return shot, take
        for take in shot.archived_takes:
            if take.id == take_id:
                if archived:
                    return shot, take
                raise SelectionError(f"take {take_id} was deleted: restore it first")
    raise SelectionError(f"no take {take_id} in this project (see `studio takes`)")


def neighbour_shot(
    project: Project, episode: int, shot_id: str, delta: int, unapproved: bool = False
) -> tuple[int, str] | None:
    """(episode, shot id) of the shot ``delta`` away from ``shot_id`` in the project (the next
    without an approved take, with ``unapproved``), or None. With no ``shot_id`` (or one not
    live) it counts from ``episode``'s first shot (or last, going back)."""
    order = [(e.number, s) for e in project.episodes for s in e.shots()]
    ids = [s.id for _, s in order]
    shown = [i for i, (n, _) in enumerate(order) if n == episode]
    if shot_id in ids:
        at = ids.index(shot_id)
    else:
        at = (shown[0] - 1 if delta > 0 else shown[-1] + 1) if shown else -1
    step = 1 if delta > 0 else -1
    for i in range(at + step, len(order) if step > 0 else -1, step):
        if not unapproved or order[i][1].approved_take is None:
            return order[i][0], order[i][1].id
    return None
