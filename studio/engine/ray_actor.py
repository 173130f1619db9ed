"""One render-farm worker: a Ray actor that runs orders with the local worker's own
:class:`~studio.engine.worker.Runner`, so a job makes the same pixels here as on this machine.

:mod:`studio.engine.ray_executor` starts it as ``ray.remote(FarmWorker)`` with one GPU (Ray
sets its ``CUDA_VISIBLE_DEVICES``, so the runner's device 0 is that GPU) or one CPU slot, and
``max_concurrency=3``: while :meth:`FarmWorker.run` streams a job's messages (a generator: each
message reaches the head as soon as it is yielded), :meth:`FarmWorker.cancel` can set the flag
the running step checks, even in the moment when the next job's ``run`` has begun (waiting for
the last one's runner to end). Backends and their pipelines stay warm in the runner between jobs.

Where the project folder is visible (shared storage; :meth:`FarmWorker.sees` tells) a take is
written in place, under a temporary name renamed when complete, exactly as the local worker
does. Otherwise the order comes with the files it reads, runs in a scratch folder standing in
for the project, and the ``done`` message carries the files made (:mod:`.farm_files`), which
the head writes. This module imports no Ray at the top: it is imported in the actor.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from studio.engine.crash_log import failure_line
from studio.engine.farm_files import Files, collect_outputs, stage_inputs
from studio.engine.worker import Runner, RunOrder, WorkerConfig
from studio.engine.worker_messages import ENDING

Message = tuple[Any, ...]


class FarmWorker:
    """A warm :class:`Runner` on the device Ray gave this actor."""

    def __init__(self, config: WorkerConfig) -> None:
        from studio.engine.models_dir import hf_offline

        hf_offline()
        self._cancel = threading.Event()
        self._runner = Runner(replace(config, device_index=0), self._cancel)
        self._lock = threading.Lock()
        self._current = ""
        self._unwanted: set[str] = set()  # jobs cancelled before they began here
        self._job_thread: threading.Thread | None = None  # the last job's runner thread

    def ready(self) -> dict[str, Any]:
        """Who this worker is: its process, node, GPU ids and device (importing torch)."""
        import ray

        return {
            "pid": os.getpid(),
            "node": ray.util.get_node_ip_address(),
            "node_id": ray.get_runtime_context().get_node_id(),
            "gpus": [str(gpu) for gpu in ray.get_gpu_ids()],
            "device": self._runner.device_label(),
        }

    def sees(self, marker: str, token: str) -> bool:
        """Whether the file ``marker`` (an absolute path on the head) holds ``token`` here: the
        project folder is on storage this worker shares with the head."""
        try:
            return Path(marker).read_text(encoding="utf-8") == token
        except (OSError, UnicodeDecodeError):
            return False

    def cancel(self, job_id: str) -> None:
        """Stop ``job_id`` at its next step (or before it begins, if it has not yet)."""
        with self._lock:
            if job_id == self._current:
                self._cancel.set()
            else:
                self._unwanted.add(job_id)

    def run(self, order: RunOrder, inputs: Files | None = None) -> Iterator[Message]:
        """Run ``order``, yielding the worker's messages until the one that ends the job.
        ``inputs``: the project is not visible here; run in a scratch folder with these files,
        and the ``done`` message carries the files made (a fifth item)."""
        # The head gives the next job as soon as it has the last one's ending message, which
        # may be before that job's runner and this generator have finished here: the runner
        # and the cancel flag are this job's only once the last job is quite done.
        previous = self._job_thread
        if previous is not None:
            previous.join()
        with self._lock:
            self._current = order.job_id
            self._cancel.clear()
            if order.job_id in self._unwanted:
                self._cancel.set()
        scratch = Path(tempfile.mkdtemp(prefix="studio-farm-")) if inputs is not None else None
        try:
            if scratch is not None:
                stage_inputs(scratch, inputs or {})
                # no poster: it would be named for the scratch folder and go with it
                order = replace(order, project_dir=str(scratch), poster=False)
            for message in self._messages(order):
                if message[0] == "done" and scratch is not None:
                    made = collect_outputs(scratch, message[2]["media"], message[2]["keyframe"])
                    message = (*message, made)
                yield message
        except Exception as exc:  # staging or collecting the files: the job fails, we go on
            yield ("failed", order.job_id, failure_line(exc))
        finally:
            with self._lock:
                if self._current == order.job_id:  # (not the next job's, begun meanwhile)
                    self._current = ""
                self._unwanted.discard(order.job_id)
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)

    def _messages(self, order: RunOrder) -> Iterator[Message]:
        """The runner's messages as it sends them (it runs on a thread of its own: a backend
        reports progress from inside its steps)."""
        line: queue.SimpleQueue[Message] = queue.SimpleQueue()
        thread = threading.Thread(target=self._run, args=(order, line.put), daemon=True)
        self._job_thread = thread
        thread.start()
        while True:
            message = line.get()
            yield message
            if message[0] in ENDING:
                break
        thread.join()

    def _run(self, order: RunOrder, send: Any) -> None:
        try:
            self._runner.run(order, send)
        except Exception as exc:  # last resort, as in the worker process: the actor lives on
            send(("failed", order.job_id, failure_line(exc)))
