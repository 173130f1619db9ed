"""From what the user chose to requests: the one place where a model name, a backend and the
step count become the requests a job runs, for shots, character references, voices and
lip-syncs alike (the window's Settings and the command line's options both end here).

Every refusal is a :class:`PlanError`: one line for the status bar or the terminal.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from studio.app.models import scan_models
from studio.core.kinds import ANIMATIC_MODEL, Backend, ModelKind
from studio.core.model import Character, Project, Scene, Shot, Take
from studio.core.request import LipSyncRequest, Request, VoiceRequest
from studio.core.translations import find_language
from studio.engine.planning import GenerationSettings, plan, reference_requests
from studio.engine.planning import regenerate as again
from studio.engine.registry import Registry
from studio.voice.dub_plan import dub_requests
from studio.voice.dubbing import dub_lipsync_request
from studio.voice.lipsync_request import lipsync_request
from studio.voice.plan import VoiceChoice, voice_requests


class PlanError(ValueError):
    """A request that cannot be made as asked (no such model, a bad setting…)."""


@dataclass(frozen=True)
class Choice:
    """What the user chose for pictures: a model by name ("" or "animatic": the built-in
    animatic), and optional overrides of the model family's defaults."""

    model: str = ""
    seed: int | None = None  # None: the shot's (or character's) own seed
    variations: int = 1
    steps: int | None = None
    size: tuple[int, int] | None = None
    ip_adapter: str = ""

    @property
    def uses_model(self) -> bool:
        return bool(self.model) and self.model != ANIMATIC_MODEL


def settings_for(
    choice: Choice, models_dir: Path | None = None, registry: Registry | None = None
) -> tuple[GenerationSettings, Any]:
    """The engine's settings for ``choice`` and the registry its model came from (None for
    the animatic): ``registry`` when given (the window keeps one, read in the background),
    else the models folder read now. A named model must be installed and usable."""
    if not choice.uses_model:
        settings = GenerationSettings(
            Backend.ANIMATIC,
            ANIMATIC_MODEL,
            choice.seed,
            choice.variations,
            choice.steps,
            choice.size,
        )
        return settings, None
    if registry is None or not _installed_in(registry, choice.model):
        registry = scan_models(models_dir)  # not read yet, or installed since
    settings = GenerationSettings(
        Backend.DIFFUSERS,
        choice.model,
        choice.seed,
        choice.variations,
        choice.steps,
        choice.size,
        choice.ip_adapter,
    )
    return settings, registry


def first_image_model(models_dir: Path | None = None) -> str:
    """The first usable text-to-image model installed (``studio generate --backend
    diffusers`` with no ``--model``)."""
    for entry in scan_models(models_dir).of_kind(ModelKind.TEXT_TO_IMAGE):
        if not entry.problems:
            return entry.name
    raise PlanError(
        "no image model is installed: see `studio models list` and `studio models import`"
    )


def shot_requests(
    project: Project,
    shots: Sequence[tuple[Scene, Shot]],
    choice: Choice,
    models_dir: Path | None = None,
    registry: Registry | None = None,
) -> list[Request]:
    """``choice.variations`` takes of each shot."""
    settings, registry = settings_for(choice, models_dir, registry)
    return _planned(lambda: plan(project, shots, settings, registry))


def character_references(
    project: Project,
    character: Character,
    count: int,
    choice: Choice,
    models_dir: Path | None = None,
    registry: Registry | None = None,
) -> list[Request]:
    """``count`` reference stills of ``character`` with the chosen model (or the animatic)."""
    settings, registry = settings_for(replace(choice, variations=count), models_dir, registry)
    return _planned(lambda: list(reference_requests(project, character, settings, registry)))


def regenerated(take: Take, count: int = 1, **changes: Any) -> list[Request]:
    """A take's own request again: as it was (``count`` 1, no changes), with ``changes`` (a
    new ``prompt``, ``seed``, ``steps``…), or ``count`` variations with fresh seeds."""
    if count < 1:
        raise PlanError(f"count must be at least 1, got {count}")
    seeds = [secrets.randbelow(2**31) for _ in range(count)] if count > 1 else [None]
    return _planned(
        lambda: [
            again(take.request, **changes, **({"seed": s} if s is not None else {})) for s in seeds
        ],
        f"take {take.id} cannot be regenerated: ",
    )


