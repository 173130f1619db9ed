"""The options that choose where a command's jobs run: ``--executor local|ray``,
``--ray-address ADDR`` and ``--workers N``."""

from __future__ import annotations

import argparse
from typing import Any

from studio.app.executors import KINDS, LOCAL, RAY, ExecutorChoice
from studio.cli.common import CliError, failing


def add_executor_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("where the jobs run")
    group.add_argument(
        "--executor",
        choices=KINDS,
        default=LOCAL,
        help="local: this machine's worker process (default); ray: the render farm, one worker "
        "per GPU (needs micro-drama-studio[farm])",
    )
    group.add_argument(
        "--ray-address",
        default="",
        metavar="ADDR",
        help="with --executor ray: the Ray cluster to use (auto, HOST:6379, ray://HOST:10001); "
        "default: start a local Ray with this machine's GPUs",
    )
    group.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="with --executor ray: how many workers (default: one per GPU, else per CPU slot)",
    )


def executor_choice(args: Any) -> ExecutorChoice:
    """The executor the options name; CliError for a bad mix, or for the farm without Ray."""
    if args.executor != RAY and (args.ray_address or args.workers):
        raise CliError("--ray-address and --workers need --executor ray")
    choice = failing(ExecutorChoice, args.executor, args.ray_address, args.workers)
    if choice.kind == RAY:
        from studio.engine.ray_cluster import INSTALL_HINT, ray_installed

        if not ray_installed():
            raise CliError(INSTALL_HINT)
    return choice
