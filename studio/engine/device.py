"""Where a pipeline runs and how it fits: the VRAM policy.

Runs in the worker process only (it imports torch). :func:`choose` picks a dtype (bf16 or fp16
on a GPU, fp32 on the CPU) and an offload tier from the free memory and the model's size;
:func:`lower` gives the next tier down for a retry after an out-of-memory error; :func:`apply`
puts a diffusers pipeline in place for a tier.
"""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path
from typing import Any

GIB = 1024**3
HEADROOM = 1.4  # activations, VAE decode and the CUDA context on top of the weights
GPU_NODES = ("nvidiactl", "nvidia0", "kfd", "dxg")  # NVIDIA's driver, AMD's (ROCm), WSL2's


class Tier(IntEnum):
    """Offload tiers, fastest first; each one down trades speed for memory."""

    FULL = 0  # every component on the device
    MODEL_OFFLOAD = 1  # whole components move to the device while they run
    GROUP_OFFLOAD = 2  # groups of layers stream in (diffusers group offloading)
    SEQUENTIAL = 3  # one layer at a time: slow, tiny VRAM


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    name: str  # "cpu", "cuda:0"
    label: str  # "cpu", "NVIDIA H100 80GB HBM3"
    total_bytes: int
    free_bytes: int
    bf16: bool = False

    @property
    def is_gpu(self) -> bool:
        return self.name != "cpu"

    def describe(self) -> str:
        if not self.is_gpu:
            return "cpu"
        free, total = self.free_bytes / GIB, self.total_bytes / GIB
        return f"{self.name} ({self.label}, {free:.1f} of {total:.1f} GiB free)"


@dataclass(frozen=True, slots=True)
class Placement:
    device: str
    dtype: str  # "bfloat16" | "float16" | "float32"
    tier: Tier
    vae_tiling: bool = False
    vae_slicing: bool = False

    def describe(self) -> str:
        extras = [
            x for x, on in (("VAE tiling", self.vae_tiling), ("slicing", self.vae_slicing)) if on
        ]
        tail = f", {' + '.join(extras)}" if extras else ""
        return f"{self.device}, {self.dtype}, {self.tier.name.lower().replace('_', ' ')}{tail}"


def detect(index: int = 0) -> DeviceInfo:
    """The GPU ``index`` when torch sees one, else the CPU."""
    if surely_no_gpu():
        return DeviceInfo(name="cpu", label="cpu", total_bytes=0, free_bytes=0)
    import torch

    if torch.cuda.is_available() and index < torch.cuda.device_count():
        free, total = torch.cuda.mem_get_info(index)
        return DeviceInfo(
            name=f"cuda:{index}",
            label=torch.cuda.get_device_name(index),
            total_bytes=total,
            free_bytes=free,
            bf16=torch.cuda.is_bf16_supported(),
        )
    return DeviceInfo(name="cpu", label="cpu", total_bytes=0, free_bytes=0)


def surely_no_gpu(dev: Path = Path("/dev")) -> bool:
    """True on Linux when ``dev`` has none of the device nodes through which torch reaches a
    GPU (:data:`GPU_NODES`): the device is the CPU, known without importing torch. The worker
    asks as it starts, and importing torch takes seconds (3.3 s on a 2-core machine) that the
    built-in backends (animatic, espeak-ng, visemes) never need. Elsewhere torch is asked."""
    return sys.platform.startswith("linux") and not any((dev / n).exists() for n in GPU_NODES)


def choose(device: DeviceInfo, model_bytes: int, largest_component_bytes: int = 0) -> Placement:
    """The fastest placement that should fit ``model_bytes`` of weights (at 16-bit on a GPU)."""
    if not device.is_gpu:
        return Placement("cpu", "float32", Tier.FULL)
    dtype = "bfloat16" if device.bf16 else "float16"
    free = device.free_bytes
    largest = largest_component_bytes or model_bytes
    if model_bytes * HEADROOM <= free:
        tier = Tier.FULL
    elif largest * HEADROOM <= free:
        tier = Tier.MODEL_OFFLOAD
    elif free >= 2 * GIB:
        tier = Tier.GROUP_OFFLOAD
    else:
        tier = Tier.SEQUENTIAL
    tight = tier > Tier.FULL or free < 12 * GIB
    return Placement(device.name, dtype, tier, vae_tiling=tight, vae_slicing=tight)


def lower(placement: Placement) -> Placement | None:
    """The next tier down, with VAE tiling and slicing on; None at the bottom."""
    if placement.device == "cpu" or placement.tier is Tier.SEQUENTIAL:
        return None
    return replace(placement, tier=Tier(placement.tier + 1), vae_tiling=True, vae_slicing=True)


def torch_dtype(placement: Placement) -> Any:
    import torch

    return getattr(torch, placement.dtype)


def apply(pipe: Any, placement: Placement) -> None:
    """Put ``pipe`` on its device for ``placement`` (offload hooks, VAE tiling/slicing)."""
    if placement.tier is Tier.FULL:
        pipe.to(placement.device)
    elif placement.tier is Tier.MODEL_OFFLOAD:
        pipe.enable_model_cpu_offload(device=placement.device)
    elif placement.tier is Tier.GROUP_OFFLOAD and hasattr(pipe, "enable_group_offload"):
        pipe.enable_group_offload(
            onload_device=placement.device, offload_type="leaf_level", use_stream=True
        )
    else:
        pipe.enable_sequential_cpu_offload(device=placement.device)
    vae = getattr(pipe, "vae", None)
    if vae is not None:
        if placement.vae_tiling and hasattr(vae, "enable_tiling"):
            vae.enable_tiling()
        if placement.vae_slicing and hasattr(vae, "enable_slicing"):
            vae.enable_slicing()


def is_oom(exc: BaseException) -> bool:
    """True for out-of-memory errors from torch (GPU or CPU allocator)."""
    import torch

    if isinstance(exc, torch.OutOfMemoryError):
        return True
    text = str(exc)
    return isinstance(exc, RuntimeError) and (
        "out of memory" in text.lower() or "can't allocate memory" in text
    )


def free_memory() -> None:
    """Return cached blocks to the driver after a failure or a model switch."""
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