def voice_choice(backend: str = "", model: str = "", models_dir: Path | None = None) -> VoiceChoice:
    """Every character's voice (``backend`` ""), espeak-ng for all, or a Kokoro model (named, or
    the first installed one when only ``backend`` says kokoro)."""
    if backend == Backend.KOKORO or model:
        name, model_hash = installed(ModelKind.TTS, model, "Kokoro voice", models_dir)
        return VoiceChoice(backend=Backend.KOKORO, model=name, model_hash=model_hash)
    return VoiceChoice(backend=backend)


def line_requests(
    project: Project, shots: Iterable[Shot], choice: VoiceChoice, *, force: bool = False
) -> list[VoiceRequest]:
    """The spoken lines of ``shots`` not voiced yet or changed since (all with ``force``)."""
    return voice_requests(project, shots, choice, force=force)


def dub_line_requests(
    project: Project,
    shots: Iterable[Shot],
    tag: str,
    choice: VoiceChoice,
    *,
    force: bool = False,
    approved_only: bool = False,
) -> tuple[list[VoiceRequest], list[str]]:
    """The translated lines of ``shots`` in the target language ``tag`` not dubbed yet or
    changed since (all with ``force``; only approved ones with ``approved_only``), and notes
    (:mod:`studio.voice.dub_plan`)."""
    try:
        return dub_requests(project, shots, tag, choice, force=force, approved_only=approved_only)
    except ValueError as exc:
        raise PlanError(str(exc)) from None


def dub_lipsync_requests(
    project: Project,
    pairs: Iterable[tuple[Shot, Take]],
    tag: str,
    backend: str = Backend.VISEME,
    model: str = "",
    models_dir: Path | None = None,
) -> tuple[list[LipSyncRequest], list[str]]:
    """As :func:`lipsync_requests`, to the lines as heard in the target language ``tag``: each
    new take is that language's picture of its shot (:mod:`studio.voice.dubbing`)."""
    try:
        language = find_language(project, tag)
    except ValueError as exc:
        raise PlanError(str(exc)) from None
    model, model_hash = _lipsync_model(backend, model, models_dir)
    requests, skipped = [], []
    for shot, take in pairs:
        try:
            requests.append(
                dub_lipsync_request(
                    shot, take, language, str(project.fps), backend, model, model_hash
                )
            )
        except ValueError as exc:
            skipped.append(str(exc))
    return requests, skipped


def lipsync_requests(
    project: Project,
    pairs: Iterable[tuple[Shot, Take]],
    backend: str = Backend.VISEME,
    model: str = "",
    models_dir: Path | None = None,
) -> tuple[list[LipSyncRequest], list[str]]:
    """A lip-sync of each (shot, take) to the shot's voiced lines, and one line for each pair
    that cannot be lip-synced (no voice, no usable video). MuseTalk needs an installed model."""
    model, model_hash = _lipsync_model(backend, model, models_dir)
    requests, skipped = [], []
    for shot, take in pairs:
        try:
            requests.append(
                lipsync_request(shot, take, str(project.fps), backend, model, model_hash)
            )
        except ValueError as exc:
            skipped.append(str(exc))
    return requests, skipped


def _lipsync_model(backend: str, model: str, models_dir: Path | None) -> tuple[str, str]:
    """(name, hash) of the lip-sync model: MuseTalk's installed one, else none."""
    if backend == Backend.MUSETALK:
        return installed(ModelKind.LIPSYNC, model, "MuseTalk", models_dir)
    if model:
        raise PlanError("a lip-sync model is for the musetalk backend")
    return model, ""


def installed(
    kind: ModelKind, name: str | None, what: str, models_dir: Path | None = None
) -> tuple[str, str]:
    """(name, hash) of the usable installed model ``name`` of ``kind``, else of the first."""
    registry: Registry = scan_models(models_dir)
    usable = [e for e in registry.of_kind(kind) if not e.problems]
    entry = next((e for e in usable if e.name == name), None) if name else next(iter(usable), None)
    if entry is None:
        have = ", ".join(e.name for e in usable) or "none"
        named = f" named {name!r}" if name else ""
        raise PlanError(f"no usable {what} model{named} is installed (installed: {have})")
    return entry.name, entry.hash


def _installed_in(registry: Registry, name: str) -> bool:
    try:
        registry.get(name)
    except KeyError:
        return False
    return True


def _planned(make: Any, prefix: str = "") -> list[Any]:
    try:
        return make()
    except (ValueError, KeyError) as exc:
        if isinstance(exc, PlanError):
            raise
        reason = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise PlanError(f"{prefix}{reason}") from None
