"""``studio generate P --shot X`` runs that shot's jobs only: jobs left queued in jobs.json (by
the window, or a stopped run) stay queued, with one line saying so, until ``--queued`` runs them.
Run as a user runs it; the leftover jobs are made through the real queue API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core.request import ImageRequest
from studio.engine.jobs import JobQueue, JobState

pytestmark = pytest.mark.slow

SCRIPT = """Title: Queue

INT. LOBBY - NIGHT

Rain.

EXT. ROOF - LATER

Wind.

INT. CAR - LATER

Silence.
"""


def studio(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("STUDIO_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def small(shot: str, seed: int) -> ImageRequest:
    return ImageRequest(shot_id=shot, seed=seed, width=64, height=112, frames=5)


def states(root: Path) -> dict[str, str]:
    return {job.id: job.state.value for job in JobQueue.open(root).jobs()}


def test_leftover_jobs_are_reported_not_run_until_asked(tmp_path: Path) -> None:
    script = tmp_path / "queue.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    assert studio("new", tmp_path / "Queue", "--script", script).returncode == 0
    root = tmp_path / "Queue.mdstudio"
    shots = [s["id"] for s in json.loads(studio("shots", root, "--json").stdout)]
    first, others = shots[0], shots[1:]
    leftover = JobQueue.open(root).submit_many([small(s, i) for i, s in enumerate(others)])

    asked = studio("generate", root, "--shot", first, "--json")
    assert asked.returncode == 0, asked.stderr
    made = json.loads(asked.stdout)
    assert [t["shot"] for t in made] == [first]
    assert asked.stderr.strip().splitlines() == [
        f"studio: note: 2 other jobs are queued in jobs.json and not run now; "
        f"`studio generate {root} --queued` runs them"
    ]
    after = states(root)
    assert [after[job.id] for job in leftover] == ["queued", "queued"]

    queued = studio("generate", root, "--queued", "--json")
    assert queued.returncode == 0, queued.stderr
    assert sorted(t["shot"] for t in json.loads(queued.stdout)) == sorted(others)
    assert queued.stderr.strip() == "", queued.stderr
    assert all(state == JobState.DONE.value for state in states(root).values())
    takes = json.loads(studio("takes", root, "--json").stdout)
    assert sorted({t["shot"] for t in takes}) == sorted(shots)

    again = studio("generate", root, "--queued")
    assert again.returncode == 0 and "no jobs are queued" in again.stderr
    mixed = studio("generate", root, "--queued", "--shot", first)
    assert mixed.returncode == 1
    assert mixed.stderr.strip().splitlines() == [
        "studio: error: --queued runs the jobs already in jobs.json: give no other options"
    ]
