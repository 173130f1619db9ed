"""What every ``studio`` subcommand shares: registration, errors, JSON output, opening."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from studio.core.model import Project, Scene, Shot

Run = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A request the project cannot satisfy (no such episode, …): one line for the user."""


def add_command(sub: Any, name: str, run: Run, help: str) -> argparse.ArgumentParser:
    """A subcommand ``name`` whose parsed arguments go to ``run``."""
    parser = sub.add_parser(name, help=help, description=help)
    parser.set_defaults(command=name, run=run)
    return parser


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def warn(message: str) -> None:
    print(f"studio: warning: {message}", file=sys.stderr)


def open_for_reading(path: str) -> Project:
    """The project at ``path``, read without taking its lock; load problems become warnings."""
    from studio.core.store import open_project, resolve_root

    with open_project(resolve_root(path), read_only=True) as folder:
        for problem in folder.problems:
            warn(problem)
        return folder.project


def select_shots(
    project: Project, episode: int | None, shot_ids: list[str] | None
) -> list[tuple[Scene, Shot]]:
    """The shots named by ``--episode`` and ``--shot`` (all when neither), with their scenes."""
    wanted = set(shot_ids or [])
    found: list[tuple[Scene, Shot]] = []
    for ep in project.episodes:
        if episode is not None and ep.number != episode:
            continue
        for scene in ep.scenes:
            found.extend((scene, shot) for shot in scene.shots if not wanted or shot.id in wanted)
    if episode is not None and not any(ep.number == episode for ep in project.episodes):
        raise CliError(f"no episode {episode} (the project has {len(project.episodes)})")
    missing = wanted - {shot.id for _, shot in found}
    if missing:
        raise CliError(f"no shot {', '.join(sorted(missing))} in this project")
    return found
