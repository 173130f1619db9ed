"""``studio translate``: machine-translate a project's dialogue into a target language with a
translation model from the models folder (OPUS-MT, M2M100, NLLB), in the worker."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from studio.app.results import Recorded
from studio.cli.common import CliError, add_command, failing, print_json


def register(sub: Any) -> None:
    p = add_command(sub, "translate", cmd_translate, "machine-translate the dialogue (offline)")
    p.add_argument("project", help="project folder")
    p.add_argument("--to", required=True, metavar="TAG", help="a target language: es, pt-BR…")
    p.add_argument("--model", default="", help="the translation model (default: one for the pair)")
    p.add_argument("--episode", type=int, action="append", metavar="N",
                   help="only episode N (repeatable)")  # fmt: skip
    p.add_argument("--force", action="store_true",
                   help="translate machine lines again (keeps edited, approved ones)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the lines translated as JSON")


def cmd_translate(args: argparse.Namespace) -> int:
    from studio.app.machine_translation import (
        TranslationUnavailable,
        translate_requests,
        translation_model,
    )
    from studio.cli.running import run_requests
    from studio.core.store import open_project, resolve_root
    from studio.core.translations import LineState, find_language
    from studio.engine.models_dir import models_dir
    from studio.engine.registry import scan

    with open_project(resolve_root(args.project)) as folder:
        project = folder.project
        language = failing(find_language, project, args.to)
        source = project.language or "en"
        try:
            model = translation_model(scan(models_dir()), source, language.tag, args.model)
        except TranslationUnavailable as exc:
            raise CliError(str(exc)) from None
        requests = failing(translate_requests, project, model, language.tag, args.episode,
                           force=args.force)  # fmt: skip

        def describe(recorded: Recorded) -> dict[str, Any]:
            return {"file": recorded.item, "episode": recorded.request.episode}  # type: ignore[union-attr]

        made, failures = run_requests(folder, requests, describe, quiet=args.json)
        asked = {(text.shot_id, text.line) for r in requests for text in r.texts}
        lines = [
            {"shot": t.shot, "line": t.line, "text": t.text, "source": t.source}
            for key, t in language.lines.items()
            if key in asked and t.state is LineState.MACHINE
        ]
    if args.json:
        print_json({"language": language.tag, "model": model.name, "episodes": made,
                    "lines": lines})  # fmt: skip
    else:
        print(f"{len(asked)} line(s) sent to {model.name}; {len(made)} episode(s) translated into "
              f"{language.tag}" + ("" if requests else " (nothing to translate; --force redoes)"),
              file=sys.stderr)  # fmt: skip
    for line in failures:
        print(f"studio: error: {line}", file=sys.stderr)
    return 1 if failures else 0
