"""Write a diffusers Stable Diffusion 1.x folder as one original-format ("LDM"/CompVis)
checkpoint: the single ``.safetensors`` file that ``studio models import`` converts back with
diffusers' ``from_single_file``. Built in code for tests; nothing is downloaded.

``write_ldm_checkpoint(diffusers_folder, out) -> Path``
    Reads ``unet/``, ``vae/`` and ``text_encoder/`` (one ``.safetensors`` file each, plus their
    ``config.json``) and writes their tensors under the original names:

    - UNet: ``model.diffusion_model.`` + ``input_blocks.N.M…``, ``middle_block.N…``,
      ``output_blocks.N.M…``, ``time_embed.*``, ``out.*`` (any number of levels, any
      ``layers_per_block``, cross-attention on any level);
    - VAE: ``first_stage_model.`` + ``encoder.down.I.block.J…``, ``decoder.up.I…`` (numbered
      from the lowest resolution up, the reverse of diffusers' ``up_blocks``), ``mid.block_1``,
      ``mid.attn_1`` (``q``/``k``/``v``/``proj_out`` as 1×1 convolutions, as the original
      stores them), ``quant_conv``, ``post_quant_conv``;
    - CLIP text encoder: ``cond_stage_model.transformer.text_model.`` + the transformers names;
    - the DDPM schedule buffers an original checkpoint carries (``betas``, ``alphas_cumprod``,
      ``alphas_cumprod_prev``), from ``scheduler/scheduler_config.json``: conversion ignores
      them, as it must for a real file.

    The tensors are the folder's own, unchanged but for the 1×1 reshape, so converting the file
    back must give the same weights. A tensor with no original name is an error, not a skip.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

UNET_PREFIX = "model.diffusion_model."
VAE_PREFIX = "first_stage_model."
CLIP_PREFIX = "cond_stage_model.transformer.text_model."

# diffusers ResnetBlock2D part -> the original UNet ResBlock's part
UNET_RESNET = {
    "norm1": "in_layers.0",
    "conv1": "in_layers.2",
    "time_emb_proj": "emb_layers.1",
    "norm2": "out_layers.0",
    "conv2": "out_layers.3",
    "conv_shortcut": "skip_connection",
}
UNET_TOP = {
    "time_embedding.linear_1": "time_embed.0",
    "time_embedding.linear_2": "time_embed.2",
    "conv_in": "input_blocks.0.0",
    "conv_norm_out": "out.0",
    "conv_out": "out.2",
}
# diffusers ResnetBlock2D part -> the original VAE ResnetBlock's part (no time embedding there)
VAE_RESNET = {
    "norm1": "norm1",
    "conv1": "conv1",
    "norm2": "norm2",
    "conv2": "conv2",
    "conv_shortcut": "nin_shortcut",
}
VAE_ATTENTION = {
    "group_norm": "norm",
    "to_q": "q",
    "to_k": "k",
    "to_v": "v",
    "to_out.0": "proj_out",
}


def write_ldm_checkpoint(diffusers_folder: Path, out: Path) -> Path:
    """Write the UNet, VAE and text encoder of ``diffusers_folder`` (a Stable Diffusion 1.x
    pipeline folder, safetensors weights) to ``out`` as one original-layout checkpoint."""
    from safetensors.torch import save_file

    folder = Path(diffusers_folder)
    parts: tuple[tuple[str, str, Callable[[str, dict[str, Any]], str]], ...] = (
        ("unet", UNET_PREFIX, unet_name),
        ("vae", VAE_PREFIX, vae_name),
        ("text_encoder", CLIP_PREFIX, clip_name),
    )
    tensors: dict[str, Any] = {}
    for component, prefix, rename in parts:
        config = json.loads((folder / component / "config.json").read_text(encoding="utf-8"))
        for name, tensor in _component_weights(folder / component).items():
            ldm = prefix + rename(name, config)
            if ldm in tensors:
                raise ValueError(f"{component}: two tensors map to {ldm}")
            if component == "vae" and ".mid.attn_1." in ldm and tensor.ndim == 2:
                tensor = tensor[:, :, None, None]  # a linear layer stored as a 1×1 convolution
            tensors[ldm] = tensor.contiguous()
    tensors.update(_schedule_buffers(folder / "scheduler" / "scheduler_config.json"))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out), metadata={"format": "pt"})
    return out


def unet_name(name: str, config: dict[str, Any]) -> str:
    """The original name of the diffusers ``UNet2DConditionModel`` tensor ``name``.

    The original numbers its input blocks flat: 0 is ``conv_in``, then each level has
    ``layers_per_block`` (resnet ``.0``, transformer ``.1``) and, but for the last level, one
    downsampler (``.0.op``). Output blocks: ``layers_per_block + 1`` per level, the upsampler
    beside the level's last layer (``.1.conv``, or ``.2.conv`` after a transformer)."""
    per_level = config["layers_per_block"]
    if not isinstance(per_level, int):
        raise ValueError("the original UNet layout has one layers_per_block for every level")
    m = re.fullmatch(r"(time_embedding\.linear_[12]|conv_in|conv_norm_out|conv_out)\.(\w+)", name)
    if m:
        return f"{UNET_TOP[m[1]]}.{m[2]}"

    m = re.fullmatch(r"down_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.+)", name)
    if m:
        index = 1 + int(m[1]) * (per_level + 1) + int(m[3])
        if m[2] == "resnets":
            return f"input_blocks.{index}.0.{_resnet_part(m[4], UNET_RESNET, name)}"
        return f"input_blocks.{index}.1.{m[4]}"
    m = re.fullmatch(r"down_blocks\.(\d+)\.downsamplers\.0\.conv\.(\w+)", name)
    if m:
        index = 1 + int(m[1]) * (per_level + 1) + per_level
        return f"input_blocks.{index}.0.op.{m[2]}"

    m = re.fullmatch(r"mid_block\.(resnets|attentions)\.(\d+)\.(.+)", name)
    if m:
        if m[1] == "resnets":  # resnet, transformer, resnet, …
            return f"middle_block.{2 * int(m[2])}.{_resnet_part(m[3], UNET_RESNET, name)}"
        return f"middle_block.{2 * int(m[2]) + 1}.{m[3]}"

    m = re.fullmatch(r"up_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.+)", name)
    if m:
        index = int(m[1]) * (per_level + 1) + int(m[3])
        if m[2] == "resnets":
            return f"output_blocks.{index}.0.{_resnet_part(m[4], UNET_RESNET, name)}"
        return f"output_blocks.{index}.1.{m[4]}"
    m = re.fullmatch(r"up_blocks\.(\d+)\.upsamplers\.0\.conv\.(\w+)", name)
    if m:
        level = int(m[1])
        index = level * (per_level + 1) + per_level
        slot = 2 if "CrossAttn" in config["up_block_types"][level] else 1
        return f"output_blocks.{index}.{slot}.conv.{m[2]}"
    raise ValueError(f"unet: no original name for {name}")


