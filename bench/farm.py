"""Render-farm throughput: the same 30-shot episode through the local worker process and through
Ray with N = 1, 2 actors, printed side by side.

Two episodes of 30 shots each:

- animatic: 30 one-second shots at 288×512 (no weights);
- tiny diffusers: 30 keyframes of a tiny random-weight SD 1.5 (built here, saved with
  save_pretrained), 20 steps at 64×112, each held for a one-second take.

Each executor is started and warmed first (its workers up, the model loaded on every worker),
then the 30 shots are submitted at once and timed from submit to the last finished event. For
each: wall time, shots per second and scaling efficiency (shots/s per actor over Ray with one
actor; and over the local worker). Then the per-job fixed cost of Ray over the local worker: a
near-empty job (a one-frame 32×32 animatic) run one at a time, median of ``--runs``, and what
that fixed cost is as a share of a job of the measured sizes and of real model sizes (goal:
≤ 5 %). Torch runs one thread per worker (OMP_NUM_THREADS=1) on both sides. Without a GPU, Ray
is given fake GPUs (one per actor: each gets its own CUDA_VISIBLE_DEVICES, the work runs on the
CPU cores). Reports; does not assert.

    .venv/bin/python bench/farm.py [--shots 30] [--steps 20] [--workers 1,2] [--runs 20]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # inherited by the worker process and by Ray's
REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "engine")]
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))

from tiny_pipelines import save_tiny_sd15  # noqa: E402

from studio.core.request import ImageRequest  # noqa: E402
from studio.engine.jobs import EventKind, JobQueue  # noqa: E402
from studio.engine.process_executor import ProcessExecutor  # noqa: E402
from studio.engine.ray_executor import RayExecutor  # noqa: E402
from studio.engine.worker import WorkerConfig  # noqa: E402

REAL_JOB_S = (1.0, 5.0, 60.0)  # an SD 1.5 still on a GPU, an SDXL still, a video take


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=30)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--workers", default="1,2", help="actor counts to try, e.g. 1,2")
    parser.add_argument("--runs", type=int, default=20, help="near-empty jobs for the fixed cost")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]

    import ray
    import torch

    gpus = torch.cuda.device_count()
    fake = gpus == 0
    ray.init(num_gpus=max(counts) if fake else None, include_dashboard=False,
             log_to_driver=False, logging_level=logging.ERROR)  # fmt: skip
    counts = [n for n in counts if fake or n <= gpus]
    with tempfile.TemporaryDirectory(prefix="mdstudio-farm-bench-") as tmp:
        root = Path(tmp)
        models = root / "models"
        save_tiny_sd15(models / "tiny-sd15")
        config = WorkerConfig(models_dir=str(models))
        episodes = {
            "animatic 288x512": [animatic(n, 288, 512, 30) for n in range(args.shots)],
            f"tiny SD 1.5 64x112, {args.steps} steps": [
                tiny(n, args.steps) for n in range(args.shots)
            ],
        }
        makers: dict[str, Callable[[JobQueue, Path], Any]] = {
            "local worker": lambda q, p: ProcessExecutor(q, p, _ignore, config),
        }
        for n in counts:
            makers[f"ray, {n} actor{'s' * (n != 1)}"] = lambda q, p, n=n: RayExecutor(
                q, p, _ignore, config, workers=n
            )
        table: dict[tuple[str, str], float] = {}
        fixed: dict[str, float] = {}
        for name, make in makers.items():
            with Bench(make, root / name.replace(" ", "_").replace(",", "")) as bench:
                warm = max(1, bench.workers())
                for episode, requests in episodes.items():
                    bench.batch(requests[:1] * warm)  # every worker loads it
                    table[(episode, name)] = bench.batch(requests)
                bench.one_by_one([animatic(9000, 32, 32, 1)] * 2)  # warm
                fixed[name] = statistics.median(
                    bench.one_by_one([animatic(9000 + i, 32, 32, 1) for i in range(args.runs)])
                )
    ray.shutdown()
    report(table, fixed, episodes, makers, args.shots, "GPU" if gpus else "fake GPUs, CPU cores")
    return 0


def report(table, fixed, episodes, makers, shots: int, where: str) -> None:
    print(f"{shots}-shot episodes, {os.cpu_count()} CPU cores ({where}), torch on 1 thread/worker")
    print()
    print(f"{'episode':<30}{'executor':<16}{'wall s':>8}{'shots/s':>9}{'eff/ray1':>10}"
          f"{'eff/local':>10}")  # fmt: skip
    for episode in episodes:
        local = shots / table[(episode, "local worker")]
        one = next((shots / table[(episode, n)] for n in makers if n.startswith("ray, 1 ")), 0)
        for name in makers:
            wall = table[(episode, name)]
            rate = shots / wall
            n = int(name.split()[1]) if name.startswith("ray") else 1
            vs_one = f"{rate / (n * one):.0%}" if one and name.startswith("ray") else "-"
            print(f"{episode:<30}{name:<16}{wall:>8.2f}{rate:>9.2f}{vs_one:>10}"
                  f"{rate / (n * local):>10.0%}")  # fmt: skip
        print()
    base = fixed["local worker"]
    print("per-job fixed cost (one-frame 32x32 animatic, one job at a time, submit -> finished):")
    for name, seconds in fixed.items():
        extra = "" if name == "local worker" else f"  (Ray adds {1000 * (seconds - base):+.1f} ms)"
        print(f"  {name:<16}{1000 * seconds:8.1f} ms{extra}")
    ray_one = next((s for n, s in fixed.items() if n.startswith("ray, 1 ")), None)
    if ray_one is None:
        return
    added = ray_one - base
    print()
    print("Ray's added fixed cost as a share of one job:")
    for episode in episodes:
        per_job = table[(episode, "local worker")] / shots
        print(f"  {episode:<34} {per_job:6.3f} s/job  {added / per_job:6.1%}")
    for seconds in REAL_JOB_S:
        verdict = "PASS" if added / seconds <= 0.05 else "OVER"
        print(f"  {f'a {seconds:g} s job (real model size)':<34} {seconds:6.3f} s/job  "
              f"{added / seconds:6.1%}  (goal <= 5 %: {verdict})")  # fmt: skip


class Bench:
    """A queue and one executor on it, with timing of batches and of single jobs."""

    def __init__(self, make: Callable[[JobQueue, Path], Any], project: Path) -> None:
        project.mkdir(parents=True)
        self.queue = JobQueue()
        self.ended: dict[str, float] = {}
        self._cond = threading.Condition()
        self.queue.subscribe(self._on_event)
        self.executor = make(self.queue, project)

    def __enter__(self) -> Bench:
        self.executor.start()
        wait = getattr(self.executor, "wait_workers", None)
        if wait is not None and not wait(300):
            raise SystemExit(f"the farm did not start: {self.executor.error}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.executor.stop()

    def workers(self) -> int:
        return len(getattr(self.executor, "slots", ()))

    def batch(self, requests: list[ImageRequest]) -> float:
        """Submit all, wait for all: the wall time."""
        start = time.perf_counter()
        jobs = self.queue.submit_many(requests)
        self.executor.wake()
        self._wait([job.id for job in jobs])
        return max(self.ended[job.id] for job in jobs) - start

    def one_by_one(self, requests: list[ImageRequest]) -> list[float]:
        times = []
        for request in requests:
            start = time.perf_counter()
            job = self.queue.submit(request)
            self.executor.wake()
            self._wait([job.id])
            times.append(self.ended[job.id] - start)
        return times

    def _wait(self, ids: list[str]) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: all(i in self.ended for i in ids), 900)

    def _on_event(self, event: Any) -> None:
        if event.kind in (EventKind.FINISHED, EventKind.FAILED, EventKind.CANCELLED):
            if event.kind is not EventKind.FINISHED:
                print(f"job {event.kind.value}: {event.error}", file=sys.stderr)
            with self._cond:
                self.ended[event.job.id] = time.perf_counter()
                self._cond.notify_all()


def animatic(n: int, width: int, height: int, frames: int) -> ImageRequest:
    return ImageRequest(shot_id=f"sh-{n}", width=width, height=height, frames=frames,
                        fps="30/1", seed=n, steps=1)  # fmt: skip


def tiny(n: int, steps: int) -> ImageRequest:
    return ImageRequest(shot_id=f"sh-{n}", backend="diffusers", model="tiny-sd15",
                        prompt="a rainy neon street at night", seed=n, steps=steps, width=64,
                        height=112, frames=30, fps="30/1")  # fmt: skip


def _ignore(*_: object) -> None:
    pass


if __name__ == "__main__":
    sys.exit(main())
