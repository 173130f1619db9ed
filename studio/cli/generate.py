"""``studio generate``: queue generation jobs for shots and run them headless, in the local worker
or on the Ray render farm (``--executor ray``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from studio.app.results import Recorded
from studio.cli.common import CliError, add_command, failing, print_json
from studio.cli.executor_args import add_executor_args, executor_choice
from studio.cli.running import report, run_queued, run_requests
from studio.core.kinds import PICTURE_BACKENDS, Backend


def register(sub: Any) -> None:
    register_generate(sub)
    register_regenerate(sub)


def register_generate(sub: Any) -> None:
    p = add_command(sub, "generate", cmd_generate, "generate takes for shots in the background")
    p.add_argument("project", help="project folder")
    episodes = p.add_mutually_exclusive_group()
    episodes.add_argument("--episode", type=int, metavar="N", help="only episode N")
    episodes.add_argument(
        "--all-episodes", action="store_true", help="every episode (the default without --episode)"
    )
    p.add_argument("--shot", action="append", metavar="ID", help="only this shot (repeatable)")
    p.add_argument(
        "--backend",
        choices=list(PICTURE_BACKENDS),
        help="animatic (built in, no weights) or diffusers (default: diffusers when --model names "
        "an installed model, else animatic)",
    )
    p.add_argument("--model", help="model name from `studio models list`")
    p.add_argument("--seed", type=int, help="seed for every shot (default: the shot's own)")
    p.add_argument("--variations", type=int, default=1, metavar="K", help="takes per shot (1)")
    p.add_argument("--steps", type=int, help="denoising steps (default: the model family's)")
    p.add_argument("--size", type=_size, metavar="WxH", help="generation size, e.g. 480x832")
    p.add_argument("--ip-adapter", default="", metavar="NAME", help="IP-Adapter for references")
    p.add_argument(
        "--queued",
        action="store_true",
        help="run the jobs left queued in the project's jobs.json (by the window, or a run that "
        "was stopped) instead of planning new ones; without it they are left alone",
    )
    p.add_argument("--json", action="store_true", help="print the takes made as JSON")
    add_executor_args(p)


def register_regenerate(sub: Any) -> None:
    p = add_command(sub, "regenerate", cmd_regenerate, "make a take again from its own request")
    p.add_argument("project", help="project folder")
    p.add_argument("take", help="take id (see `studio takes`)")
    p.add_argument("--seed", type=int, help="a new seed (default: the take's, same pixels)")
    p.add_argument("--prompt", help="a new prompt")
    p.add_argument("--steps", type=int, help="a new step count")
    p.add_argument("--json", action="store_true", help="print the take made as JSON")
    add_executor_args(p)


def cmd_regenerate(args: argparse.Namespace) -> int:
    from studio.app.planner import regenerated
    from studio.app.selection import find_take
    from studio.core.store import open_project, resolve_root

    changes = {k: getattr(args, k) for k in ("seed", "prompt", "steps")}
    changes = {k: v for k, v in changes.items() if v is not None}
    choice = executor_choice(args)
    with open_project(resolve_root(args.project)) as folder:
        _, take = failing(find_take, folder.project, args.take, archived=True)
        requests = failing(regenerated, take, **changes)
        made, failures = run_requests(
            folder, requests, describe_take(folder), quiet=args.json, executor=choice
        )
    if args.json:
        print_json(made)
    for line in failures:
        print(f"studio: error: {line}", file=sys.stderr)
    return 1 if failures else 0


def cmd_generate(args: argparse.Namespace) -> int:
    from studio.app.planner import Choice, first_image_model, shot_requests
    from studio.app.selection import select_shots
    from studio.core.store import open_project, resolve_root

    if args.queued:
        return _generate_queued(args)
    if args.variations < 1:
        raise CliError("--variations must be at least 1")
    model = "" if args.backend == Backend.ANIMATIC else (args.model or "")
    if args.backend == Backend.DIFFUSERS and not model:
        model = failing(first_image_model)
    choice = Choice(model, args.seed, args.variations, args.steps, args.size, args.ip_adapter)
    where = executor_choice(args)
    with open_project(resolve_root(args.project)) as folder:
        shots = failing(select_shots, folder.project, args.episode, args.shot)
        requests = failing(shot_requests, folder.project, shots, choice)
        made, failures = run_requests(
            folder, requests, describe_take(folder), quiet=args.json, executor=where
        )
    return report(made, failures, "{n} take{s} made", args.json)


def _generate_queued(args: argparse.Namespace) -> int:
    from studio.core.store import open_project, resolve_root

    planned = [args.shot, args.episode, args.model, args.backend, args.seed, args.steps, args.size]
    chosen = args.ip_adapter or args.variations != 1 or args.all_episodes
    if any(v is not None for v in planned) or chosen:
        raise CliError("--queued runs the jobs already in jobs.json: give no other options")
    where = executor_choice(args)
    with open_project(resolve_root(args.project)) as folder:
        made, failures = run_queued(folder, describe_any, quiet=args.json, executor=where)
    return report(made, failures, "{n} take{s} made", args.json)


def describe_take(folder: Any) -> Callable[[Recorded], dict[str, Any]]:
    """A new take as ``studio generate --json`` prints it."""

    def describe(recorded: Recorded) -> dict[str, Any]:
        from studio.app.selection import find_take

        _, take = find_take(folder.project, recorded.item, archived=True)
        return {
            "id": take.id,
            "shot": recorded.shot_id,
            "path": take.media,
            "request": take.request_json(),
        }

    return describe


def describe_any(recorded: Recorded) -> dict[str, Any]:
    """Any recorded result: a take, a voiced line or a reference candidate."""
    return {"what": recorded.what, "shot": recorded.shot_id, "id": recorded.item}


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (use WIDTHxHEIGHT)") from None
    if width <= 0 or height <= 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return width, height