def vae_name(name: str, config: dict[str, Any]) -> str:
    """The original name of the diffusers ``AutoencoderKL`` tensor ``name``. The original's
    decoder numbers its levels from the lowest resolution, so ``up_blocks.0`` is ``up.{n-1}``."""
    levels = len(config["block_out_channels"])
    m = re.fullmatch(r"(encoder|decoder)\.(conv_in|conv_out|conv_norm_out)\.(\w+)", name)
    if m:
        part = "norm_out" if m[2] == "conv_norm_out" else m[2]
        return f"{m[1]}.{part}.{m[3]}"
    if re.fullmatch(r"(quant_conv|post_quant_conv)\.\w+", name):
        return name

    m = re.fullmatch(r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.+)", name)
    if m:
        return f"encoder.down.{m[1]}.block.{m[2]}.{_resnet_part(m[3], VAE_RESNET, name)}"
    m = re.fullmatch(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.conv\.(\w+)", name)
    if m:
        return f"encoder.down.{m[1]}.downsample.conv.{m[2]}"

    m = re.fullmatch(r"decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.+)", name)
    if m:
        level = levels - 1 - int(m[1])
        return f"decoder.up.{level}.block.{m[2]}.{_resnet_part(m[3], VAE_RESNET, name)}"
    m = re.fullmatch(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.conv\.(\w+)", name)
    if m:
        return f"decoder.up.{levels - 1 - int(m[1])}.upsample.conv.{m[2]}"

    m = re.fullmatch(r"(encoder|decoder)\.mid_block\.resnets\.(\d+)\.(.+)", name)
    if m:
        return f"{m[1]}.mid.block_{int(m[2]) + 1}.{_resnet_part(m[3], VAE_RESNET, name)}"
    m = re.fullmatch(r"(encoder|decoder)\.mid_block\.attentions\.0\.(\w+(?:\.0)?)\.(\w+)", name)
    if m and m[2] in VAE_ATTENTION:
        return f"{m[1]}.mid.attn_1.{VAE_ATTENTION[m[2]]}.{m[3]}"
    raise ValueError(f"vae: no original name for {name}")


def clip_name(name: str, config: dict[str, Any]) -> str:
    """The name below ``cond_stage_model.transformer.text_model.`` of a ``CLIPTextModel``
    tensor. transformers ≥ 5.6 saves it without the ``text_model.`` level; older ones with."""
    if name.startswith("text_projection"):
        raise ValueError(f"text_encoder: {name} has no place in an SD 1.x checkpoint")
    return name.removeprefix("text_model.")


def _resnet_part(rest: str, parts: dict[str, str], name: str) -> str:
    part, _, param = rest.partition(".")
    if part not in parts:
        raise ValueError(f"no original name for {name}")
    return f"{parts[part]}.{param}"


def _component_weights(component: Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    files = sorted(component.glob("*.safetensors"))
    if len(files) != 1:
        raise ValueError(f"{component}: expected one .safetensors file, found {len(files)}")
    return load_file(str(files[0]))


def _schedule_buffers(scheduler_config: Path) -> dict[str, Any]:
    """``betas``, ``alphas_cumprod`` and ``alphas_cumprod_prev`` of a scaled-linear schedule,
    as an original checkpoint stores them (none when the schedule is something else)."""
    import torch

    if not scheduler_config.is_file():
        return {}
    config = json.loads(scheduler_config.read_text(encoding="utf-8"))
    if config.get("beta_schedule") != "scaled_linear":
        return {}
    steps = int(config.get("num_train_timesteps", 1000))
    start, end = float(config["beta_start"]), float(config["beta_end"])
    betas = torch.linspace(start**0.5, end**0.5, steps, dtype=torch.float64) ** 2
    alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
    previous = torch.cat([torch.ones(1, dtype=torch.float64), alphas_cumprod[:-1]])
    return {
        "betas": betas.float(),
        "alphas_cumprod": alphas_cumprod.float(),
        "alphas_cumprod_prev": previous.float(),
    }
