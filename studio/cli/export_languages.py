"""``studio export --language TAG`` and ``--all-languages``: an episode exported in target
languages (:mod:`studio.app.language_export`) beside, or instead of, the source."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.common import CliError
from studio.core.model import Project


def add_language_arguments(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument("--language", metavar="TAG",
                       help="export in this target language (see `studio languages`): "
                       "<title>-epNN-TAG.mp4 with its captions, the dubbed lines and the AI "
                       "label in that language")  # fmt: skip
    which.add_argument("--all-languages", action="store_true",
                       help="export the source and every target language")  # fmt: skip
    p.add_argument("--allow-untranslated", action="store_true",
                   help="with --language or --all-languages: export lines not translated yet "
                   "in the source language (default: refuse, naming them)")  # fmt: skip


def export_targets(args: argparse.Namespace, project: Project) -> list[str]:
    """The languages to export: "" for the source, else target tags."""
    if args.allow_untranslated and not (args.language or args.all_languages):
        raise CliError("--allow-untranslated goes with --language or --all-languages")
    if (args.language or args.all_languages) and args.interactive:
        raise CliError("--interactive exports the source language only, for now")
    if args.all_languages:
        if args.out:
            raise CliError("--out names one file: use it with --language, not --all-languages")
        return ["", *(language.tag for language in project.languages)]
    if args.language:
        from studio.core.translations import find_language

        try:
            return [find_language(project, args.language).tag]
        except ValueError as exc:
            raise CliError(str(exc)) from None
    return [""]


def export_one(
    root: Path, project: Project, number: int, tag: str, out: Path | None, options: Any,
    args: argparse.Namespace, on_event: Any,
) -> Any:  # fmt: skip
    """Episode ``number`` exported in ``tag`` ("" = the source); the ExportResult."""
    from studio.media.episode_export import export_episode

    if not tag:
        return export_episode(root, project, number, out, options, on_event=on_event)
    from studio.app.language_export import UntranslatedLines, export_language
    from studio.media.export_plan import ExportError

    try:
        return export_language(
            root, project, number, tag, out, options,
            allow_untranslated=args.allow_untranslated, on_event=on_event,
        )  # fmt: skip
    except UntranslatedLines as exc:
        raise ExportError(f"{exc} (--allow-untranslated)") from None
