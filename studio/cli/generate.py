"""``studio generate``: queue generation jobs for shots and run them headless in the worker."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from typing import Any

from studio.cli.common import CliError, add_command, print_json, select_shots
from studio.core.kinds import ANIMATIC_MODEL, PICTURE_BACKENDS, Backend, ModelKind

ENDINGS = ("finished", "failed", "cancelled")  # the event kinds that end a job


def register(sub: Any) -> None:
    register_generate(sub)
    register_regenerate(sub)


def register_generate(sub: Any) -> None:
    p = add_command(sub, "generate", cmd_generate, "generate takes for shots in the background")
    p.add_argument("project", help="project folder")
    p.add_argument("--episode", type=int, metavar="N", help="only episode N")
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


def register_regenerate(sub: Any) -> None:
    p = add_command(sub, "regenerate", cmd_regenerate, "make a take again from its own request")
    p.add_argument("project", help="project folder")
    p.add_argument("take", help="take id (see `studio takes`)")
    p.add_argument("--seed", type=int, help="a new seed (default: the take's, same pixels)")
    p.add_argument("--prompt", help="a new prompt")
    p.add_argument("--steps", type=int, help="a new step count")
    p.add_argument("--json", action="store_true", help="print the take made as JSON")


def cmd_regenerate(args: argparse.Namespace) -> int:
    from studio.core.jsonread import SchemaError
    from studio.core.store import open_project, resolve_root
    from studio.engine.planning import regenerate

    changes = {k: getattr(args, k) for k in ("seed", "prompt", "steps")}
    changes = {k: v for k, v in changes.items() if v is not None}
    with open_project(resolve_root(args.project)) as folder:
        take = next((t for s in folder.project.shots() for t in s.takes if t.id == args.take), None)
        if take is None:
            raise CliError(f"no take {args.take} in this project (see `studio takes`)")
        try:
            request = regenerate(take.request, **changes)
        except (SchemaError, ValueError) as exc:
            raise CliError(f"take {take.id} cannot be regenerated: {exc}") from None
        made, failures = run_requests(folder, [request], quiet=args.json)
    if args.json:
        print_json(made)
    for line in failures:
        print(f"studio: error: {line}", file=sys.stderr)
    return 1 if failures else 0


def cmd_generate(args: argparse.Namespace) -> int:
    from studio.core.store import open_project, resolve_root
    from studio.engine.planning import GenerationSettings, plan

    if args.queued:
        return _generate_queued(args)
    if args.variations < 1:
        raise CliError("--variations must be at least 1")
    diffusers = args.model and args.model != ANIMATIC_MODEL
    backend = args.backend or (Backend.DIFFUSERS if diffusers else Backend.ANIMATIC)
    registry = None
    model = args.model or ANIMATIC_MODEL
    if backend == Backend.DIFFUSERS:
        from studio.app.models import scan_models as scan
        from studio.engine.models_dir import models_dir

        registry = scan(models_dir())
        model = args.model or _default_model(registry)
    settings = GenerationSettings(
        backend, model, args.seed, args.variations, args.steps, args.size, args.ip_adapter
    )
    with open_project(resolve_root(args.project)) as folder:
        shots = select_shots(folder.project, args.episode, args.shot)
        try:
            requests = plan(folder.project, shots, settings, registry)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        made, failures = run_requests(folder, requests, quiet=args.json)
    return _report(made, failures, args.json)


def _generate_queued(args: argparse.Namespace) -> int:
    from studio.core.store import open_project, resolve_root

    planned = [args.shot, args.episode, args.model, args.backend, args.seed, args.steps, args.size]
    if any(v is not None for v in planned) or args.ip_adapter or args.variations != 1:
        raise CliError("--queued runs the jobs already in jobs.json: give no other options")
    with open_project(resolve_root(args.project)) as folder:
        made, failures = run_queued(folder, quiet=args.json)
    return _report(made, failures, args.json)


def _report(made: list[dict], failures: list[str], as_json: bool) -> int:
    if as_json:
        print_json(made)
    else:
        print(f"{len(made)} take{'s' * (len(made) != 1)} made", file=sys.stderr)
    for line in failures:
        print(f"studio: error: {line}", file=sys.stderr)
    return 1 if failures else 0


def _record_take(folder: Any, job: Any, take_id: str, result: Any) -> dict[str, Any]:
    from studio.core.take_record import record_take

    take = record_take(folder.project, job.request, take_id, result)
    folder.save()
    return {
        "id": take.id,
        "shot": job.request.shot_id,
        "path": take.media,
        "request": take.request_json(),
    }


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (use WIDTHxHEIGHT)") from None
    if width <= 0 or height <= 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return width, height


def _default_model(registry: Any) -> str:
    for entry in registry.of_kind(ModelKind.TEXT_TO_IMAGE):
        if not entry.problems:
            return entry.name
    raise CliError(
        "no image model is installed: see `studio models list` and `studio models import`"
    )


def run_requests(
    folder: Any,
    requests: list[Any],
    *,
    quiet: bool,
    record: Callable[[Any, str, Any], dict[str, Any]] | None = None,
    outputs: Any = None,
    persist: bool = True,
) -> tuple[list[dict], list[str]]:
    """Run ``requests`` through the job queue and a worker process. Each result goes to
    ``record`` (default: a new take of its shot, saved at once), whose dicts are returned with
    one line per failed job. ``persist``: the jobs live in the project's ``jobs.json``; jobs
    already queued there are left alone (one line says so: ``studio generate P --queued``)."""
    from studio.engine.jobs import JobQueue
    from studio.engine.process_executor import take_outputs

    if not requests:
        return [], []
    queue = JobQueue.open(folder.root) if persist else JobQueue()
    _warn_problems(queue)
    others = len(_queued_ids(queue))
    jobs = queue.submit_many(requests, priority=0)
    if others:
        many = others != 1
        print(
            f"studio: note: {others} other job{'s' * many} {'are' if many else 'is'} queued in "
            f"jobs.json and not run now; `studio generate {folder.root} --queued` runs them",
            file=sys.stderr,
        )
    keep = record or (lambda job, take_id, result: _record_take(folder, job, take_id, result))
    ids = [job.id for job in jobs]
    return run_jobs(folder, queue, ids, quiet=quiet, record=keep, outputs=outputs or take_outputs)


def run_queued(folder: Any, *, quiet: bool) -> tuple[list[dict], list[str]]:
    """Run the jobs left queued in the project's ``jobs.json`` (any kind: takes, voices,
    character references), each recorded as the window records it."""
    from studio.app.results import job_outputs, record_result
    from studio.engine.jobs import JobQueue

    queue = JobQueue.open(folder.root)
    _warn_problems(queue)
    ids = _queued_ids(queue)
    if not ids:
        print("no jobs are queued in jobs.json", file=sys.stderr)
        return [], []

    def record(job: Any, take_id: str, result: Any) -> dict[str, Any]:
        recorded = record_result(folder, job, take_id, result)
        folder.save()
        return {"what": recorded.what, "shot": recorded.shot_id, "id": recorded.item}

    return run_jobs(folder, queue, ids, quiet=quiet, record=record, outputs=job_outputs(folder))


def run_jobs(
    folder: Any,
    queue: Any,
    ids: list[str],
    *,
    quiet: bool,
    record: Callable[[Any, str, Any], dict[str, Any]],
    outputs: Any,
) -> tuple[list[dict], list[str]]:
    """Run the jobs ``ids`` of ``queue`` (and no other) in a worker process until each ends."""
    from studio.app.models import worker_config
    from studio.engine.process_executor import ProcessExecutor

    lock = threading.Lock()
    made: list[dict[str, Any]] = []

    def on_result(job: Any, take_id: str, result: Any) -> None:
        with lock:
            made.append(record(job, take_id, result))

    pending = set(ids)
    progress = _Progress(len(ids), quiet)
    all_done = threading.Event()

    def on_event(event: Any) -> None:
        if event.job is None or event.job.id not in ids:
            return
        progress.show(event)
        if event.kind.value in ENDINGS:
            pending.discard(event.job.id)  # a failure that is retried comes as "queued"
            if not pending:
                all_done.set()

    unsubscribe = queue.subscribe(on_event)
    config = worker_config()
    executor = ProcessExecutor(queue, folder.root, on_result, config, outputs, only=ids)
    executor.start()
    executor.wake()
    try:
        while not all_done.wait(0.2):
            pass
    finally:
        executor.stop()
        unsubscribe()
        progress.end()
    failures = [
        f"shot {queue.get(i).request.shot_id}: {queue.get(i).error}"
        for i in ids
        if queue.get(i).state.value == "failed"
    ]
    return made, failures


def _queued_ids(queue: Any) -> list[str]:
    return [job.id for job in queue.jobs() if job.state.value == "queued"]


def _warn_problems(queue: Any) -> None:
    for problem in queue.problems:
        print(f"studio: warning: {problem}", file=sys.stderr)


class _Progress:
    """One status line on stderr: ``[3/10] sh-1a2b3c4d  step 2/5``."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total = total
        self.done = 0
        self.live = sys.stderr.isatty() and not quiet
        self.quiet = quiet

    def show(self, event: Any) -> None:
        kind = event.kind.value
        if kind in ENDINGS:
            self.done += 1
        if self.quiet or event.job is None:
            return
        shot = event.job.request.target.label
        line = f"[{self.done}/{self.total}] {shot}"
        if kind == "progress" and event.total:
            line += f"  step {event.step}/{event.total}"
        elif kind in ("failed", "cancelled"):
            line += f"  {kind}: {event.error or ''}".rstrip()
        if self.live:
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()
        elif kind in ENDINGS:
            print(line, file=sys.stderr)

    def end(self) -> None:
        if self.live:
            sys.stderr.write("\n")
