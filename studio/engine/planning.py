"""From shots to generation requests: which size, how many frames, which seed, which prompt.

The animatic draws at the project's aspect ratio for the shot's exact length. A diffusers
model gets its family's vertical size and step defaults (:mod:`studio.engine.families`); a
video model makes the fewest frames its rule allows that cover the shot, at its own frame rate
(the export conforms them to the project's); image-to-video starts from the shot's approved
keyframe.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from studio.core.bounds import MAX_SEED, MAX_SIZE, MIN_SIZE
from studio.core.kinds import ANIMATIC_MODEL, PICTURE_BACKENDS, PIPELINE_KINDS, Backend, ModelKind
from studio.core.model import Character, Project, Scene, Shot, TakeState
from studio.core.request import (
    CameraMotion,
    GenerationRequest,
    ImageRequest,
    Lora,
    Request,
    ShotBrief,
    VideoRequest,
)
from studio.engine.families import rules_for
from studio.engine.prompts import DEFAULT_NEGATIVE, compose_prompt
from studio.engine.request_checks import MAX_STEPS, check_request

ANIMATIC_HEIGHT = 1024  # the animatic draws at this height, the project's aspect ratio
MAX_VARIATIONS = 100  # takes per shot in one go


@dataclass(frozen=True)
class GenerationSettings:
    backend: str = Backend.ANIMATIC  # one of PICTURE_BACKENDS
    model: str = ANIMATIC_MODEL
    seed: int | None = None  # None: the shot's own seed (its first character's, else its id's)
    variations: int = 1  # takes per shot; after the first, each gets a fresh random seed
    steps: int | None = None  # None: the model family's default
    size: tuple[int, int] | None = None  # (width, height); None: the family's vertical size
    ip_adapter: str = ""  # registry name of an IP-Adapter for character references


def shot_seed(project: Project, shot: Shot) -> int:
    """A shot's default seed: its first character's seed, so a character looks alike across
    shots; else one derived from the shot id, stable across sessions."""
    for name in shot.characters:
        character = project.character(name)
        if character is not None:
            return character.seed
    return zlib.crc32(shot.id.encode("utf-8")) & 0x7FFFFFFF


def plan(
    project: Project,
    shots: Iterable[tuple[Scene, Shot]],
    settings: GenerationSettings,
    registry: Any = None,
) -> list[Request]:
    """The requests for ``shots`` (each with the scene it is in). ``registry`` (a
    :class:`~studio.engine.registry.Registry`) is needed for the diffusers backend; a
    ValueError says what cannot be planned."""
    if settings.backend not in PICTURE_BACKENDS:
        raise ValueError(f"unknown backend {settings.backend!r} (use animatic or diffusers)")
    check_settings(settings)
    entry = _model(registry, settings) if settings.backend == Backend.DIFFUSERS else None
    requests: list[Request] = []
    for scene, shot in shots:
        first = settings.seed if settings.seed is not None else shot_seed(project, shot)
        seeds = [first] + [secrets.randbelow(2**31) for _ in range(settings.variations - 1)]
        if entry is None:
            base: GenerationRequest = animatic_request(project, scene, shot)
        else:
            base = diffusion_request(project, scene, shot, entry, settings)
        requests.extend(base.with_seed(seed) for seed in seeds)  # type: ignore[misc]
    for request in requests:
        check_request(request)
    return requests


def check_settings(settings: GenerationSettings) -> None:
    """ValueError when a setting is outside what the app can make."""
    if not 1 <= settings.variations <= MAX_VARIATIONS:
        raise ValueError(
            f"variations must be from 1 to {MAX_VARIATIONS}, got {settings.variations}"
        )
    if settings.steps is not None and not 1 <= settings.steps <= MAX_STEPS:
        raise ValueError(f"steps must be from 1 to {MAX_STEPS}, got {settings.steps}")
    if settings.seed is not None and not 0 <= settings.seed <= MAX_SEED:
        raise ValueError(f"seed must be from 0 to {MAX_SEED}, got {settings.seed}")
    if settings.size is not None and not all(MIN_SIZE <= n <= MAX_SIZE for n in settings.size):
        width, height = settings.size
        raise ValueError(f"size must be from {MIN_SIZE} to {MAX_SIZE} a side, got {width}x{height}")


def _model(registry: Any, settings: GenerationSettings) -> Any:
    if registry is None:
        raise ValueError("the diffusers backend needs the models folder's registry")
    try:
        entry = registry.get(settings.model)
    except KeyError as exc:
        raise ValueError(exc.args[0] if exc.args else str(exc)) from None
    if entry.kind not in PIPELINE_KINDS:
        raise ValueError(f"{entry.name} is a {entry.kind}, not a model that makes shots")
    if entry.problems:
        raise ValueError(f"{entry.name} cannot be used: {entry.problems[0]}")
    return entry


def diffusion_request(
    project: Project, scene: Scene, shot: Shot, entry: Any, settings: GenerationSettings
) -> GenerationRequest:
    """A request for a diffusers model ``entry`` (a registry entry) to make ``shot``."""
    rules = rules_for(entry.family, entry.name)
    width, height = rules.fit(*(settings.size or (rules.width, rules.height)))
    common: dict[str, Any] = {
        "shot_id": shot.id,
        "backend": Backend.DIFFUSERS,
        "model": entry.name,
        "model_hash": entry.hash,
        "prompt": compose_prompt(project, shot, scene.heading),
        "negative_prompt": DEFAULT_NEGATIVE,
        "seed": shot_seed(project, shot),
        "steps": settings.steps or rules.steps,
        "guidance": rules.guidance,
        "width": width,
        "height": height,
        "references": tuple(character_references(project, shot)),
        "loras": shot_loras(project, shot),
        "brief": brief_of(scene, shot),
    }
    if entry.kind == ModelKind.TEXT_TO_IMAGE:
        return ImageRequest(
            **common,
            frames=shot.duration_frames,
            fps=str(project.fps),
            ip_adapter=settings.ip_adapter,
        )
    seconds = float(project.fps.seconds(shot.duration_frames))
    video = {"frames": rules.frames_for(seconds), "fps": rules.fps}
    if entry.kind == ModelKind.IMAGE_TO_VIDEO:
        return VideoRequest(**common, **video, init_image=approved_keyframe(shot))
    return VideoRequest(**common, **video)


def approved_keyframe(shot: Shot) -> str:
    """The still of the shot's approved image take (what image-to-video starts from)."""
    for take in shot.takes:
        if take.state is TakeState.APPROVED and isinstance(take.request, ImageRequest):
            return str(PurePosixPath(take.media).with_suffix(".png"))
    raise ValueError(
        f"shot {shot.id} has no approved image take to start from: generate a keyframe with an "
        "image model and approve it first"
    )


