"""Tiny random-weight diffusers pipelines, built in code for tests. Nothing is ever downloaded.

Use it from any test under ``tests/engine`` (``from tiny_pipelines import …``), or through the
session fixture ``models_dir`` of ``tests/engine/conftest.py``:

``save_tiny_sd15(path) -> Path``
    A real ``StableDiffusionPipeline`` folder (``model_index.json``, unet, vae, text_encoder,
    tokenizer, scheduler; safetensors weights, ~7 MB). It loads with
    ``DiffusionPipeline.from_pretrained`` and runs on the CPU: 2 steps at 64×64 take well under a
    second, and a seeded generator gives the same pixels every time. The pixels are noise.

``tiny_sd15_pipeline(seed=0)``
    The same pipeline in memory, unsaved (call ``.set_progress_bar_config(disable=True)``).

``build_models_dir(root) -> Path``
    A models folder holding every layout the registry knows (names are the constants below):

    - ``tiny-sd15/``: the pipeline above (text-to-image, sd15)
    - ``tiny-sd15-pickle/``: the same pipeline with ``.bin`` pickles for unet and vae (listed
      with a problem; ``load_pipeline`` refuses it unless ``allow_pickle``)
    - ``mystery/``: a ``model_index.json`` naming an unknown pipeline class, one component
    - ``loras/tiny-lora.safetensors``: a rank-4 LoRA, diffusers/peft key names, shaped for
      tiny-sd15's UNet (applying it needs ``peft``, which the dev setup does not install)
    - ``ip_adapters/ip-adapter_tiny-sd15.safetensors``: IP-Adapter key names (not loadable)
    - ``hub/models--tiny-org--tiny-sd15-hub/``: tiny-sd15 as the Hugging Face cache holds it
      (blobs, ``refs/main``, ``snapshots/<HUB_REVISION>/`` of symlinks), listed as
      ``tiny-org/tiny-sd15-hub``

    Building it takes about a second after torch/diffusers are imported (~3 s for that, once).
    Treat a shared copy as read-only: copy it (``shutil.copytree``) before changing anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from tiny_parts import (
    SD_SCHEDULE,
    save_pipeline,
    tiny_clip_text_config,
    tiny_clip_tokenizer,
    tiny_sd_unet,
)

TINY_SD15 = "tiny-sd15"
PICKLE_SD15 = "tiny-sd15-pickle"
UNKNOWN_CLASS = "mystery"
TINY_LORA = "tiny-lora"
TINY_IP_ADAPTER = "ip-adapter_tiny-sd15"
HUB_REPO = "tiny-org/tiny-sd15-hub"
HUB_REVISION = "0123456789abcdef0123456789abcdef01234567"
SIZE = 64  # pixels: what the tiny pipeline is meant to run at (latents 32×32)


def tiny_sd15_pipeline(seed: int = 0) -> Any:
    """A ``StableDiffusionPipeline`` of tiny random modules (seeded: the same weights each time)."""
    import torch
    from diffusers import (
        AutoencoderKL,
        DDIMScheduler,
        StableDiffusionPipeline,
    )
    from transformers import CLIPTextModel

    torch.manual_seed(seed)
    unet = tiny_sd_unet(SIZE // 2, cross_attention_dim=32)
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(32, 64),
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        sample_size=SIZE,
    )
    scheduler = DDIMScheduler(**SD_SCHEDULE, clip_sample=False, set_alpha_to_one=False)
    return StableDiffusionPipeline(
        vae=vae,
        text_encoder=CLIPTextModel(tiny_clip_text_config()),
        tokenizer=tiny_clip_tokenizer(),
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )


def save_tiny_sd15(path: Path, *, seed: int = 0, safe: bool = True, pipeline: Any = None) -> Path:
    """Save a tiny SD 1.5 pipeline folder at ``path`` (``safe=False``: ``.bin`` pickles)."""
    pipe = pipeline if pipeline is not None else tiny_sd15_pipeline(seed)
    return save_pipeline(path, pipe, safe=safe)


def write_tiny_lora(path: Path, *, rank: int = 4, seed: int = 0) -> Path:
    """A LoRA for tiny-sd15's UNet attention (diffusers/peft key names), as safetensors."""
    import torch
    from safetensors.torch import save_file

    generator = torch.Generator().manual_seed(seed)
    tensors = {}
    base = "unet.down_blocks.1.attentions.0.transformer_blocks.0"
    for attn in ("attn1", "attn2"):
        for proj, fan_in in (("to_q", 64), ("to_k", 64 if attn == "attn1" else 32)):
            key = f"{base}.{attn}.{proj}"
            tensors[f"{key}.lora_A.weight"] = torch.randn(rank, fan_in, generator=generator)
            tensors[f"{key}.lora_B.weight"] = torch.randn(64, rank, generator=generator) * 0.5
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata={"format": "pt"})
    return path


