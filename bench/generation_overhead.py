"""What the engine costs per shot: the same pipeline called raw vs through the engine.

A tiny random-weight SD 1.5 (built here, saved with save_pretrained) makes the same keyframe
three ways, warm, with identical arguments and seed:

- raw call: ``pipe(**kwargs)`` in this process, nothing else;
- raw call + take: the call plus writing what the engine writes (keyframe PNG, video take);
- engine: a request through the job queue, the worker process and the diffusers backend,
  timed from submit to the finished event (IPC, progress events, temporary names, recording).

Goal: engine ≤ 1.05 × raw call + take. Also the cost of switching models between shots.
Torch runs one thread on both sides (the tiny UNet is fastest that way on 2 cores).
Reports; does not assert.

    .venv/bin/python bench/generation_overhead.py [--runs 8] [--steps 20] [--size 64x112]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # inherited by the spawned worker too
REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "engine")]

from tiny_pipelines import save_tiny_sd15  # noqa: E402

from studio.core.request import ImageRequest  # noqa: E402
from studio.engine.backends.base import RunContext  # noqa: E402
from studio.engine.backends.diffusion_image import image_kwargs, still_of, write_image_take  # noqa: E402
from studio.engine.jobs import EventKind, JobQueue  # noqa: E402
from studio.engine.process_executor import ProcessExecutor  # noqa: E402
from studio.engine.registry import load_pipeline, scan  # noqa: E402
from studio.engine.worker import WorkerConfig  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--size", default="64x112")
    parser.add_argument("--frames", type=int, default=30, help="length of each take")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))

    import torch

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="mdstudio-gen-bench-") as tmp:
        root = Path(tmp)
        models = root / "models"
        save_tiny_sd15(models / "tiny-a")
        shutil.copytree(models / "tiny-a", models / "tiny-b")
        registry = scan(models)
        project = root / "P.mdstudio"
        project.mkdir()

        def request(model: str, seed: int = 1) -> ImageRequest:
            return ImageRequest(
                shot_id="sh-bench",
                backend="diffusers",
                model=model,
                model_hash=registry.get(model).hash,
                prompt="a rainy neon street at night, vertical frame",
                negative_prompt="blurry",
                seed=seed,
                steps=args.steps,
                guidance=7.5,
                width=width,
                height=height,
                frames=args.frames,
                fps="30/1",
            )

        raw, raw_take = time_raw(registry, request("tiny-a"), project, args.runs)
        engine, switching = time_engine(project, models, request, args.runs)

    base = statistics.median(raw)
    with_take = statistics.median(raw_take)
    through = statistics.median(engine)
    swap = statistics.median(switching)
    print(
        f"tiny SD 1.5, {width}x{height}, {args.steps} steps, {args.frames}-frame take, CPU, ",
        end="",
    )
    print(f"1 torch thread, median of {args.runs} warm runs")
    print()
    print(f"{'path':<44}{'s/shot':>9}{'ratio':>9}")
    print(f"{'raw pipeline call':<44}{base:>9.3f}{1:>9.2f}")
    print(f"{'raw call + keyframe PNG + video take':<44}{with_take:>9.3f}{with_take / base:>9.2f}")
    print(f"{'engine (queue + worker + backend)':<44}{through:>9.3f}{through / base:>9.2f}")
    print(f"{'engine, switching model every shot':<44}{swap:>9.3f}{swap / base:>9.2f}")
    print()
    verdict = "PASS" if through / with_take <= 1.05 else "OVER"
    print(f"engine / (raw call + take) = {through / with_take:.3f}  (goal <= 1.05: {verdict})")
    print(f"model switch costs {swap - through:+.3f} s per shot for this model")
    return 0


def time_raw(registry, request, project: Path, runs: int) -> tuple[list[float], list[float]]:
    """The pipeline alone, then the pipeline plus the same take writing, in this process."""
    import torch

    entry = registry.get(request.model)
    pipe = load_pipeline(entry, torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    kwargs = image_kwargs(request, entry)

    def call():
        generator = torch.Generator("cpu").manual_seed(request.seed)
        return pipe(**kwargs, generator=generator)

    call()  # warm
    raw, raw_take = [], []
    for i in range(runs):
        start = time.perf_counter()
        output = call()
        raw.append(time.perf_counter() - start)
        ctx = RunContext(
            project_dir=project,
            models_dir=project,
            output=project / f"raw-{i}.mp4",
            keyframe_output=project / f"raw-{i}.png",
            progress=lambda *a: None,
            cancelled=lambda: False,
        )
        write_image_take(still_of(output, request), request, ctx, request.fps)
        raw_take.append(time.perf_counter() - start)
    return raw, raw_take


def time_engine(project: Path, models: Path, request, runs: int) -> tuple[list[float], list[float]]:
    """Each request submitted alone and timed to its finished event, warm; then alternating
    between two models so every shot swaps."""
    queue = JobQueue()
    finished: dict[str, float] = {}
    ended = threading.Condition()

    def on_event(event) -> None:
        if event.kind in (EventKind.FINISHED, EventKind.FAILED, EventKind.CANCELLED):
            with ended:
                finished[event.job.id] = time.perf_counter()
                if event.kind is not EventKind.FINISHED:
                    print(f"job failed: {event.error}", file=sys.stderr)
                ended.notify_all()

    queue.subscribe(on_event)
    config = WorkerConfig(models_dir=str(models))
    executor = ProcessExecutor(queue, project, lambda job, take_id, result: None, config)
    executor.start()

    def one(req) -> float:
        start = time.perf_counter()
        job = queue.submit(req)
        executor.wake()
        with ended:
            ended.wait_for(lambda: job.id in finished, timeout=600)
        return finished[job.id] - start

    try:
        one(request("tiny-a"))  # start the worker, load the model
        steady = [one(request("tiny-a")) for _ in range(runs)]
        switching = [one(request("tiny-b" if i % 2 == 0 else "tiny-a")) for i in range(runs)]
    finally:
        executor.stop()
    return steady, switching


if __name__ == "__main__":
    sys.exit(main())
