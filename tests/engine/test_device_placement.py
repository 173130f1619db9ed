"""The VRAM policy (``studio.engine.device``) with made-up devices: which dtype and offload tier
a model gets for the free memory, and the way down after an out-of-memory error. Plus the
diffusers backend's use of it: the placement it picks, and that a warm model keeps its own."""

from __future__ import annotations

import sys

import pytest

from studio.engine import device
from studio.engine.backends.base import RunContext
from studio.engine.backends.diffusion import DiffusersBackend
from studio.engine.device import GIB, DeviceInfo, Placement, Tier


def gpu(free_gib: float, bf16: bool = True, total_gib: float = 80) -> DeviceInfo:
    return DeviceInfo("cuda:0", "Made-up GPU", int(total_gib * GIB), int(free_gib * GIB), bf16)


CPU = DeviceInfo("cpu", "cpu", 0, 0)


def test_the_cpu_runs_in_float32_with_nothing_to_step_down_to():
    placement = device.choose(CPU, 20 * GIB)
    assert placement == Placement("cpu", "float32", Tier.FULL)
    assert device.lower(placement) is None


@pytest.mark.parametrize(
    ("free", "model", "largest", "tier", "tight"),
    [
        (78, 12, 0, Tier.FULL, False),  # an H100 and SDXL: everything on the GPU
        (14, 9, 0, Tier.FULL, False),  # 9 GiB × 1.4 headroom fits in 14
        (11, 7, 0, Tier.FULL, True),  # fits, but under 12 GiB free: VAE tiling and slicing
        (10, 24, 6, Tier.MODEL_OFFLOAD, True),  # the largest part (× 1.4) fits: one at a time
        (6, 24, 12, Tier.GROUP_OFFLOAD, True),  # no whole part fits; 2 GiB or more free
        (1.5, 24, 12, Tier.SEQUENTIAL, True),  # almost nothing free: layer by layer
    ],
)
def test_the_tier_follows_the_free_memory(free, model, largest, tier, tight):
    placement = device.choose(gpu(free), int(model * GIB), int(largest * GIB))
    assert placement.device == "cuda:0"
    assert placement.tier is tier
    assert (placement.vae_tiling, placement.vae_slicing) == (tight, tight)


def test_bf16_where_the_gpu_has_it_else_fp16():
    assert device.choose(gpu(40, bf16=True), GIB).dtype == "bfloat16"
    assert device.choose(gpu(40, bf16=False), GIB).dtype == "float16"


def test_lower_walks_every_tier_down_then_stops():
    placement: Placement | None = device.choose(gpu(78), 12 * GIB)
    seen = []
    while placement is not None:
        seen.append(placement.tier)
        assert placement.dtype == "bfloat16", "the dtype stays"
        placement = device.lower(placement)
        assert placement is None or (placement.vae_tiling and placement.vae_slicing)
    assert seen == [Tier.FULL, Tier.MODEL_OFFLOAD, Tier.GROUP_OFFLOAD, Tier.SEQUENTIAL]


def test_describe_says_what_a_placement_is():
    text = device.lower(device.choose(gpu(78), GIB)).describe()
    assert text == "cuda:0, bfloat16, model offload, VAE tiling + slicing"


def context(tmp_path, models, dev: str) -> RunContext:
    return RunContext(tmp_path, models, tmp_path / "t.mp4", None, lambda *a: None,
                      lambda: False, device=dev)  # fmt: skip


def test_the_backend_chooses_for_its_device_and_the_models_size(tmp_path, models_dir, monkeypatch):
    from studio.engine.registry import scan

    asked = []
    monkeypatch.setattr(device, "detect", lambda index=0: asked.append(index) or gpu(3, True, 8))
    backend = DiffusersBackend()
    entry = scan(models_dir).get("tiny-sd15")
    placement = backend._placement(entry, context(tmp_path, models_dir, "cuda:1"))
    assert asked == [1]
    assert placement.device == "cuda:0" and placement.tier is Tier.FULL  # 3.4 MB fits in 3 GiB
    cpu = backend._placement(entry, context(tmp_path, models_dir, "cpu"))
    assert cpu == Placement("cpu", "float32", Tier.FULL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux device nodes")
@pytest.mark.parametrize("node", [None, *device.GPU_NODES])
def test_a_linux_machine_without_gpu_nodes_is_the_cpu_without_asking_torch(tmp_path, node):
    (tmp_path / "null").touch()
    if node is not None:
        (tmp_path / node).touch()
    assert device.surely_no_gpu(tmp_path) is (node is None)
