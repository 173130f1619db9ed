"""The app layer's Production, headless as a command uses it: results recorded on the owner's
thread before their job is reported finished, and a close that returns at once, giving the
running job back to the queue (a real worker process, the animatic backend)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from studio.app.planner import Choice, shot_requests
from studio.app.production import Production
from studio.app.results import Recorded
from studio.app.selection import select_shots
from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.store import create_project, open_project
from studio.engine.jobs import EventKind, JobEvent, JobState

SCRIPT = """INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
I'm just here for a delivery.
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    model = Project(title="Glass", width=90, height=160)
    apply_script(model, SCRIPT)
    create_project(tmp_path / "P.mdstudio", model).close()
    (tmp_path / "models").mkdir()
    return tmp_path / "P.mdstudio"


def test_results_are_recorded_before_their_job_finishes(root: Path) -> None:
    with open_project(root) as folder:
        production = Production(folder, root.parent / "models")
        shots = select_shots(folder.project)
        requests = shot_requests(folder.project, shots, Choice(variations=2))
        seen: list[tuple[str, str, int]] = []  # (what, job or take, takes in the project then)

        def listen(event: JobEvent | Recorded) -> None:
            takes = sum(len(s.takes) for s in folder.project.shots())
            if isinstance(event, Recorded):
                seen.append(("recorded", event.item, takes))
            elif event.kind is EventKind.FINISHED and event.job is not None:
                seen.append(("finished", event.job.take_id, takes))

        production.listen(listen)
        jobs = production.submit(requests)
        production.run(jobs)

        assert len(jobs) == 2 * len(shots)
        assert [production.queue.get(j.id).state for j in jobs] == [JobState.DONE] * len(jobs)
        takes = {t.id: t for s in folder.project.shots() for t in s.takes}
        assert len(takes) == len(jobs) and all((root / t.media).is_file() for t in takes.values())
        recorded = [item for what, item, _ in seen if what == "recorded"]
        finished = [item for what, item, _ in seen if what == "finished"]
        assert sorted(recorded) == sorted(finished) == sorted(takes)
        for what, item, count in seen:  # each take is in the project before its job "finishes"
            if what == "finished":
                assert seen.index(("recorded", item, count)) < seen.index((what, item, count))
        on_disk = json.loads((root / "jobs.json").read_text(encoding="utf-8"))
        assert {job["id"] for job in on_disk["jobs"]} == {job.id for job in jobs}


def test_close_returns_at_once_and_gives_the_running_job_back(root: Path) -> None:
    with open_project(root) as folder:
        production = Production(folder, root.parent / "models")
        shots = select_shots(folder.project)
        requests = shot_requests(folder.project, shots[:1], Choice(variations=3))
        started: list[str] = []
        production.listen(
            lambda e: (
                started.append(e.job.id)
                if isinstance(e, JobEvent) and e.kind is EventKind.STARTED and e.job
                else None
            )
        )
        jobs = production.submit(requests)
        production.start()
        deadline = time.monotonic() + 120
        while not started and time.monotonic() < deadline:
            production.deliver()
            time.sleep(0.02)
        assert started, "the first job never started"

        gate = threading.Event()  # the worker's shutdown is held until close has returned
        shut_down = production.executor.stop

        def held_stop(*args: object) -> None:
            gate.wait(10)  # bounded: a close that waited would fail, not hang
            shut_down(*args)

        production.executor.stop = held_stop  # type: ignore[method-assign]
        stopping = production.close()
        assert not stopping.wait(0.1), "close waited for the worker to stop"
        gate.set()

        again = Production(folder, root.parent / "models", after=stopping)  # waits for it
        states = {job.id: job.state for job in again.jobs()}
        done = sum(len(s.takes) for s in folder.project.shots())
        assert set(states) == {job.id for job in jobs}
        assert list(states.values()).count(JobState.QUEUED) == len(jobs) - done, states
        assert JobState.RUNNING not in states.values()
        again.stop()
