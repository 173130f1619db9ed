"""One worker of the render farm as the head sees it: its Ray actor (a
:class:`~studio.engine.ray_actor.FarmWorker`), the models it holds warm, the job it runs, and
the thread that starts the actor (again, after it died) and follows each job it is given.

The dispatcher (:mod:`studio.engine.ray_executor`) gives an idle slot a job with
:meth:`FarmSlot.assign`; the slot's thread sends the order, relays the streamed messages to the
queue (:func:`~studio.engine.worker_messages.report`, as the local executor does) and is idle
again. An actor that dies (killed, out of memory, its node lost) fails the job with Ray's reason
and ``retry=True`` (the queue retries it once, on whichever worker is free), and a new actor,
under a new name, takes the slot's place.

**Storage.** When the actor can read a marker file the head writes in the project folder, the
folder is shared: takes are written in place. Otherwise (or when told so) the order carries the
files the job reads and the take comes back through Ray's object store, written here under the
project folder (:mod:`studio.engine.farm_files`).
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.model import new_id
from studio.engine.executor import WorkerInfo
from studio.engine.farm_files import read_inputs, write_outputs
from studio.engine.jobs import Job, JobQueue
from studio.engine.model_affinity import Holding, model_key
from studio.engine.ray_cluster import death_reason, one_line, require_ray
from studio.engine.worker import RunOrder, WorkerConfig
from studio.engine.worker_messages import OnResult, Outputs, planned_outputs, report

START_TIMEOUT_S = 120.0  # importing torch on a cold node is slow
PROBE_TIMEOUT_S = 30.0
RESTART_PAUSE_S = 5.0  # between tries to start an actor that would not start
POLL_S = 0.25  # how often a start looks whether the farm is stopping
AUTO, SHARED, OBJECT_STORE = "auto", "shared", "object store"  # storage: chosen, or found


@dataclass(frozen=True)
class SlotSetup:
    """What every slot of one executor shares."""

    queue: JobQueue
    project_dir: Path
    on_result: OnResult
    outputs: Outputs
    config: WorkerConfig
    use_gpu: bool  # one GPU per actor, else one CPU slot
    storage: str  # AUTO (probe), SHARED or OBJECT_STORE
    stopping: threading.Event
    changed: Callable[[], object]  # wakes the dispatcher: idle again, started, or died
    next_name: Callable[[], str]  # "ray-0", "ray-1", … (a new actor gets a new name)
    head_node: str = ""  # the head's address: a worker there shows no node


class FarmSlot(Holding):
    def __init__(self, setup: SlotSetup) -> None:
        super().__init__(name="")
        self.setup = setup
        self.actor: Any = None
        self.job: Job | None = None  # assigned or running
        self.start_error = ""  # why the last actor would not start
        self.shared = False
        self.device, self.node, self.node_id, self.pid = "", "", "", 0
        self.gpus: tuple[str, ...] = ()
        self.jobs, self.busy_s = 0, 0.0
        self.past: list[WorkerInfo] = []  # the actors this slot had before, dead
        self._assigned = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="farm-slot", daemon=True)

    # --- what the dispatcher and the executor do -------------------------------------------

    def begin(self) -> None:
        self._thread.start()

    @property
    def idle(self) -> bool:
        return self.actor is not None and self.job is None and not self.setup.stopping.is_set()

    def assign(self, job: Job) -> None:
        self.job = job
        self._assigned.set()

    def cancel(self, job_id: str) -> None:
        """Ask the actor to stop ``job_id`` at its next step, if it is this slot's job."""
        job, actor = self.job, self.actor
        if job is not None and job.id == job_id and actor is not None:
            with contextlib.suppress(Exception):
                actor.cancel.remote(job_id)

    def interrupt(self) -> None:
        job = self.job
        if job is not None:
            self.cancel(job.id)

    def kill(self) -> None:
        actor = self.actor
        if actor is not None:
            with contextlib.suppress(Exception):
                require_ray().kill(actor)

    def join(self, timeout: float) -> bool:
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def label(self) -> str:
        """How the worker is shown on a job: "ray-1 (GPU 1)", "ray-0 on 10.0.0.7 (GPU 3)"."""
        where = f" on {self.node}" if self.node and self.node != self.setup.head_node else ""
        device = f"GPU {','.join(self.gpus)}" if self.gpus else "cpu"
        return f"{self.name}{where} ({device})"

    def info(self) -> WorkerInfo:
        storage = (SHARED if self.shared else OBJECT_STORE) if self.name else ""
        return WorkerInfo(self.name, self.device, self.gpus, self.node, storage, self.jobs,
                          self.busy_s, alive=self.actor is not None)  # fmt: skip

    def history(self) -> list[WorkerInfo]:
        """The actors this slot has had, the current one last."""
        return [*self.past, self.info()] if self.name else list(self.past)

    # --- the slot's thread -----------------------------------------------------------------

    def _loop(self) -> None:
        stopping = self.setup.stopping
        while not stopping.is_set():
            if self.actor is None:
                if not self._start():
                    stopping.wait(RESTART_PAUSE_S)
                continue
            if not self._assigned.wait(0.5):
                continue
            self._assigned.clear()
            job = self.job
            if job is None:
                continue
            try:
                self._run(job)
            except Exception as exc:  # a bug here: the job fails in one line, the slot goes on
                self.setup.queue.failed(job.id, f"the farm failed: {one_line(exc)}")
            finally:
                self.job = None
                self.setup.changed()
        if self.job is not None:  # given but never begun: back to the queue
            self.setup.queue.requeue(self.job.id)
            self.job = None

    def _start(self) -> bool:
        ray = require_ray()
        setup = self.setup
        name = setup.next_name()
        resources = {"num_gpus": 1, "num_cpus": 0} if setup.use_gpu else {"num_cpus": 1}
        actor = _remote_class().options(max_concurrency=3, **resources).remote(setup.config)
        try:
            ready = self._await(actor.ready.remote(), START_TIMEOUT_S)
            shared = self._probe(actor)
        except (ray.exceptions.RayError, TimeoutError) as exc:
            with contextlib.suppress(Exception):
                ray.kill(actor)
            self.start_error = f"the farm worker {name} did not start: {death_reason(exc)}"
            setup.changed()
            return False
        if self.name:
            self.past.append(self.info())
            self.jobs, self.busy_s = 0, 0.0
        self.name, self.actor, self.shared, self.start_error = name, actor, shared, ""
        self.pid, self.node, self.device = ready["pid"], ready["node"], ready["device"]
        self.node_id = ready["node_id"]
        self.gpus = tuple(ready["gpus"])
        self.warm.clear()
        setup.changed()
        return True

    def _await(self, ref: Any, timeout: float) -> Any:
        """``ray.get(ref)``, given up (TimeoutError) after ``timeout`` or when the farm stops:
        an actor that cannot be placed (no GPU free, its node gone) waits in Ray meanwhile."""
        ray = require_ray()
        deadline = time.monotonic() + timeout
        while not ray.wait([ref], timeout=POLL_S)[0]:
            if self.setup.stopping.is_set():
                raise TimeoutError("the farm is stopping")
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready within {timeout:.0f} s")
        return ray.get(ref)

    def _probe(self, actor: Any) -> bool:
        """Whether the actor sees the project folder (writes a marker there, asks, removes it)."""
        storage, root = self.setup.storage, self.setup.project_dir
        if storage != AUTO:
            return storage == SHARED
        token = secrets.token_hex(8)
        marker = root / f".farm-probe-{token}"
        try:
            marker.write_text(token, encoding="utf-8")
        except OSError:
            return False
        try:
            return bool(self._await(actor.sees.remote(str(marker), token), PROBE_TIMEOUT_S))
        finally:
            marker.unlink(missing_ok=True)

    def _run(self, job: Job) -> None:
        setup, queue = self.setup, self.setup.queue
        if queue.is_cancel_requested(job.id):
            queue.cancelled(job.id)
            return
        take_id = new_id("tk")
        planned = planned_outputs(queue, job, take_id, setup.outputs, setup.project_dir)
        if planned is None:
            return
        inputs = None
        if not self.shared:
            try:
                inputs = read_inputs(setup.project_dir, job.request)
            except (OSError, ValueError) as exc:
                queue.failed(job.id, f"cannot send the job's files to {self.name}: {exc}")
                return
        order = RunOrder(job.id, job.request.to_json(), str(setup.project_dir), *planned)
        queue.started(job.id, worker=self.label)
        began = time.monotonic()
        try:
            self._follow(job, take_id, order, inputs)
        except Exception as exc:
            if not isinstance(exc, require_ray().exceptions.RayError):
                raise
            self._lost(job, exc)
        finally:
            self.jobs += 1
            self.busy_s += time.monotonic() - began

    def _follow(self, job: Job, take_id: str, order: RunOrder, inputs: Any) -> None:
        """Relay the actor's messages for ``job`` until one ends it."""
        ray, setup = require_ray(), self.setup
        for ref in self.actor.run.remote(order, inputs):
            message = ray.get(ref)
            if message[0] == "done" and len(message) > 3:  # the files came through the store
                try:
                    write_outputs(setup.project_dir, message[3])
                except (OSError, ValueError) as exc:
                    setup.queue.failed(job.id, f"could not write the take: {exc}")
                    return
                message = message[:3]
            if message[0] in ("done", "cancelled"):
                self.ran(model_key(job))
            stopping = setup.stopping.is_set()
            if report(setup.queue, job, take_id, message, setup.on_result, stopping=stopping):
                return
        setup.queue.failed(job.id, f"the farm worker {self.name} sent no result", retry=True)

    def _lost(self, job: Job, exc: BaseException) -> None:
        """The actor died (or Ray lost the job): fail it to be retried once; a new actor
        takes this slot's place."""
        ray = require_ray()
        died = isinstance(exc, ray.exceptions.RayActorError)
        if not died:
            self.kill()  # it may still be busy with the job: start afresh
        self.actor = None
        self.warm.clear()
        if self.setup.stopping.is_set():
            self.setup.queue.requeue(job.id)
        else:
            what = "died" if died else "lost the job"
            line = f"the farm worker {self.name} {what}: {death_reason(exc)}"
            self.setup.queue.failed(job.id, line, retry=True)
        self.setup.changed()


_REMOTE: list[Any] = []  # the actor class, made remote once per process


def _remote_class() -> Any:
    if not _REMOTE:
        from studio.engine.ray_actor import FarmWorker

        _REMOTE.append(require_ray().remote(FarmWorker))
    return _REMOTE[0]
