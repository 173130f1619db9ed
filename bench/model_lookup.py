"""What finding a request's model costs the worker: a full scan per request (before) vs the
per-process model lookup (after, ``studio.engine.model_lookup``).

A models folder is built here from tiny random-weight pipelines (``tests/engine/tiny_pipelines``:
tiny SD 1.5 as a folder, with pickles, as a Hugging Face cache entry, an unknown class, a LoRA,
an IP-Adapter) plus COPIES more copies of the SD 1.5 folder. For each size, per request:

- before: ``scan(models).get(name)``, what the diffusers backend and the voice models did for
  every request (the on-disk hash cache is warm: only stat calls and small reads hash);
- before, no hash cache: the same scan with the ``.studio-hash.json`` files gone, as on a models
  folder the worker cannot write to (every model's files are hashed again);
- after, first request: a fresh lookup building one entry (what a new worker pays once per
  model);
- after, later requests: the kept entry, re-stamped (folder listings and stat calls).

Reports medians and ratios; does not assert.

    .venv/bin/python bench/model_lookup.py [--runs 40] [--copies 2,8]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "engine")]

from tiny_pipelines import TINY_SD15, build_models_dir  # noqa: E402

from studio.engine.model_files import HASH_CACHE  # noqa: E402
from studio.engine.model_lookup import ModelLookup  # noqa: E402
from studio.engine.registry import scan  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--copies", default="2,8", help="extra SD 1.5 copies, per folder size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mdstudio-lookup-bench-") as tmp:
        base = build_models_dir(Path(tmp) / "base")
        print(f"per-request model look-up for {TINY_SD15}, median of {args.runs} runs (ms)")
        print()
        head = f"{'models':>7}{'before':>10}{'no cache':>10}{'1st after':>11}{'after':>9}"
        print(f"{head}{'before/after':>14}{'no cache/after':>16}")
        for copies in (int(n) for n in args.copies.split(",")):
            models = Path(tmp) / f"models-{copies}"
            shutil.copytree(base, models, symlinks=True)
            for i in range(copies):
                shutil.copytree(base / TINY_SD15, models / f"copy-{i:02d}")
            row(models, args.runs)
    return 0


def row(models: Path, runs: int) -> None:
    name = TINY_SD15
    expected = scan(models).get(name).hash  # also warms the on-disk hash caches
    lookup = ModelLookup(models)

    def before() -> str:
        return scan(models).get(name).hash

    def forget_hashes() -> None:
        for cache in models.rglob(HASH_CACHE):
            cache.unlink()

    def first_after() -> str:
        return ModelLookup(models).find(name).hash

    def after() -> str:
        return lookup.find(name).hash

    times = {
        "before": median_ms(before, expected, runs),
        "no cache": median_ms(before, expected, runs, setup=forget_hashes),
        "first": median_ms(first_after, expected, runs),
        "after": median_ms(after, expected, runs),
    }
    scan(models)  # leave the hash caches as they were
    count = len(scan(models))
    b, n, f, a = (times[k] for k in ("before", "no cache", "first", "after"))
    print(f"{count:>7}{b:>10.3f}{n:>10.3f}{f:>11.3f}{a:>9.3f}{b / a:>14.1f}{n / a:>16.1f}")


def median_ms(
    call: Callable[[], str], expected: str, runs: int, setup: Callable[[], None] = lambda: None
) -> float:
    """Median milliseconds of ``call`` (``setup`` runs before each, untimed)."""
    setup()
    assert call() == expected  # the same answer every way; also a warm-up
    spent = []
    for _ in range(runs):
        setup()
        start = time.perf_counter()
        call()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1000


if __name__ == "__main__":
    sys.exit(main())
