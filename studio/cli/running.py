"""Running jobs from a command: the project's :class:`~studio.app.production.Production`, with a
status line on stderr, each result saved as it is recorded, and one line per failed job."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from studio.app.production import ENDINGS, Production
from studio.app.results import Recorded
from studio.cli.common import print_json, warn
from studio.core.request import Request
from studio.engine.jobs import EventKind, Job, JobEvent, JobState

# What a command prints for one recorded result (on the main thread; saved after it).
Describe = Callable[[Recorded], dict[str, Any]]


def run_requests(
    folder: Any,
    requests: Sequence[Request],
    describe: Describe,
    *,
    quiet: bool,
    persist: bool = True,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Queue ``requests`` in the project's ``jobs.json`` (in memory only without ``persist``)
    and run them (only them: other jobs queued there are left alone, and a note says how to
    run them)."""
    if not requests:
        return [], []
    production = Production(folder, persist=persist)
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


def run_queued(folder: Any, describe: Describe, *, quiet: bool) -> tuple[list[dict], list[str]]:
    """Run the jobs left queued in ``jobs.json`` (takes, voices, references: any kind)."""
    production = Production(folder)
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
    progress = _Progress(len(jobs), quiet)
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
    return f"shot {job.request.shot_id}"


def _warn_problems(production: Production) -> None:
    for problem in production.problems:
        warn(problem)


class _Progress:
    """One status line on stderr: ``[3/10] sh-1a2b3c4d  step 2/5``."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total = total
        self.done = 0
        self.live = sys.stderr.isatty() and not quiet
        self.quiet = quiet

    def show(self, event: JobEvent) -> None:
        kind = event.kind
        if kind in ENDINGS:
            self.done += 1
        if self.quiet or event.job is None:
            return
        line = f"[{self.done}/{self.total}] {event.job.request.shot_id}"
        if kind is EventKind.PROGRESS and event.total:
            line += f"  step {event.step}/{event.total}"
        elif kind in (EventKind.FAILED, EventKind.CANCELLED):
            line += f"  {kind.value}: {event.error or ''}".rstrip()
        if self.live:
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()
        elif kind in ENDINGS:
            print(line, file=sys.stderr)

    def end(self) -> None:
        if self.live:
            sys.stderr.write("\n")
