"""``studio export --episode N --interactive OUT_DIR``: a branching episode as a package that
plays offline in a browser (:mod:`studio.media.interactive_export`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import CliError, print_json, warn

_NOT_WITH = (("out", "--out"), ("all_episodes", "--all-episodes"), ("otio", "--otio"),
             ("interchange", "--interchange"))  # fmt: skip


def check_interactive(args: argparse.Namespace) -> None:
    """CliError for options that do not go with ``--interactive`` (or need it)."""
    if not args.interactive:
        for name, flag in (("choice_seconds", "--choice-seconds"),
                           ("choice_timeout", "--choice-timeout")):  # fmt: skip
            if getattr(args, name) is not None:
                raise CliError(f"{flag} goes with --interactive OUT_DIR")
        return
    for name, flag in _NOT_WITH:
        if getattr(args, name):
            raise CliError(f"--interactive writes a package folder: it does not go with {flag}")
    if args.episode is None:
        raise CliError("--interactive exports one episode: add --episode N")


def export_package(
    args: argparse.Namespace, root: Path, project: Any, options: Any, bar: Any
) -> int:
    """Export the package; print where it is, the segments encoded and the warnings."""
    from studio.app.story import episode_story
    from studio.media.export_plan import ExportError
    from studio.media.ffmpeg import MediaError
    from studio.media.interactive_export import StoryErrors, export_interactive

    timing = {}
    if args.choice_seconds is not None:
        timing["choice_seconds"] = args.choice_seconds
    if args.choice_timeout is not None:
        timing["timeout_seconds"] = args.choice_timeout
    try:
        story = episode_story(project, root, args.episode)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    out = Path(args.interactive).expanduser()
    try:
        result = export_interactive(root, project, args.episode, story, out, options,
                                    on_event=bar.show, **timing)  # fmt: skip
    except StoryErrors as exc:
        bar.end()
        for problem in exc.problems:
            print(f"studio: error: {problem.where()}", file=sys.stderr)
        raise CliError(f"episode {args.episode}: fix the story's errors above, then export "
                       "again") from None  # fmt: skip
    except (ExportError, MediaError) as exc:
        bar.end()
        raise CliError(str(exc)) from None
    bar.end()
    for message in result.warnings:
        warn(message)
    if args.json:
        print_json({
            "episode": result.episode, "package": str(result.out),
            "files": {name: str(path) for name, path in result.files.items()},
            "segments": result.segments, "shots_encoded": result.shots_encoded,
            "shots_reused": result.shots_reused, "warnings": result.warnings,
        })  # fmt: skip
    else:
        print(f"episode {result.episode}: {result.out / 'index.html'}")
        print(f"  {len(result.segments)} segments ({', '.join(result.segments)}); "
              f"{result.shots_encoded} shots encoded, {result.shots_reused} reused")  # fmt: skip
    return 0
