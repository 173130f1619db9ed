"""``jobs.json``: a project's job queue on disk, one job a line. No Qt, no torch.

::

    {"schema": "micro-drama-studio.jobs", "version": 1, "saved": "...", "paused": false,
    "jobs": [
      {"id": "jb-0123abcd", "state": "queued", "priority": 0, ..., "request": {...}},
      ...
    ]}

The jobs are listed in the queue's manual order. :func:`read` never raises for a bad file: a
damaged file or one of an unknown version is moved aside as ``jobs.json.broken-<time>`` (the
queue starts empty), and a file with some damaged jobs is copied there and the rest read; each
with a line in ``problems``. :func:`prune` picks the done and cancelled jobs beyond the newest
``keep_finished`` to drop on open. :class:`Job` and :class:`JobState` live here, with the code
that reads and writes them; :mod:`studio.engine.jobs` (the queue) imports them from here.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import Any

from studio.core import jsonread as jr
from studio.core.atomic import describe, write_atomic
from studio.core.request import Request, request_from_json
from studio.engine.request_checks import check_request

JOBS_FILE = "jobs.json"
SCHEMA_NAME = "micro-drama-studio.jobs"
SCHEMA_VERSION = 1
KEEP_FINISHED = 200  # done and cancelled jobs kept on open; failed jobs are always kept
_SAVED: tuple[tuple[str, type, Any], ...] = (  # besides id, state and request: name, type, default
    ("priority", int, 0),
    ("attempts", int, 0),
    ("error", str, ""),
    ("take_id", str, ""),
    ("created", str, ""),
    ("started", str, ""),
    ("finished", str, ""),
    ("retry_of", str, ""),
    ("cancel_requested", bool, False),
    ("worker", str, ""),
)
MAX_WORKER = 120  # characters of a worker's name read back


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"  # held by the user: keeps its place, never started until released
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class Job:
    id: str  # "jb-" + 8 hex digits
    request: Request
    priority: int = 0  # higher runs first
    state: JobState = JobState.QUEUED
    attempts: int = 0  # times it was started
    error: str = ""  # one line: why the last attempt failed
    take_id: str = ""  # set when done
    created: str = ""  # ISO 8601 UTC
    started: str = ""
    finished: str = ""
    retry_of: str = ""  # the failed or cancelled job this one retries
    cancel_requested: bool = False  # running: the executor was asked to stop it
    progress: tuple[int, int] | None = None  # (step, total) while running; not saved
    worker: str = ""  # who runs (ran) it: "local (cuda:0)", "ray-1 (GPU 1)"


@dataclass(slots=True)
class Loaded:
    """What :func:`read` found."""

    jobs: list[tuple[Job, str]] = field(default_factory=list)  # in order, with request text
    paused: bool = False
    problems: list[str] = field(default_factory=list)  # one line each, for the user
    left_out: int = 0  # damaged jobs not read: the file should be written again
    writable: bool = True  # False: never write the file (unreadable, or not kept aside)


def read(path: Path) -> Loaded:
    """The jobs saved at ``path``, none if it is missing; never raises for a bad file."""
    loaded = Loaded()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return loaded
    except OSError as exc:
        loaded.problems.append(f"cannot read {path}: {describe(exc)}; jobs are not saved")
        loaded.writable = False
        return loaded
    try:
        doc = jr.obj(json.loads(data, parse_constant=_not_a_number), JOBS_FILE)
        rows = _check_header(doc)
    except (ValueError, RecursionError) as exc:
        kept = _keep_aside(path, loaded, move=True)
        loaded.problems.append(f"{path} is damaged ({exc}); {kept}; the job queue starts empty")
        return loaded
    bad: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(rows):
        try:
            job, text = _job_from_json(raw, f"jobs[{i}]")
            if job.id in seen:
                raise jr.SchemaError(f"jobs[{i}].id: {job.id!r} appears twice")
        except (ValueError, TypeError, RecursionError) as exc:
            bad.append(str(exc))
            continue
        seen.add(job.id)
        loaded.jobs.append((job, text))
    if bad:
        kept = _keep_aside(path, loaded, move=False)
        loaded.problems.append(f"{path}: left out {len(bad)} damaged job(s) ({bad[0]}); {kept}")
    loaded.left_out = len(bad)
    loaded.paused = doc.get("paused") is True
    return loaded


def prune(jobs: Iterable[Job], keep_finished: int) -> list[Job]:
    """The done and cancelled jobs to drop: all but the newest ``keep_finished`` (by finish
    time). Failed jobs are always kept."""
    ended = [j for j in jobs if j.state in (JobState.DONE, JobState.CANCELLED)]
    ended.sort(key=attrgetter("finished"))
    return ended[: max(len(ended) - max(keep_finished, 0), 0)]  # the oldest


def save(path: Path, rows: list[tuple[dict[str, Any], str]], paused: bool) -> None:
    """Write the file atomically from ``(row(job), request text)`` pairs in the queue's order;
    raises OSError with the old file intact."""
    write_atomic(path, _encode(rows, paused))


def row(job: Job) -> dict[str, Any]:
    """The saved fields of ``job`` but its request (kept as text, encoded once)."""
    saved = {"id": job.id, "state": job.state.value}
    saved.update((name, getattr(job, name)) for name, _, _ in _SAVED)
    return saved


def request_text(request: Request) -> str:
    """``request`` as the JSON text saved in the file."""
    return _dumps(request.to_json())


def now() -> str:
    """The time as the file keeps it: ISO 8601, UTC, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _check_header(doc: dict[str, Any]) -> list[Any]:
    if doc.get("schema") != SCHEMA_NAME:
        raise jr.SchemaError(f"schema is {doc.get('schema')!r}, not {SCHEMA_NAME!r}")
    version = doc.get("version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise jr.SchemaError(f"unknown version {version!r}; this one reads {SCHEMA_VERSION}")
    return jr.lst(doc.get("jobs"), "jobs")


def _job_from_json(raw: Any, where: str) -> tuple[Job, str]:
    d = jr.obj(raw, where)
    request = request_from_json(d.get("request"), f"{where}.request")
    check_request(request, f"{where}.request")  # its shot id names the folder written into
    values: dict[str, Any] = {"id": jr.field(d, "id", str, where)}
    values["state"] = jr.choice(d, "state", JobState, where)
    for name, kind, default in _SAVED:
        values[name] = jr.field(d, name, kind, where, default)
    values["worker"] = values["worker"][:MAX_WORKER]
    return Job(request=request, **values), request_text(request)


def _keep_aside(path: Path, loaded: Loaded, *, move: bool) -> str:
    """Keep a damaged file as ``jobs.json.broken-<time>``; returns a phrase for the user."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside, n = path.with_name(f"{path.name}.broken-{stamp}"), 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.broken-{stamp}-{n}")
    try:
        if move:
            os.replace(path, aside)
        else:
            shutil.copy2(path, aside)
    except OSError as exc:
        loaded.writable = False  # never write over a file that could not be kept
        return f"it could not be kept aside ({describe(exc)}), so jobs are not saved"
    return f"the file is kept as {aside.name}"


def _encode(rows: list[tuple[dict[str, Any], str]], paused: bool) -> bytes:
    head = {"schema": SCHEMA_NAME, "version": SCHEMA_VERSION, "saved": now(), "paused": paused}
    lines = [f'{_dumps(fields)[:-1]}, "request": {request}}}' for fields, request in rows]
    body = ",\n".join(f"  {line}" for line in lines)
    jobs = f"[\n{body}\n]" if lines else "[]"
    return f'{_dumps(head)[:-1]},\n"jobs": {jobs}}}\n'.encode()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, allow_nan=False)


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")
