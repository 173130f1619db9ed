"""The render farm: a job queue run on Ray actors, one per GPU of a workstation or a cluster
(one per CPU slot where there is no GPU). Implements :class:`studio.engine.executor.Executor`,
so the app and the CLI drive it exactly as they drive the local worker process.

**Start.** :meth:`RayExecutor.start` returns at once; its dispatcher thread connects (a local
Ray with this machine's GPUs, or the cluster at ``address``), starts the workers
(:mod:`studio.engine.farm_slot`; each actor runs the local worker's own code, :mod:`.ray_actor`)
and then claims jobs with ``queue.next_job`` whenever a worker is idle. Which job, and which
worker: :mod:`studio.engine.model_affinity` (a job goes to the worker that already holds its
model). Ray missing: :class:`~studio.engine.ray_cluster.FarmUnavailable` at construction; a
cluster that cannot be reached fails each job with the reason.

**Progress and cancel.** A job's messages stream back from the actor as they are made (a Ray
generator) and reach the queue as the local worker's do. A cancel (``queue.cancel``: its
``changed`` event) is sent to the actor running the job, whose running step stops.

**Faults.** A dead actor fails its job with Ray's reason, retried once by the queue, and is
replaced. The queue stays the single source of truth (``jobs.json``): a head that restarts
opens it again and the jobs that were running are queued again. :meth:`stop` gives running
jobs back to the queue, ends the actors, and shuts Ray down if it started it.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path

from studio.engine.executor import WorkerInfo
from studio.engine.farm_slot import AUTO, OBJECT_STORE, SHARED, FarmSlot, SlotSetup
from studio.engine.jobs import EventKind, JobEvent, JobQueue, JobState
from studio.engine.model_affinity import pick_job, pick_worker
from studio.engine.ray_cluster import (
    INSTALL_HINT,
    FarmUnavailable,
    connect,
    disconnect,
    plan_workers,
    ray_installed,
    require_ray,
)
from studio.engine.worker import WorkerConfig
from studio.engine.worker_messages import OnResult, Outputs, take_outputs

__all__ = ["AUTO", "OBJECT_STORE", "SHARED", "FarmUnavailable", "RayExecutor"]

log = logging.getLogger(__name__)

WAKE_S = 0.5  # the dispatcher looks again at least this often


class RayExecutor:
    """Jobs of ``queue`` run on Ray actors (see the module's notes)."""

    def __init__(
        self,
        queue: JobQueue,
        project_dir: Path,
        on_result: OnResult,
        config: WorkerConfig,
        outputs: Outputs = take_outputs,
        only: Collection[str] | None = None,
        *,
        address: str = "",
        workers: int = 0,
        storage: str = AUTO,
    ) -> None:
        """``address``: a Ray cluster ("" starts a local Ray, unless this process is already
        connected); ``workers``: how many actors (0: one per GPU, else per CPU slot);
        ``storage``: AUTO (each worker is asked whether it sees the project folder), SHARED
        or OBJECT_STORE; ``only``: run none but these jobs."""
        if not ray_installed():
            raise FarmUnavailable(INSTALL_HINT)
        if storage not in (AUTO, SHARED, OBJECT_STORE):
            raise ValueError(f"storage is {AUTO!r}, {SHARED!r} or {OBJECT_STORE!r}: {storage!r}")
        self.queue = queue
        self.project_dir = Path(project_dir)
        self.on_result = on_result
        self.config = config
        self.outputs = outputs
        self.only = None if only is None else frozenset(only)
        self.address = address
        self.requested = workers
        self.storage = storage
        self.error = ""  # the farm could not start: every job fails with this line
        self.notes: list[str] = []  # lines for the user (fewer workers than asked for…)
        self.slots: list[FarmSlot] = []
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._started_ray = False
        self._names = itertools.count()
        self._ready = threading.Event()  # connected and the slots made (or failed to)
        self._idle = threading.Event()  # the dispatcher gives no more jobs (stopping)
        self._released = threading.Event()  # stop() has ended the workers
        self._slots_changed = threading.Condition()

    # --- the Executor protocol -------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._unsubscribe = self.queue.subscribe(self._on_event)
            self._thread = threading.Thread(target=self._dispatch, name="farm-dispatch",
                                            daemon=True)  # fmt: skip
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Take no more jobs; running ones are interrupted and go back to the queue; the actors
        end, and Ray too if this executor started it."""
        self._stopping.set()
        self._wake.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._thread is None:
            return
        deadline = time.monotonic() + timeout
        self._ready.wait(timeout)  # the slots are made (or never will be) by now
        self._idle.wait(max(deadline - time.monotonic(), 0.1))  # no job is given from now on
        for slot in self.slots:
            slot.interrupt()
        for slot in self.slots:
            slot.join(max(deadline - time.monotonic(), 0.1))
        for slot in self.slots:  # a job that would not stop: its actor is killed, it requeues
            slot.kill()
        for slot in self.slots:
            slot.join(5.0)
        self._released.set()  # the dispatcher disconnects from Ray (on the thread that joined)
        self._thread.join(max(deadline - time.monotonic(), 5.0))
        self._thread = None

    def cancel(self, job_id: str) -> None:
        self.queue.cancel(job_id)  # its ``changed`` event reaches the worker running it

    def wake(self) -> None:
        self._wake.set()

    # --- what callers may read -------------------------------------------------------------

    def workers(self) -> list[WorkerInfo]:
        """Every worker the farm has had, with the jobs it ran (a replaced one: not alive)."""
        return [info for slot in self.slots for info in slot.history()]

    def wait_workers(self, timeout: float) -> bool:
        """Wait until every worker has started (or the farm could not start); whether they
        have. Jobs need not wait for this: each goes to the first worker ready."""

        def started() -> bool:
            return bool(self.error) or (self._ready.is_set() and all(s.actor for s in self.slots))

        with self._slots_changed:
            return self._slots_changed.wait_for(started, timeout)

    # --- the dispatcher --------------------------------------------------------------------

    def _dispatch(self) -> None:
        try:
            self._make_slots()
        except FarmUnavailable as exc:
            self.error = str(exc)
        self._ready.set()
        self._slot_changed()
        while not self._stopping.is_set():
            self._wake.clear()  # before looking, so a wake-up while looking is not lost
            try:
                while not self._stopping.is_set() and self._dispatch_one():
                    pass
            except Exception:  # a bug here must not stop the farm: look again soon
                log.exception("the farm's dispatcher failed")
            self._wake.wait(WAKE_S)
        self._idle.set()
        self._released.wait()
        if self._started_ray:  # Ray is left on the thread that started it: it ends faster so
            self._started_ray = False
            disconnect()

    def _make_slots(self) -> None:
        self._started_ray = connect(self.address)
        if self._stopping.is_set():
            return
        count, use_gpu, note = plan_workers(self.requested)
        if note:
            self.notes.append(note)
        head = require_ray().util.get_node_ip_address()
        setup = SlotSetup(self.queue, self.project_dir, self.on_result, self.outputs, self.config,
                          use_gpu, self.storage, self._stopping, self._slot_changed,
                          lambda: f"ray-{next(self._names)}", head)  # fmt: skip
        if self._stopping.is_set():
            return
        self.slots = [FarmSlot(setup) for _ in range(count)]
        for slot in self.slots:
            slot.begin()

    def _dispatch_one(self) -> bool:
        """Give one job to an idle worker; whether one was given (or failed)."""
        broken = self.error or self._start_error()
        if broken:
            job = self.queue.next_job(self.only)
            if job is not None:
                self.queue.failed(job.id, broken)
            return job is not None
        idle = [slot for slot in self.slots if slot.idle]
        if not idle:
            return False
        busy = [slot for slot in self.slots if slot.job is not None]
        waiting = [job for job in self.queue.jobs() if job.state is JobState.QUEUED
                   and (self.only is None or job.id in self.only)]  # fmt: skip
        chosen = pick_job(waiting, idle, busy)
        job = None if chosen is None else self.queue.next_job({chosen})
        if job is None:
            return False
        pick_worker(job, idle).assign(job)
        return True

    def _start_error(self) -> str:
        """Why no worker can run jobs, when none has an actor and every one failed to start."""
        slots = self.slots
        if slots and all(s.actor is None and s.start_error for s in slots):
            return slots[0].start_error
        return ""

    def _slot_changed(self) -> None:
        self._wake.set()
        with self._slots_changed:
            self._slots_changed.notify_all()

    def _on_event(self, event: JobEvent) -> None:
        if event.kind is EventKind.PROGRESS:
            return
        job = event.job
        if event.kind is EventKind.CHANGED and job is not None and job.cancel_requested:
            for slot in self.slots:
                slot.cancel(job.id)
        self._wake.set()
