"""What every ``studio`` subcommand shares: registration, errors, JSON output, opening."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from studio.core.model import Project

T = TypeVar("T")
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


def failing(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call(*args, **kwargs)``, its refusal (a ValueError: no such shot, model, setting…)
    turned into a CliError with the same line."""
    try:
        return call(*args, **kwargs)
    except ValueError as exc:
        raise CliError(str(exc)) from None
