"""``studio assist``: the local language-model assistant's suggestions for an episode.

``prompts`` (one visual prompt per shot, with continuity), ``beats`` (hook, turns,
cliffhanger), ``cliffhangers`` and ``hooks`` (three alternatives each). The assistant never
changes the script; ``prompts --accept`` makes the suggested prompts the shots' own.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from studio.cli.common import CliError, add_command, failing, print_json
from studio.core.assist import AssistTask
from studio.core.bounds import MAX_SEED


def register(sub: Any) -> None:
    p = add_command(sub, "assist", cmd_assist, "suggestions from a local chat model (offline)")
    p.add_argument("project", help="project folder")
    p.add_argument("task", choices=[t.value for t in AssistTask], help="what to suggest")
    p.add_argument("--episode", type=int, metavar="N", required=True, help="episode N")
    p.add_argument("--model", help="the chat model's name (default: the first installed)")
    p.add_argument("--seed", type=int, default=0, help="the seed when sampling (default 0)")
    p.add_argument("--temperature", type=float, default=0.0,
                   help="0 (default) decodes greedily; above 0 samples from the seed")  # fmt: skip
    p.add_argument("--max-tokens", type=int, metavar="N", help="tokens one answer may take")
    p.add_argument("--latest", action="store_true",
                   help="show the newest suggestions made before instead of asking")  # fmt: skip
    p.add_argument("--accept", action="store_true",
                   help="prompts: make the suggested prompts the shots' own (saved)")  # fmt: skip
    p.add_argument("--shot", action="append", metavar="ID",
                   help="with --accept: only this shot (repeatable)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the suggestions as JSON")


def cmd_assist(args: argparse.Namespace) -> int:
    from studio.app.assistant import accept_prompts, latest_suggestion
    from studio.core.store import open_project, resolve_root

    task = AssistTask(args.task)
    if args.accept and task is not AssistTask.PROMPTS:
        raise CliError("--accept is for prompts (the assistant never rewrites the script)")
    if args.shot and not args.accept:
        raise CliError("--shot goes with --accept")
    if not 0 <= args.seed <= MAX_SEED:
        raise CliError(f"--seed must be from 0 to {MAX_SEED}")
    if not 0.0 <= args.temperature <= 2.0:
        raise CliError("--temperature must be from 0 to 2")
    with open_project(resolve_root(args.project)) as folder:
        project = folder.project
        if not any(ep.number == args.episode for ep in project.episodes):
            raise CliError(f"no episode {args.episode} (the project has {len(project.episodes)})")
        if args.latest:
            suggestion = latest_suggestion(folder.root, args.episode, task)
            if suggestion is None:
                raise CliError(
                    f"no {task.value} suggestions for episode {args.episode} yet: "
                    f"run `studio assist {args.project} {task.value} --episode {args.episode}`"
                )
        else:
            suggestion = _ask(folder, task, args)
        accepted: list[str] = []
        if args.accept:
            only = set(args.shot) if args.shot else None
            accepted = accept_prompts(project, suggestion, only)
            if accepted:
                folder.save()
        _print(project, suggestion, accepted, args)
    return 0


def _ask(folder: Any, task: AssistTask, args: argparse.Namespace) -> Any:
    """Run the request in the worker; the suggestions it wrote."""
    from studio.app.assistant import AssistUnavailable, assist_request, chat_model, read_suggestion
    from studio.cli.running import run_requests
    from studio.engine.models_dir import models_dir
    from studio.engine.registry import scan

    try:
        model = chat_model(scan(models_dir()), args.model)
    except AssistUnavailable as exc:
        raise CliError(str(exc)) from None
    request = failing(
        assist_request,
        folder.project,
        model,
        task,
        args.episode,
        seed=args.seed,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
    )
    made, failures = run_requests(
        folder, [request], lambda recorded: {"file": recorded.item}, quiet=True, persist=False
    )
    if failures or not made:
        raise CliError("; ".join(failures) or "the assistant gave no answer")
    return read_suggestion(folder.root, made[0]["file"])


def _print(project: Any, suggestion: Any, accepted: list[str], args: argparse.Namespace) -> None:
    from studio.app.assistant import prompt_changes

    task = suggestion.task
    if args.json:
        data = suggestion.to_json()
        if task is AssistTask.PROMPTS:
            data["accepted"] = accepted
        print_json(data)
        return
    request = suggestion.request
    print(f"{task.value} for episode {request.episode} by {request.model} "
          f"(seed {request.seed}, template {request.template}) in {suggestion.media}")  # fmt: skip
    if task is AssistTask.PROMPTS:
        for change in prompt_changes(project, suggestion):
            mark = "accepted" if change.shot_id in accepted else "suggested"
            print(f"\nshot {change.number} ({change.shot_id})")
            print(f"  now:       {change.current}")
            print(f"  {mark + ':':<10} {change.suggested}")
        if accepted:
            print(f"\n{len(accepted)} prompt(s) accepted and saved", file=sys.stderr)
    elif task is AssistTask.BEATS:
        starts, at = {}, 0.0
        for shot in request.shots:  # when each shot started as the assistant read them
            starts[shot.number], at = at, at + shot.seconds
        answer = suggestion.answers[0]
        beats = [("hook", answer["hook"]), *(("turn", t) for t in answer["turns"])]
        for kind, beat in [*beats, ("cliffhanger", answer["cliffhanger"])]:
            seconds = starts.get(beat["shot"], 0.0)
            print(f"{kind:<12} {int(seconds // 60)}:{seconds % 60:04.1f}  shot {beat['shot']:<3} "
                  f"{beat['text']}")  # fmt: skip
    else:
        for i, item in enumerate(suggestion.answers[0]["alternatives"], 1):
            print(f"\n{i}. {item['text']}")
