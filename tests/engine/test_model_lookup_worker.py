"""The worker looks a model up once, not once per request, and still notices a model replaced on
disk: a request that recorded the old files is refused as before. A real worker process runs the
real diffusers backend on tiny SD 1.5; the hash calls it makes are counted in the worker
(``lookup_backends_for_tests.py``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lookup_backends_for_tests import HASHED_LOG
from tiny_pipelines import TINY_SD15
from worker_harness import Harness

from studio.core.request import ImageRequest
from studio.engine.jobs import JobState
from studio.engine.registry import scan

pytestmark = pytest.mark.slow
UNET = "unet/diffusion_pytorch_model.safetensors"


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("lookup") / "models"
    shutil.copytree(models_dir, root, symlinks=True)  # every layout: a scan hashes six models
    return root


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory, models: Path):
    backends = {"diffusers": "lookup_backends_for_tests:CountingBackend"}  # in its place
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OMP_NUM_THREADS", "1")
        h = Harness(tmp_path_factory.mktemp("w") / "P.mdstudio", models, backends)
        h.executor.start()
        yield h
        h.executor.stop()


def image(seed: int, model_hash: str) -> ImageRequest:
    return ImageRequest(shot_id="sh-1", backend="diffusers", model=TINY_SD15,
                        model_hash=model_hash, prompt="a pier at night", seed=seed, steps=1,
                        width=64, height=64, frames=2, fps="24/1")  # fmt: skip


def hashed(harness: Harness) -> list[list[str]]:
    """The folders each run so far hashed, one list per run."""
    lines = (harness.root / HASHED_LOG).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_requests_hash_their_model_once_and_a_replaced_model_is_refused(harness, models):
    recorded = scan(models).get(TINY_SD15).hash  # as the app records it in each request
    assert len(scan(models)) == 6
    for seed in range(4):
        harness.run(image(seed, recorded))
    assert hashed(harness) == [[str(models / TINY_SD15)], [], [], []]

    weights = models / TINY_SD15 / UNET
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # other weights, the same size
    weights.write_bytes(bytes(data))
    job = harness.run(image(5, recorded), JobState.FAILED)
    assert job.error == (
        f"model {TINY_SD15} changed since this request was made (its files are not the ones "
        "the request recorded): make a new request to use it as it is now"
    )
    now = scan(models).get(TINY_SD15).hash
    assert now != recorded
    harness.run(image(6, now))
    harness.run(image(7, now))
    assert hashed(harness)[4:] == [[str(models / TINY_SD15)], [], []]
