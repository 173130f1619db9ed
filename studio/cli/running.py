"""Running jobs from a command: the project's :class:`~studio.app.production.Production` (on
the local worker or the Ray farm), with a status line per worker on stderr, each result saved as
it is recorded, one line per failed job and a summary (:mod:`studio.cli.job_progress`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from studio.app.executors import ExecutorChoice
from studio.app.production import Production
from studio.app.results import Recorded
from studio.cli.common import CliError, print_json, warn
from studio.cli.job_progress import JobProgress, summary_lines
from studio.core.request import Request
from studio.core.targets import ShotTarget
from studio.engine.jobs import Job, JobEvent, JobState

# What a command prints for one recorded result (on the main thread; saved after it).
Describe = Callable[[Recorded], dict[str, Any]]


def run_requests(
    folder: Any,
    requests: Sequence[Request],
    describe: Describe,
    *,
    quiet: bool,
    persist: bool = True,
    executor: ExecutorChoice | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Queue ``requests`` in the project's ``jobs.json`` (in memory only without ``persist``)
    and run them (only them: other jobs queued there are left alone, and a note says how to
    run them) on ``executor`` (default: the local worker)."""
    if not requests:
        return [], []
    production = _production(folder, persist, executor)
    _warn_problems(production)
    others = len(production.waiting())
    jobs = production.submit(requests)
    if others:
        many = others != 1
        print(
            f"studio: note: {others} other job{'s' * many} {'are' if many else 'is'} queued in "
            f"jobs.json and not run now; `studio generate {folder.root} --queued` runs them",
            file=sys.stderr,
        )
    return run_jobs(folder, production, jobs, describe, quiet=quiet)


def run_queued(
    folder: Any, describe: Describe, *, quiet: bool, executor: ExecutorChoice | None = None
) -> tuple[list[dict], list[str]]:
    """Run the jobs left queued in ``jobs.json`` (takes, voices, references: any kind)."""
    production = _production(folder, True, executor)
    _warn_problems(production)
    waiting = set(production.waiting())
    jobs = [job for job in production.jobs() if job.id in waiting]
    if not jobs:
        print("no jobs are queued in jobs.json", file=sys.stderr)
        production.stop()
        return [], []
    return run_jobs(folder, production, jobs, describe, quiet=quiet)


def run_jobs(
    folder: Any, production: Production, jobs: list[Job], describe: Describe, *, quiet: bool
) -> tuple[list[dict[str, Any]], list[str]]:
    made: list[dict[str, Any]] = []
    progress = JobProgress(len(jobs), quiet)
    ids = {job.id for job in jobs}

    def on_event(event: JobEvent | Recorded) -> None:
        if isinstance(event, Recorded):
            for note in event.notes:
                warn(note)
            made.append(describe(event))  # it may change the project too (approve a take)
            folder.save()
        elif event.job is not None and event.job.id in ids:
            progress.show(event)

    production.listen(on_event)
    began = time.monotonic()
    try:
        production.run(jobs)
    finally:
        progress.end()
    queue = production.queue
    failures = [
        f"{_target(queue.get(i))}: {queue.get(i).error}"
        for i in (job.id for job in jobs)
        if queue.get(i).state is JobState.FAILED
    ]
    if not quiet:
        executor = production.executor
        notes = list(getattr(executor, "notes", []))
        wall = time.monotonic() - began
        lines = summary_lines(len(made), len(failures), executor.workers(), wall, notes)
        print("\n".join(lines), file=sys.stderr)
    return made, failures


def report(made: list[dict], failures: list[str], summary: str, as_json: bool) -> int:
    """Print what was made (``--json``: the records; else ``summary``, where ``{n}`` is their
    count and ``{s}`` a plural s) and the failures; the exit status."""
    if as_json:
        print_json(made)
    else:
        print(summary.format(n=len(made), s="s" * (len(made) != 1)), file=sys.stderr)
    for line in failures:
        print(f"studio: error: {line}", file=sys.stderr)
    return 1 if failures else 0


def _target(job: Job) -> str:
    target = job.request.target
    return f"shot {target.shot_id}" if isinstance(target, ShotTarget) else target.label


def _production(folder: Any, persist: bool, executor: ExecutorChoice | None) -> Production:
    from studio.engine.ray_cluster import FarmUnavailable

    try:
        return Production(folder, persist=persist, executor=executor)
    except FarmUnavailable as exc:
        raise CliError(str(exc)) from None


def _warn_problems(production: Production) -> None:
    for problem in production.problems:
        warn(problem)
