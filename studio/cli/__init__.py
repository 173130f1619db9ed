"""The ``studio`` command: parses arguments, calls services, prints tables or JSON.

Each module here registers a group of subcommands. Imports stay light (no Qt, no torch) so
``studio --help`` answers at once. Every failure a user can cause ends as one line on stderr
and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from studio import __version__
from studio.cli import (
    assist,
    characters,
    export,
    generate,
    gui,
    models,
    pacing,
    project,
    story,
    takes,
    translate,
    translations,
    voice,
)
from studio.cli.common import CliError
from studio.core.script.elements import ScriptError
from studio.core.store import StoreError

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 70
COMMAND_GROUPS = (
    project,
    generate,
    takes,
    characters,
    voice,
    translations,
    translate,
    export,
    models,
    pacing,
    story,
    assist,
    gui,
)


def main(argv: Sequence[str] | None = None) -> int:
    from studio.engine.models_dir import hf_offline

    hf_offline()  # nothing is ever fetched from a hub unless `studio models pull` lifts it
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:2] == ["takes", "import"]:  # a two-word command: see studio.cli.takes
        words[:2] = [takes.IMPORT_COMMAND]
    if words[:1] == ["translations"] and words[1:2] and words[1] in translations.TWO_WORD:
        words[:2] = [translations.TWO_WORD[words[1]]]
    args = parser.parse_args(words)
    if args.command is None:
        if gui.has_display():  # `studio` alone opens the window on a desktop
            words = ["gui"]
            args = parser.parse_args(words)
        else:
            parser.print_help()
            return 0
    try:
        return args.run(args)
    except (CliError, ScriptError, StoreError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except BrokenPipeError:  # `studio shots … | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line, the traceback to the log (and on request)
        if os.environ.get("STUDIO_DEBUG"):
            traceback.print_exc()
        _fail(internal_error_line(exc))
        return EXIT_INTERNAL_ERROR


def internal_error_line(exc: BaseException) -> str:
    """One line for a bug, however long or many-lined its message; the traceback is logged."""
    from studio.engine.crash_log import one_line, write_traceback

    where = write_traceback(exc, "internal error")
    details = f"details in {where}" if where is not None else "set STUDIO_DEBUG=1 for details"
    return f"internal error: {one_line(exc)} ({details})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studio",
        description="Micro-Drama Studio: write, generate, review and ship vertical micro-dramas.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def _fail(message: str) -> int:
    print(f"studio: error: {message}", file=sys.stderr)
    return EXIT_USER_ERROR
