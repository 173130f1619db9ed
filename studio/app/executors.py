"""Which executor runs a project's jobs: the local worker process (one GPU of this machine) or
the Ray render farm (every GPU of this machine, or of a cluster). Chosen by ``studio generate
--executor`` and by the window's settings; :class:`~studio.app.production.Production` builds it.
Ray is imported only when the farm is chosen, and its absence is one clear line.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from studio.engine.executor import Executor, WorkerInfo
from studio.engine.jobs import JobQueue
from studio.engine.worker import WorkerConfig
from studio.engine.worker_messages import OnResult, Outputs

LOCAL, RAY = "local", "ray"
KINDS = (LOCAL, RAY)


class FeedingExecutor(Executor, Protocol):
    """What :class:`~studio.app.production.Production` needs of its executor: the protocol,
    the jobs it may run (``only``) and who runs them."""

    only: frozenset[str] | None

    def workers(self) -> list[WorkerInfo]: ...


@dataclass(frozen=True)
class ExecutorChoice:
    """``kind``: LOCAL or RAY. For the farm: ``address`` of a Ray cluster ("" starts a local
    Ray with this machine's GPUs), ``workers`` (0: one per GPU, else one per CPU slot) and
    ``storage`` ("auto": each worker is asked whether it sees the project folder; "shared";
    "object store": takes come back through Ray's object store)."""

    kind: str = LOCAL
    address: str = ""
    workers: int = 0
    storage: str = "auto"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"executor is one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.workers < 0:
            raise ValueError(f"workers must be 0 (one per GPU) or more, not {self.workers}")
        if self.kind == LOCAL and (self.address or self.workers):
            raise ValueError("a Ray address and a worker count need the Ray executor")

    def describe(self) -> str:
        if self.kind == LOCAL:
            return "the local worker"
        where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
        return f"{where}, {self.workers or 'one per GPU'} worker{'s' * (self.workers != 1)}"


def build_executor(
    choice: ExecutorChoice,
    queue: JobQueue,
    project_dir: Path,
    on_result: OnResult,
    config: WorkerConfig,
    outputs: Outputs,
    only: Collection[str] | None = None,
) -> FeedingExecutor:
    """The executor ``choice`` names, not started. FarmUnavailable (a RuntimeError, one line)
    when the farm is chosen and Ray is not installed."""
    if choice.kind == RAY:
        from studio.engine.ray_executor import RayExecutor

        return RayExecutor(queue, project_dir, on_result, config, outputs, only,
                           address=choice.address, workers=choice.workers,
                           storage=choice.storage)  # fmt: skip
    from studio.engine.process_executor import ProcessExecutor

    return ProcessExecutor(queue, project_dir, on_result, config, outputs, only)
