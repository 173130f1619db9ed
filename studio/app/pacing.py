"""Pacing of a project's episodes, for ``studio pacing`` and the window's pacing strip.

The thresholds come from one preset (:mod:`studio.core.pacing_preset`): the shipped
``resources/pacing/default.json``, then the project folder's ``pacing.json`` over it, then a
file the user names (``--preset FILE``) over that. The beats come from the project's script
(:mod:`studio.core.pacing_beats`) and from the assistant's newest beat sheet of the episode
(:func:`studio.app.assistant.suggested_beats`), whose kinds start with ``assistant``.
"""

from __future__ import annotations

from pathlib import Path

from studio.app.assistant import suggested_beats
from studio.core.model import Project
from studio.core.pacing import EpisodePacing, episode_pacing
from studio.core.pacing_beats import Beat, place_beats
from studio.core.pacing_preset import (
    DEFAULT_RESOURCE,
    PROJECT_PRESET,
    PacingPreset,
    PacingPresetError,
    preset_from_text,
)
from studio.core.paths import resolve_inside
from studio.core.resources import resource
from studio.core.script import fountain

MAX_PRESET_BYTES = 64 * 1024


def load_pacing_preset(root: Path | None = None, file: str | Path | None = None) -> PacingPreset:
    """The default preset, the project folder's ``pacing.json`` (when ``root`` has one) over it,
    and ``file`` (when given) over that. PacingPresetError names the file that is wrong."""
    preset = preset_from_text(_read(resource(DEFAULT_RESOURCE)), DEFAULT_RESOURCE)
    if root is not None and (Path(root) / PROJECT_PRESET).is_file():
        preset = preset_from_text(_read(Path(root) / PROJECT_PRESET), PROJECT_PRESET, preset)
    if file is not None:
        preset = preset_from_text(_read(Path(file)), str(file), preset)
    return preset


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_PRESET_BYTES:
            raise PacingPresetError(f"{path}: too large for a pacing preset")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PacingPresetError(f"no such pacing preset: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PacingPresetError(f"cannot read pacing preset {path}: {exc}") from None


def script_text(root: Path | None, project: Project) -> str:
    """The project's script (Fountain), or "" when it has none or it cannot be read: the
    analysis then runs without marked beats."""
    if root is None or not project.script:
        return ""
    try:
        return fountain.decode(resolve_inside(Path(root), project.script).read_bytes())
    except (OSError, ValueError):
        return ""


def project_pacing(
    project: Project,
    root: Path | None,
    preset: PacingPreset,
    episode: int | None = None,
    script: str | None = None,
) -> list[EpisodePacing]:
    """The pacing of ``episode`` (every episode when None); ``script`` overrides the file's text
    (the window passes the editor's). ValueError when there is no such episode."""
    if episode is not None and not any(ep.number == episode for ep in project.episodes):
        raise ValueError(f"no episode {episode} (the project has {len(project.episodes)})")
    text = script_text(root, project) if script is None else script
    beats = place_beats(project, text)
    return [
        episode_pacing(ep, project.fps, _with_suggested(beats, root, project, ep.number), preset)
        for ep in project.episodes
        if episode is None or ep.number == episode
    ]


def _with_suggested(
    beats: dict[int, list[Beat]], root: Path | None, project: Project, episode: int
) -> list[Beat]:
    """The script's marked beats of ``episode``, then the assistant's newest beat sheet's."""
    return beats.get(episode, []) + suggested_beats(root, project, episode)