def shot_loras(project: Project, shot: Shot) -> tuple[Lora, ...]:
    """The project's style LoRAs, then those of each character in the shot (each file once)."""
    refs = list(project.loras)
    for name in shot.characters:
        character = project.character(name)
        if character is not None:
            refs.extend(character.loras)
    first: dict[str, Any] = {}
    for ref in refs:
        first.setdefault(ref.path, ref)  # the first mention's weight wins
    return tuple(first.values())


def character_references(project: Project, shot: Shot) -> list[str]:
    refs: list[str] = []
    for name in shot.characters:
        character = project.character(name)
        if character is not None:
            refs.extend(character.reference_images)
    return refs


def animatic_size(project: Project) -> tuple[int, int]:
    """The animatic's (width, height): :data:`ANIMATIC_HEIGHT` at the project's aspect ratio."""
    height = ANIMATIC_HEIGHT
    return round(height * project.width / project.height / 2) * 2, height


def animatic_request(project: Project, scene: Scene, shot: Shot) -> ImageRequest:
    width, height = animatic_size(project)
    return ImageRequest(
        shot_id=shot.id,
        backend=Backend.ANIMATIC,
        model=ANIMATIC_MODEL,
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


def regenerate(take_request: Request | None, **changes: Any) -> Request:
    """A take's own request again, with ``changes`` (``seed``, ``prompt``, ``steps``, …):
    "regenerate" with no changes reproduces the take on the same device. ValueError for a take
    without one (imported footage, a stored request that cannot be read)."""
    from dataclasses import fields, replace

    if take_request is None:
        raise ValueError("it has no request to make it again from (imported, or unreadable)")
    request = take_request
    known = {f.name for f in fields(request)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValueError(f"a {request.kind.value} request has no field {', '.join(unknown)}")
    request = replace(request, **changes)
    check_request(request)  # its shot id names the folder the take is written to
    return request


def reference_requests(
    project: Project, character: Character, settings: GenerationSettings, registry: Any = None
) -> list[ImageRequest]:
    """Stills of ``character`` from the bible, to approve as references: with an image model,
    a plain-background portrait; with the animatic, the figure the panels draw."""
    check_settings(settings)
    name = character.name
    brief = ShotBrief(
        heading=f"CHARACTER REFERENCE - {name}",
        description=character.description,
        framing="medium",
        characters=(name,),
    )
    look = f", {character.description.strip()}" if character.description.strip() else ""
    style = f", {project.style.strip()}" if project.style.strip() else ""
    prompt = (
        f"character reference portrait of {name.title()}{look}, front view, neutral expression, "
        f"even soft light, plain background{style}"
    )
    common: dict[str, Any] = {
        "reference_of": name,
        "prompt": prompt,
        "negative_prompt": DEFAULT_NEGATIVE,
        "frames": 1,
        "fps": str(project.fps),
        "brief": brief,
        "camera_motion": CameraMotion.NONE,
    }
    if settings.backend == Backend.DIFFUSERS:
        entry = _model(registry, settings)
        if entry.kind != ModelKind.TEXT_TO_IMAGE:
            raise ValueError(
                f"{entry.name} is a {entry.kind} model: references need an image model"
            )
        rules = rules_for(entry.family, entry.name)
        width, height = rules.fit(*(settings.size or (rules.width, rules.height)))
        base = ImageRequest(
            **common,
            backend=Backend.DIFFUSERS,
            model=entry.name,
            model_hash=entry.hash,
            steps=settings.steps or rules.steps,
            guidance=rules.guidance,
            width=width,
            height=height,
            loras=tuple(character.loras),
        )
    else:
        width, height = animatic_size(project)
        base = ImageRequest(**common, steps=1, guidance=0.0, width=width, height=height)
    first = settings.seed if settings.seed is not None else character.seed
    seeds = [first] + [secrets.randbelow(2**31) for _ in range(settings.variations - 1)]
    requests = [base.with_seed(seed) for seed in seeds]
    for request in requests:
        check_request(request)
    return requests  # type: ignore[return-value]