def write_tiny_ip_adapter(path: Path) -> Path:
    """A file with IP-Adapter key names and tiny tensors (for listing only; it is not loadable)."""
    import torch
    from safetensors.torch import save_file

    tensors = {
        "image_proj.proj.weight": torch.zeros(128, 32),
        "image_proj.norm.weight": torch.ones(32),
        "ip_adapter.1.to_k_ip.weight": torch.zeros(64, 32),
        "ip_adapter.1.to_v_ip.weight": torch.zeros(64, 32),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path))
    return path


def write_unknown_class(path: Path) -> Path:
    """A folder whose ``model_index.json`` names a pipeline class the studio does not know."""
    (path / "scheduler").mkdir(parents=True, exist_ok=True)
    index = {"_class_name": "MysteryPipeline", "_diffusers_version": "0.42.1"}
    index["scheduler"] = ["diffusers", "DDIMScheduler"]
    (path / "model_index.json").write_text(json.dumps(index, indent=2), encoding="utf-8")
    config = {"_class_name": "DDIMScheduler", "num_train_timesteps": 1000}
    (path / "scheduler" / "scheduler_config.json").write_text(json.dumps(config), encoding="utf-8")
    return path


def write_hub_snapshot(hub: Path, repo_id: str, revision: str, source: Path) -> Path:
    """Lay ``source`` out as the Hugging Face cache does: content-named blobs, ``refs/main`` and a
    snapshot folder of relative symlinks. Returns the snapshot folder."""
    repo = hub / ("models--" + repo_id.replace("/", "--"))
    blobs = repo / "blobs"
    snapshot = repo / "snapshots" / revision
    blobs.mkdir(parents=True, exist_ok=True)
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = file.relative_to(source)
        blob = blobs / hashlib.sha256(file.read_bytes()).hexdigest()
        if not blob.exists():
            shutil.copyfile(file, blob)
        link = snapshot / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(revision, encoding="utf-8")
    return snapshot


def build_models_dir(root: Path) -> Path:
    """A models folder with every layout the registry knows (see the module docstring)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    pipe = tiny_sd15_pipeline()
    sd15 = save_tiny_sd15(root / TINY_SD15, pipeline=pipe)
    save_tiny_sd15(root / PICKLE_SD15, pipeline=pipe, safe=False)
    write_unknown_class(root / UNKNOWN_CLASS)
    write_tiny_lora(root / "loras" / f"{TINY_LORA}.safetensors")
    write_tiny_ip_adapter(root / "ip_adapters" / f"{TINY_IP_ADAPTER}.safetensors")
    write_hub_snapshot(root / "hub", HUB_REPO, HUB_REVISION, sd15)
    return root


def draw(pipe: Any, seed: int) -> Any:
    """One 2-step image at SIZE×SIZE from a loaded tiny pipeline (RGB float array)."""
    import torch

    pipe.set_progress_bar_config(disable=True)
    out = pipe(
        "a rainy rooftop",
        num_inference_steps=2,
        height=SIZE,
        width=SIZE,
        generator=torch.Generator("cpu").manual_seed(seed),
        output_type="np",
    )
    return out.images[0]
