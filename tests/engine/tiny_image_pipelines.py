"""Tiny random-weight text-to-image diffusers pipelines of the newer families (SDXL, FLUX, SD3),
built in code for tests; nothing is ever downloaded.

Use them through ``tiny_video_pipelines.py``, which lists every tiny model with its folder,
registry kind and family, builds them all (``build_video_models``) and calls them
(``smoke_inputs``, ``SMOKE_SHAPES``). ``save_tiny_<name>(path, seed=0)`` and
``tiny_<name>_pipeline(seed=0)`` work as they do there. SD 1.5: ``tiny_pipelines.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tiny_parts import (
    SD_SCHEDULE,
    save_pipeline,
    tiny_clip_text_config,
    tiny_clip_tokenizer,
    tiny_sd_unet,
    tiny_t5_encoder,
    tiny_t5_tokenizer,
)

TINY_SDXL = "tiny-sdxl"
TINY_FLUX = "tiny-flux"
TINY_SD3 = "tiny-sd3"
IMAGE_MODELS = (TINY_SDXL, TINY_FLUX, TINY_SD3)

# ``pipe(**smoke_inputs(name)).images``: batch, height, width, rgb.
IMAGE_SMOKE_SHAPES: dict[str, tuple[int, ...]] = {
    TINY_SDXL: (1, 64, 64, 3),
    TINY_FLUX: (1, 64, 48, 3),
    TINY_SD3: (1, 64, 48, 3),
}
# What ``smoke_inputs`` adds to the prompt, steps, generator and output type.
IMAGE_SMOKE_ARGS: dict[str, dict[str, Any]] = {
    TINY_SDXL: {"height": 64, "width": 64, "guidance_scale": 5.0},
    TINY_FLUX: {"height": 64, "width": 48, "guidance_scale": 0.0, "max_sequence_length": 16},
    TINY_SD3: {"height": 64, "width": 48, "guidance_scale": 5.0, "max_sequence_length": 16},
}


def _clip_text_config(hidden_size: int = 32) -> Any:
    """The CLIP text config of these families: projection as wide as the hidden size, GELU."""
    return tiny_clip_text_config(hidden_size, projection_dim=hidden_size, hidden_act="gelu")


def _tiny_kl_vae(latent_channels: int, **kwargs: Any) -> Any:
    """An ``AutoencoderKL`` with four levels of 4 channels: 8× spatial, like the real ones."""
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(4, 4, 4, 4),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=1,
        latent_channels=latent_channels,
        norm_num_groups=2,
        sample_size=64,
        **kwargs,
    )


def _flow_vae(*, shift_factor: float, scaling_factor: float) -> Any:
    """The VAE as the flow-matching families (FLUX, SD3) have it: no quant convs, latents
    shifted, then scaled."""
    return _tiny_kl_vae(
        4,
        use_quant_conv=False,
        use_post_quant_conv=False,
        shift_factor=shift_factor,
        scaling_factor=scaling_factor,
    )


def tiny_sdxl_pipeline(seed: int = 0) -> Any:
    """``StableDiffusionXLPipeline``: two CLIP text encoders (the second with projection)."""
    import torch
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(seed)
    unet = tiny_sd_unet(
        8,
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 2),
        projection_class_embeddings_input_dim=80,  # 6 time ids × 8 + pooled text 32
        cross_attention_dim=64,  # the two encoders' hidden states side by side
    )
    return StableDiffusionXLPipeline(
        vae=_tiny_kl_vae(4, scaling_factor=0.13025),
        text_encoder=CLIPTextModel(_clip_text_config()),
        text_encoder_2=CLIPTextModelWithProjection(_clip_text_config()),
        tokenizer=tiny_clip_tokenizer(),
        tokenizer_2=tiny_clip_tokenizer(),
        unet=unet,
        scheduler=EulerDiscreteScheduler(**SD_SCHEDULE, timestep_spacing="leading"),
        add_watermarker=False,
    )


def tiny_flux_pipeline(seed: int = 0) -> Any:
    """``FluxPipeline`` (schnell-like: no guidance embedding): CLIP + T5 text encoders."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, FluxPipeline, FluxTransformer2DModel
    from transformers import CLIPTextModel

    torch.manual_seed(seed)
    transformer = FluxTransformer2DModel(
        patch_size=1,
        in_channels=16,  # 4 latent channels packed 2×2
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=32,
        pooled_projection_dim=32,
        axes_dims_rope=(4, 4, 8),
    )
    return FluxPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(shift=1.0),
        vae=_flow_vae(shift_factor=0.1159, scaling_factor=0.3611),
        text_encoder=CLIPTextModel(_clip_text_config()),
        tokenizer=tiny_clip_tokenizer(),
        text_encoder_2=tiny_t5_encoder(32),
        tokenizer_2=tiny_t5_tokenizer(),
        transformer=transformer,
    )


def tiny_sd3_pipeline(seed: int = 0) -> Any:
    """``StableDiffusion3Pipeline``: two CLIP text encoders (hidden 16 each) and T5 (32)."""
    import torch
    from diffusers import (
        FlowMatchEulerDiscreteScheduler,
        SD3Transformer2DModel,
        StableDiffusion3Pipeline,
    )
    from transformers import CLIPTextModelWithProjection

    torch.manual_seed(seed)
    transformer = SD3Transformer2DModel(
        sample_size=8,
        patch_size=2,
        in_channels=4,
        out_channels=4,
        num_layers=1,
        attention_head_dim=8,
        num_attention_heads=4,
        caption_projection_dim=32,
        joint_attention_dim=32,  # CLIP 16 + 16 side by side, padded to T5's 32
        pooled_projection_dim=32,  # pooled CLIP 16 + 16
        pos_embed_max_size=16,
    )
    return StableDiffusion3Pipeline(
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
        vae=_flow_vae(shift_factor=0.0609, scaling_factor=1.5305),
        text_encoder=CLIPTextModelWithProjection(_clip_text_config(16)),
        tokenizer=tiny_clip_tokenizer(),
        text_encoder_2=CLIPTextModelWithProjection(_clip_text_config(16)),
        tokenizer_2=tiny_clip_tokenizer(),
        text_encoder_3=tiny_t5_encoder(32),
        tokenizer_3=tiny_t5_tokenizer(),
    )


def save_tiny_sdxl(path: Path, *, seed: int = 0) -> Path:
    return save_pipeline(path, tiny_sdxl_pipeline(seed))


def save_tiny_flux(path: Path, *, seed: int = 0) -> Path:
    return save_pipeline(path, tiny_flux_pipeline(seed))


def save_tiny_sd3(path: Path, *, seed: int = 0) -> Path:
    return save_pipeline(path, tiny_sd3_pipeline(seed))
