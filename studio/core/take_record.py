"""Recording finished generations as takes of their shots."""

from __future__ import annotations

from dataclasses import asdict

from studio.core.model import Project, Shot, Take, TakeState
from studio.core.request import Request
from studio.core.result import TakeResult


def record_take(project: Project, request: Request, take_id: str, result: TakeResult) -> Take:
    """Add the take that ``request`` produced to its shot (live or archived) and return it."""
    shot = _shot(project, request.shot_id)
    timings = asdict(result.rendered.timings)
    take = Take(
        id=take_id,
        media=result.media,
        request=request,
        state=TakeState.DONE,
        gpu_seconds=timings.pop("gpu"),
        timings=timings,
        device=result.device,
    )
    shot.takes.append(take)
    shot.changed = False  # the newest take matches the script again
    return take


def _shot(project: Project, shot_id: str) -> Shot:
    try:
        return project.find_shot(shot_id)
    except KeyError:
        for shot in project.archived_shots:
            if shot.id == shot_id:
                return shot
        raise
