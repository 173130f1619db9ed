"""``studio voice --language TAG`` and ``studio lipsync --language TAG``: the translated lines
spoken in a target language, and the picture lip-synced to them (:mod:`studio.voice.dubbing`).
Nothing of the source language is changed: its clips, takes and approvals stay as they are."""

from __future__ import annotations

import argparse
import json
from typing import Any

from studio.app.results import Recorded
from studio.cli.common import CliError, failing, warn
from studio.cli.running import report, run_requests


def dub_lines(args: argparse.Namespace, choice: Any) -> int:
    """Voice the translated lines of ``args.language`` (``studio voice --language``)."""
    from studio.app.planner import dub_line_requests
    from studio.app.selection import select_shots
    from studio.core.store import open_project, resolve_root

    with open_project(resolve_root(args.project)) as folder:
        project = folder.project
        shots = [shot for _, shot in failing(select_shots, project, args.episode, args.shot)]
        requests, notes = failing(
            dub_line_requests, project, shots, args.language, choice,
            force=args.force, approved_only=args.approved_only,
        )  # fmt: skip
        for note in notes:
            warn(note)
        made, failures = run_requests(folder, requests, _describe_dub(folder), quiet=args.json)
    made.sort(key=lambda e: (e["shot"], e["line"]))
    skipped = "" if requests or not shots else " (all lines already dubbed; --force redoes)"
    return report(made, failures, "{n} line{s} dubbed" + skipped, args.json)


def _describe_dub(folder: Any) -> Any:
    from studio.core.speech_timing import SpeechTiming
    from studio.core.translations import find_language
    from studio.voice.recording import clip_json

    def describe(recorded: Recorded) -> dict[str, Any]:
        request = recorded.request
        assert request is not None
        shot = folder.project.find_shot(recorded.shot_id)
        language = find_language(folder.project, request.variant)
        translated = language.lines[(shot.id, request.line)]
        clip = translated.voice
        timing = json.loads(folder.resolve(clip.timing).read_text(encoding="utf-8"))
        entry = clip_json(clip, shot, SpeechTiming.from_json(timing))
        return {**entry, "language": language.tag, "text": translated.text}

    return describe


def dub_lipsync(args: argparse.Namespace) -> int:
    """Lip-sync shots to their lines in ``args.language`` (``studio lipsync --language``)."""
    from studio.app.planner import dub_lipsync_requests
    from studio.cli.voice import lipsync_takes
    from studio.core.store import open_project, resolve_root
    from studio.core.translations import find_language

    if args.approve:
        raise CliError(
            "--approve is for the source language: a language's lip-synced take is shown by "
            "its export without approval, and the approved take stays the source's"
        )
    with open_project(resolve_root(args.project)) as folder:
        project = folder.project
        language = failing(find_language, project, args.language)
        pairs = _sources(project, args, language)
        requests, skipped = failing(
            dub_lipsync_requests, project, pairs, language.tag, args.backend, args.model or ""
        )
        if skipped and args.take:
            raise CliError(skipped[0])
        for line in skipped:
            warn(line)
        made, failures = lipsync_takes(folder, requests, approve=False, quiet=args.json)
    for entry in made:
        entry["language"] = language.tag
    return report(made, failures, "{n} lip-synced take{s} made in " + language.tag, args.json)


def _sources(project: Any, args: argparse.Namespace, language: Any) -> list[tuple[Any, Any]]:
    """(shot, take) pairs: the named takes, or each shot of the episode with a line dubbed in
    ``language`` and the take its source lip-sync would start from."""
    from studio.app.selection import find_take, select_shots
    from studio.voice.dubbing import is_dubbed
    from studio.voice.recording import lipsync_source

    if args.take:
        return [failing(find_take, project, take_id) for take_id in args.take]
    pairs = []
    for _, shot in failing(select_shots, project, args.episode, None):
        if not is_dubbed(shot, language):
            continue
        take = lipsync_source(shot)
        if take is None:
            warn(f"shot {shot.id} has no take to lip-sync: generate one first")
            continue
        pairs.append((shot, take))
    return pairs
