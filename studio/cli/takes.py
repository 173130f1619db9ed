"""Take review from the command line: ``takes``, ``approve``, ``reject`` and ``stats``."""

from __future__ import annotations

import argparse
from typing import Any

from studio.app.selection import find_take
from studio.cli.common import CliError, add_command, failing, open_for_reading, print_json
from studio.core.model import Shot, Take, TakeState
from studio.core.request import GenerationRequest, LipSyncRequest
from studio.core.stats import GENERATED, episode_stats

IMPORT_COMMAND = "takes-import"


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "takes",
        cmd_takes,
        "list takes; `studio takes import PROJECT --shot ID FILE` adds footage made elsewhere",
    )
    p.add_argument("project", help="project folder")
    p.add_argument("--shot", metavar="ID", help="only this shot's takes")
    p.add_argument("--json", action="store_true", help="print the takes as JSON")

    # `studio takes import …` is routed here by main() (see IMPORT_COMMAND); not listed itself.
    p = sub.add_parser(
        IMPORT_COMMAND,
        prog="studio takes import",
        description="Add a video made elsewhere as a take of a shot.",
    )
    p.set_defaults(command=IMPORT_COMMAND, run=cmd_import_take)
    p.add_argument("project", help="project folder")
    p.add_argument("file", help="the video file")
    p.add_argument("--shot", required=True, metavar="ID", help="the shot it is a take of")
    p.add_argument("--json", action="store_true", help="print the new take as JSON")

    for name, run, verb in (("approve", cmd_approve, "approve"), ("reject", cmd_reject, "reject")):
        p = add_command(sub, name, run, f"{verb} a take")
        p.add_argument("project", help="project folder")
        p.add_argument("take", help="take id (see `studio takes`)")

    p = add_command(sub, "stats", cmd_stats, "usable rate and GPU cost per episode")
    p.add_argument("project", help="project folder")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")


def cmd_takes(args: argparse.Namespace) -> int:
    project = open_for_reading(args.project)
    rows = [
        take_record(shot, take)
        for shot in project.shots()
        if args.shot is None or shot.id == args.shot
        for take in shot.takes
    ]
    if args.shot is not None and not any(s.id == args.shot for s in project.shots()):
        raise CliError(f"no shot {args.shot} in this project")
    if args.json:
        print_json(rows)
    else:
        from studio.cli.table import clip, render

        table = [
            [r["id"], r["shot"], r["state"], r["model"], str(r["seed"]), clip(r["path"], 40)]
            for r in rows
        ]
        print(render(["TAKE", "SHOT", "STATE", "MODEL", "SEED", "FILE"], table))
    return 0


def cmd_import_take(args: argparse.Namespace) -> int:
    """Copy a video made elsewhere into the project as a take of ``--shot``; its request
    records where it came from and its hash."""
    from pathlib import Path

    from studio.app.footage import FootageError, import_footage
    from studio.core.store import open_project, resolve_root

    file = args.file
    with open_project(resolve_root(args.project)) as folder:
        try:
            shot = folder.project.find_shot(args.shot)
        except KeyError:
            raise CliError(f"no shot {args.shot} in this project") from None
        try:
            take = import_footage(folder.root, shot, Path(file))
        except FootageError as exc:
            raise CliError(str(exc)) from None
        folder.save()
    if args.json:
        print_json(take_record(shot, take))
    else:
        print(f"Imported {Path(file).name} as take {take.id} of shot {shot.id}")
    return 0


def take_record(shot: Shot, take: Take) -> dict[str, Any]:
    request = take.request
    return {
        "id": take.id,
        "shot": shot.id,
        "state": take.state.value,
        "path": take.media,
        "model": request.model if request is not None else "",
        "seed": request.seed if isinstance(request, GenerationRequest | LipSyncRequest) else "",
        "gpu_seconds": take.gpu_seconds,
        "device": take.device,
        "created": take.created,
        "request": take.request_json(),
    }


def cmd_approve(args: argparse.Namespace) -> int:
    return _set_state(args, approve=True)


def cmd_reject(args: argparse.Namespace) -> int:
    return _set_state(args, approve=False)


def _set_state(args: argparse.Namespace, *, approve: bool) -> int:
    from studio.core.store import open_project, resolve_root

    with open_project(resolve_root(args.project)) as folder:
        shot, take = failing(find_take, folder.project, args.take)
        if take.state not in GENERATED:
            raise CliError(
                f"take {take.id} is {take.state.value}: only finished takes can be reviewed"
            )
        if approve:
            shot.approve(take.id)
        else:
            take.state = TakeState.REJECTED
        folder.save()
        folder.autosave()  # every approval is also kept in the rolling copies
    print(f"{'Approved' if approve else 'Rejected'} {take.id} of shot {shot.id}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    project = open_for_reading(args.project)
    figures = [f.to_json() for f in episode_stats(project)]
    if args.json:
        print_json(figures)
    else:
        from studio.cli.table import render

        rows = [
            [
                str(f["episode"]),
                f"{f['approved_shots']}/{f['shots']}",
                str(f["generated_takes"]),
                _percent(f["usable_rate"]),
                f"{f['gpu_seconds']:.1f}",
                "-"
                if f["gpu_seconds_per_approved_minute"] is None
                else f"{f['gpu_seconds_per_approved_minute']:.1f}",
            ]
            for f in figures
        ]
        headers = ["EP", "APPROVED", "GENERATED", "USABLE", "GPU-S", "GPU-S/APPROVED MIN"]
        print(render(headers, rows))
    return 0


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"
