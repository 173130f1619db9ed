"""Runs a job queue in a worker process that owns one device.

The worker is spawned (never forked: CUDA and Qt do not survive a fork), kept alive between jobs
so pipelines stay warm, and replaced when it dies. A job whose worker died (OOM kill, segfault,
SIGKILL) is reported failed with the reason and retried once by the queue; the rest of the
queue goes on with a fresh worker. Implements :class:`studio.engine.executor.Executor`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from studio.core.model import new_id
from studio.engine.crash_log import failure_line
from studio.engine.executor import WorkerInfo
from studio.engine.jobs import Job, JobQueue
from studio.engine.worker import RunOrder, WorkerConfig, worker_main
from studio.engine.worker_messages import (
    NotRecorded,
    OnResult,
    Outputs,
    planned_outputs,
    report,
    take_outputs,
)

__all__ = ["NotRecorded", "OnResult", "Outputs", "ProcessExecutor", "take_outputs"]

START_TIMEOUT_S = 120.0  # importing torch on a cold disk is slow
POLL_S = 0.05
WORKER_NAME = "local"  # the name a job's ``worker`` shows


class WorkerDied(Exception):
    pass


class ProcessExecutor:
    """One worker process for one device, fed from ``queue`` by a background thread."""

    def __init__(
        self,
        queue: JobQueue,
        project_dir: Path,
        on_result: OnResult,
        config: WorkerConfig,
        outputs: Outputs = take_outputs,
        only: Collection[str] | None = None,
    ) -> None:
        """``only``: run none but these jobs (the CLI's own), leaving others queued."""
        self.queue = queue
        self.only = None if only is None else frozenset(only)
        self.project_dir = Path(project_dir)
        self.on_result = on_result
        self.config = config
        self.outputs = outputs
        self._mp = multiprocessing.get_context("spawn")
        self._cancel = self._mp.Event()
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._process: Any = None
        self._conn: Any = None
        self._current = ""
        self.device = ""  # the worker's device, once it said "ready"
        self._jobs = 0  # attempts run to an end, and the seconds they took
        self._busy_s = 0.0

    # --- the Executor protocol -------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="worker-feed", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Take no more jobs, interrupt the running one (it goes back to the queue) and shut
        the worker down."""
        self._stopping.set()
        self._cancel.set()
        self._wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._shutdown_worker(timeout)

    def cancel(self, job_id: str) -> None:
        if job_id == self._current:
            self._cancel.set()
        self.queue.cancel(job_id)

    def wake(self) -> None:
        self._wakeup.set()

    def workers(self) -> list[WorkerInfo]:
        """The one worker, and the jobs it ran."""
        gpu = (str(self.config.device_index),) if self.device.startswith("cuda") else ()
        alive = self.worker_pid is not None
        return [WorkerInfo(WORKER_NAME, self.device, gpu, jobs=self._jobs, busy_s=self._busy_s,
                           alive=alive)]  # fmt: skip

    @property
    def worker_pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    # --- the feeding thread ----------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping.is_set():
            job = self.queue.next_job(self.only)
            if job is None:
                self._wakeup.wait(0.5)
                self._wakeup.clear()
                continue
            try:
                self._run(job)
            except Exception as exc:  # a bug here: the job fails in one line, the queue goes on
                self._current = ""
                self._drop_worker()  # it may still be busy with the job: start afresh
                self.queue.failed(job.id, failure_line(exc), retry=False)

    def _run(self, job: Job) -> None:
        take_id = new_id("tk")
        planned = planned_outputs(self.queue, job, take_id, self.outputs, self.project_dir)
        if planned is None:
            return
        media, keyframe = planned
        order = RunOrder(job.id, job.request.to_json(), str(self.project_dir), media, keyframe)
        self._cancel.clear()
        self._current = job.id
        began = 0.0
        try:
            conn = self._ensure_worker()
            conn.send(("run", order))
            began = time.monotonic()
            self.queue.started(job.id, worker=f"{WORKER_NAME} ({self.device.split(' ')[0]})")
            self._follow(job, take_id, conn)
        except WorkerDied as exc:
            self._forget_worker()
            self.queue.failed(job.id, f"the generation worker {exc}", retry=True)
        finally:
            self._current = ""
            if began:
                self._jobs += 1
                self._busy_s += time.monotonic() - began

    def _follow(self, job: Job, take_id: str, conn: Any) -> None:
        """Relay the worker's messages for ``job`` until it ends one way or another."""
        while True:
            message = self._receive(conn)
            if message is None:
                if self._wants_cancel(job.id):
                    self._cancel.set()
                continue
            stopping = self._stopping.is_set()
            if report(self.queue, job, take_id, message, self.on_result, stopping=stopping):
                return

    def _receive(self, conn: Any) -> Any:
        """The next message, None after a quiet poll; WorkerDied when the worker is gone."""
        try:
            if conn.poll(POLL_S):
                return conn.recv()
        except (EOFError, OSError):
            raise WorkerDied(self._death()) from None
        if not self._process.is_alive():
            raise WorkerDied(self._death())
        return None

    def _wants_cancel(self, job_id: str) -> bool:
        return self._stopping.is_set() or self.queue.is_cancel_requested(job_id)

    # --- the worker process ----------------------------------------------------------------

    def _ensure_worker(self) -> Any:
        if self._process is not None and self._process.is_alive():
            return self._conn
        self._forget_worker()
        parent, child = self._mp.Pipe()
        process = self._mp.Process(
            target=worker_main,
            args=(child, self._cancel, self.config),
            name=f"studio-worker-{self.config.device_index}",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        if not parent.poll(START_TIMEOUT_S):
            process.kill()
            raise WorkerDied(f"did not start within {START_TIMEOUT_S:.0f} s")
        try:
            message = parent.recv()
        except (EOFError, OSError):
            raise WorkerDied(self._death()) from None
        self.device = message[1]
        return parent

    def _death(self) -> str:
        process = self._process
        process.join(2.0)
        code = process.exitcode
        if code is None:
            return "stopped answering"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            hint = " (out of memory?)" if -code == signal.SIGKILL else ""
            return f"was killed by {name}{hint}"
        return f"exited with status {code}"

    def _drop_worker(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5.0)
        self._forget_worker()

    def _forget_worker(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None

    def _shutdown_worker(self, timeout: float) -> None:
        process, conn = self._process, self._conn
        if process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            conn.send(("stop",))
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(timeout)
        self._forget_worker()
