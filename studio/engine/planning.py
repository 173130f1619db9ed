"""From shots to generation requests: which size, how many frames, which seed, which prompt."""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from studio.core.model import Project, Scene, Shot
from studio.engine.prompts import DEFAULT_NEGATIVE, compose_prompt
from studio.engine.request import ANIMATIC, ImageRequest, Request, ShotBrief

ANIMATIC_HEIGHT = 1024  # the animatic draws at this height, the project's aspect ratio


@dataclass(frozen=True)
class GenerationSettings:
    backend: str = ANIMATIC
    model: str = ANIMATIC
    seed: int | None = None  # None: the shot's own seed (its first character's, else its id's)
    variations: int = 1  # takes per shot; after the first, each gets a fresh random seed


def shot_seed(project: Project, shot: Shot) -> int:
    """A shot's default seed: its first character's seed, so a character looks alike across
    shots; else one derived from the shot id, stable across sessions."""
    for name in shot.characters:
        character = project.character(name)
        if character is not None:
            return character.seed
    return zlib.crc32(shot.id.encode("utf-8")) & 0x7FFFFFFF


def plan(
    project: Project, shots: Iterable[tuple[Scene, Shot]], settings: GenerationSettings
) -> list[Request]:
    """The requests for ``shots`` (each with the scene it is in)."""
    if settings.backend != ANIMATIC:
        raise ValueError(f"backend {settings.backend!r} is not available yet (use animatic)")
    requests: list[Request] = []
    for scene, shot in shots:
        first = settings.seed if settings.seed is not None else shot_seed(project, shot)
        seeds = [first] + [secrets.randbelow(2**31) for _ in range(settings.variations - 1)]
        base = animatic_request(project, scene, shot)
        requests.extend(base.with_seed(seed) for seed in seeds)  # type: ignore[misc]
    return requests


def animatic_request(project: Project, scene: Scene, shot: Shot) -> ImageRequest:
    height = ANIMATIC_HEIGHT
    width = round(height * project.width / project.height / 2) * 2
    return ImageRequest(
        shot_id=shot.id,
        backend=ANIMATIC,
        model=ANIMATIC,
        prompt=compose_prompt(project, shot, scene.heading),
        negative_prompt=DEFAULT_NEGATIVE,
        seed=shot_seed(project, shot),
        steps=1,
        guidance=0.0,
        width=width,
        height=height,
        frames=shot.duration_frames,
        fps=str(project.fps),
        brief=brief_of(scene, shot),
    )


def brief_of(scene: Scene, shot: Shot) -> ShotBrief:
    return ShotBrief(
        heading=scene.heading,
        description=shot.description,
        framing=shot.framing or ("medium close-up" if shot.dialogue else "medium"),
        characters=tuple(shot.characters),
        dialogue=tuple(f"{line.character}: {line.text}" for line in shot.dialogue),
    )
