"""A real worker process fed from a real job queue, for tests that need the whole path: spawn,
pipe, temporary names, cancel, results. ``Harness(tmp, models_dir, backends)``; stop it with
``harness.executor.stop()`` (the fixtures that build one do). ``Harness(..., executor=RayExecutor,
workers=2)`` runs the same queue on the Ray farm instead (keywords go to the executor)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from studio.engine.jobs import EventKind, JobQueue, JobState
from studio.engine.process_executor import ProcessExecutor
from studio.engine.worker import WorkerConfig

WAIT_S = 150


class Harness:
    def __init__(
        self,
        root: Path,
        models_dir: Path,
        backends: dict[str, str],
        executor: Any = ProcessExecutor,
        queue: JobQueue | None = None,
        **options: Any,
    ) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.queue = JobQueue() if queue is None else queue
        self.results: dict[str, tuple[str, Any]] = {}
        self.events: list[Any] = []
        self.progressed = threading.Event()
        self.queue.subscribe(self._event)
        config = WorkerConfig(models_dir=str(models_dir), backends=backends)
        self.executor = executor(self.queue, self.root, self._record, config, **options)

    def _event(self, event: Any) -> None:
        self.events.append(event)
        if event.kind is EventKind.PROGRESS:
            self.progressed.set()

    def _record(self, job: Any, take_id: str, result: Any) -> None:
        self.results[job.id] = (take_id, result)

    def submit(self, request: Any) -> Any:
        job = self.queue.submit(request)
        self.executor.start()
        self.executor.wake()
        return job

    def wait_until(self, job_id: str, *states: JobState, timeout: float = WAIT_S) -> None:
        done = threading.Event()

        def check(_event: Any = None) -> None:
            job = self.queue.get(job_id)
            if job is not None and job.state in states:
                done.set()

        unsubscribe = self.queue.subscribe(check)
        check()
        try:
            assert done.wait(timeout), f"{job_id} stuck in {self.queue.get(job_id).state}"
        finally:
            unsubscribe()

    def progress_of(self, job_id: str) -> list[tuple[int, int]]:
        """(step, total) of each progress event of the job, in order."""
        return [(e.step, e.total) for e in self.events
                if e.kind is EventKind.PROGRESS and e.job.id == job_id]  # fmt: skip

    def run(self, request: Any, state: JobState = JobState.DONE) -> Any:
        """Submit ``request``, wait for ``state``, return the job as the queue has it then."""
        job = self.submit(request)
        self.wait_until(job.id, state, *({JobState.DONE, JobState.FAILED} - {state}))
        finished = self.queue.get(job.id)
        assert finished.state is state, finished.error
        return finished
