"""Tiny random-weight video (and newer image) diffusers pipelines, built in code for tests.

Nothing is ever downloaded: every module is built from a tiny config and seeded, every tokenizer
from a vocabulary written in ``tiny_parts.py`` (the T5 one is a ``tokenizers`` Unigram model, no
sentencepiece file). SVD, LTX and Wan are built here, SDXL, FLUX and SD3 in
``tiny_image_pipelines.py``; this module names, saves and calls them all. Sibling of
``tiny_pipelines.py`` (SD 1.5 and the registry layouts).

``save_tiny_<name>(path, seed=0) -> Path``
    A real pipeline folder (``model_index.json`` + components, safetensors weights) that loads
    with ``DiffusionPipeline.from_pretrained(path, local_files_only=True, use_safetensors=True)``
    and runs on the CPU in well under a second at the sizes of ``smoke_inputs``. The pixels are
    noise; a seeded generator gives the same pixels every time. ``tiny_<name>_pipeline(seed=0)``
    is the same pipeline in memory, unsaved.

``build_video_models(root) -> dict[str, Path]``
    Writes them all into ``root`` (a models folder the registry can scan) under the names below:

    ============== ================================ ============== ========================
    folder         pipeline class                   registry kind  family
    ============== ================================ ============== ========================
    tiny-svd       StableVideoDiffusionPipeline     image-to-video svd
    tiny-ltx       LTXPipeline                      text-to-video  ltx
    tiny-ltx-i2v   LTXImageToVideoPipeline          image-to-video ltx (same weights)
    tiny-wan       WanPipeline                      text-to-video  wan
    tiny-wan-i2v   WanImageToVideoPipeline          image-to-video wan (Wan 2.1 style)
    tiny-sdxl      StableDiffusionXLPipeline        text-to-image  sdxl
    tiny-flux      FluxPipeline                     text-to-image  flux
    tiny-sd3       StableDiffusion3Pipeline         text-to-image  sd3
    ============== ================================ ============== ========================

    About 2 s once torch/diffusers are imported (~5 s for that); ~16 MB. Treat a shared copy as
    read-only (``shutil.copytree`` it before changing anything).

``smoke_inputs(name, seed=0) -> dict``
    The smallest valid ``__call__`` keyword arguments for a model (2 steps, ``output_type="np"``,
    a seeded CPU generator, a PIL image for the image-to-video ones) and ``SMOKE_SHAPES[name]``
    the shape of ``pipe(**smoke_inputs(name)).frames`` (``.images`` for text-to-image).

``missing_packages(name) -> list[str]``
    What loading or running a model needs that is not installed: the Wan pipelines need
    ``accelerate`` (and the image-to-video one ``ftfy``) with diffusers 0.42; skip on it.

The compression ratios are the real ones (VAE: 8× spatial everywhere; LTX 32× spatial and 8×
temporal; Wan 4× temporal, SVD none), so the size and frame-count rules of the real models hold.

To share one copy across a test module or session (``conftest.py`` is owned elsewhere)::

    @pytest.fixture(scope="session")
    def video_models(tmp_path_factory):
        return build_video_models(tmp_path_factory.mktemp("video-models"))

Then ``video_models["tiny-ltx"]`` is a folder, and its ``.parent`` the models folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tiny_image_pipelines import (
    IMAGE_MODELS,
    IMAGE_SMOKE_ARGS,
    IMAGE_SMOKE_SHAPES,
    TINY_FLUX,
    TINY_SD3,
    TINY_SDXL,
    save_tiny_flux,
    save_tiny_sd3,
    save_tiny_sdxl,
)
from tiny_parts import (
    SD_SCHEDULE,
    save_pipeline,
    tiny_clip_image_processor,
    tiny_clip_vision_config,
    tiny_t5_encoder,
    tiny_t5_tokenizer,
    tiny_umt5_encoder,
)

TINY_SVD = "tiny-svd"
TINY_LTX = "tiny-ltx"
TINY_LTX_I2V = "tiny-ltx-i2v"
TINY_WAN = "tiny-wan"
TINY_WAN_I2V = "tiny-wan-i2v"
# What loading or calling needs beyond the project's dependencies (diffusers 0.42.1): the Wan
# transformer keeps some modules in fp32, which ``from_pretrained`` refuses to do without
# ``accelerate``; ``WanImageToVideoPipeline`` cleans prompts with ``ftfy`` unconditionally.
NEEDS: dict[str, tuple[str, ...]] = {
    TINY_WAN: ("accelerate",),
    TINY_WAN_I2V: ("accelerate", "ftfy"),
}
VIDEO_MODELS = (TINY_SVD, TINY_LTX, TINY_LTX_I2V, TINY_WAN, TINY_WAN_I2V)
ALL_MODELS = VIDEO_MODELS + IMAGE_MODELS

PROMPT = "a cat, rain"  # 13 T5 tokens with </s>
# ``pipe(**smoke_inputs(name)).frames`` (video: batch, frames, height, width, rgb) or ``.images``
# (image: batch, height, width, rgb); numpy float32 in [0, 1].
SMOKE_SHAPES: dict[str, tuple[int, ...]] = {
    TINY_SVD: (1, 3, 64, 64, 3),
    TINY_LTX: (1, 9, 32, 64, 3),
    TINY_LTX_I2V: (1, 9, 32, 64, 3),
    TINY_WAN: (1, 5, 32, 48, 3),
    TINY_WAN_I2V: (1, 5, 32, 48, 3),
    **IMAGE_SMOKE_SHAPES,
}


# ---------------------------------------------------------------- Stable Video Diffusion


def tiny_svd_pipeline(seed: int = 0) -> Any:
    """``StableVideoDiffusionPipeline``: image-to-video, 8× VAE, CLIP vision at 224×224."""
    import torch
    from diffusers import (
        AutoencoderKLTemporalDecoder,
        EulerDiscreteScheduler,
        StableVideoDiffusionPipeline,
        UNetSpatioTemporalConditionModel,
    )
    from transformers import CLIPVisionModelWithProjection

    torch.manual_seed(seed)
    unet = UNetSpatioTemporalConditionModel(
        sample_size=8,
        in_channels=8,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"),
        up_block_types=("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
        cross_attention_dim=32,
        num_attention_heads=(4, 8),
        addition_time_embed_dim=32,
        projection_class_embeddings_input_dim=96,  # 3 added time ids × 32
        num_frames=3,
    )
    vae = AutoencoderKLTemporalDecoder(
        in_channels=3,
        out_channels=3,
        block_out_channels=(32, 32, 32, 32),
        down_block_types=("DownEncoderBlock2D",) * 4,
        layers_per_block=1,
        latent_channels=4,
        sample_size=64,
    )
    # The pipeline resizes a PIL image to 224×224 for the image encoder (a tensor goes as is).
    image_encoder = CLIPVisionModelWithProjection(
        tiny_clip_vision_config(32, heads=4, intermediate_size=37, image_size=224, patch_size=32)
    )
    scheduler = EulerDiscreteScheduler(
        **SD_SCHEDULE,
        interpolation_type="linear",
        num_train_timesteps=1000,
        prediction_type="v_prediction",
        sigma_max=700.0,
        sigma_min=0.002,
        timestep_spacing="leading",
        timestep_type="continuous",
        use_karras_sigmas=True,
    )
    return StableVideoDiffusionPipeline(
        vae=vae,
        image_encoder=image_encoder,
        unet=unet,
        scheduler=scheduler,
        feature_extractor=tiny_clip_image_processor(224),
    )


# ---------------------------------------------------------------- LTX-Video


def tiny_ltx_pipeline(seed: int = 0, image_to_video: bool = False) -> Any:
    """``LTXPipeline`` (or ``LTXImageToVideoPipeline``, same modules): 32× spatial and 8×
    temporal compression as in LTX-Video 0.9.0, T5 text encoder."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXImageToVideoPipeline,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    torch.manual_seed(seed)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=1,
        caption_channels=32,
    )
    vae = AutoencoderKLLTXVideo(
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, True, False),
        decoder_spatio_temporal_scaling=(True, True, True, False),
        patch_size=4,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    cls = LTXImageToVideoPipeline if image_to_video else LTXPipeline
    return cls(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        text_encoder=tiny_t5_encoder(32),
        tokenizer=tiny_t5_tokenizer(),
        transformer=transformer,
    )


# ---------------------------------------------------------------- Wan 2.1


def tiny_wan_pipeline(seed: int = 0, image_to_video: bool = False) -> Any:
    """``WanPipeline``, or ``WanImageToVideoPipeline`` in the Wan 2.1 form (a CLIP vision
    encoder and image processor, a transformer taking 36 input channels)."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        UniPCMultistepScheduler,
        WanImageToVideoPipeline,
        WanPipeline,
        WanTransformer3DModel,
    )
    from transformers import CLIPVisionModel

    torch.manual_seed(seed)
    vae = AutoencoderKLWan(
        base_dim=3,
        z_dim=16,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )
    image_dim = 8  # the CLIP vision hidden size
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        # image-to-video: 16 noise + 16 first-frame latent + 4 mask channels
        in_channels=36 if image_to_video else 16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
        image_dim=image_dim if image_to_video else None,
        added_kv_proj_dim=24 if image_to_video else None,  # heads × head dim, as in Wan 2.1
    )
    # Real Wan 2.1 repositories ship UniPC with flow sigmas.
    scheduler = UniPCMultistepScheduler(
        prediction_type="flow_prediction",
        use_flow_sigmas=True,
        num_train_timesteps=1000,
        flow_shift=3.0,
    )
    parts: dict[str, Any] = {
        "tokenizer": tiny_t5_tokenizer(),
        "text_encoder": tiny_umt5_encoder(32),
        "vae": vae,
        "scheduler": scheduler,
        "transformer": transformer,
    }
    if not image_to_video:
        return WanPipeline(**parts)
    image_encoder = CLIPVisionModel(
        tiny_clip_vision_config(
            image_dim, heads=2, intermediate_size=16, image_size=32, patch_size=8
        )
    )
    return WanImageToVideoPipeline(
        **parts, image_encoder=image_encoder, image_processor=tiny_clip_image_processor(32)
    )


# ---------------------------------------------------------------- saving


def save_tiny_svd(path: Path, *, seed: int = 0) -> Path:
    return save_pipeline(path, tiny_svd_pipeline(seed))


def save_tiny_ltx(path: Path, *, seed: int = 0) -> Path:
    return save_pipeline(path, tiny_ltx_pipeline(seed))


def save_tiny_ltx_i2v(path: Path, *, seed: int = 0) -> Path:
    return save_pipeline(path, tiny_ltx_pipeline(seed, image_to_video=True))


def save_tiny_wan(path: Path, *, seed: int = 0) -> Path:
    return save_pipeline(path, tiny_wan_pipeline(seed))


def save_tiny_wan_i2v(path: Path, *, seed: int = 0) -> Path:
    return save_pipeline(path, tiny_wan_pipeline(seed, image_to_video=True))


SAVERS: dict[str, Callable[..., Path]] = {
    TINY_SVD: save_tiny_svd,
    TINY_LTX: save_tiny_ltx,
    TINY_LTX_I2V: save_tiny_ltx_i2v,
    TINY_WAN: save_tiny_wan,
    TINY_WAN_I2V: save_tiny_wan_i2v,
    TINY_SDXL: save_tiny_sdxl,
    TINY_FLUX: save_tiny_flux,
    TINY_SD3: save_tiny_sd3,
}


def build_video_models(root: Path, names: tuple[str, ...] = ALL_MODELS) -> dict[str, Path]:
    """Save the tiny pipelines ``names`` (default: all) as folders of ``root``; name → folder."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    return {name: SAVERS[name](root / name) for name in names}


# ---------------------------------------------------------------- calling


def missing_packages(name: str) -> list[str]:
    """The packages of ``NEEDS[name]`` that are not installed (empty: it loads and runs)."""
    from importlib.util import find_spec

    return [package for package in NEEDS.get(name, ()) if find_spec(package) is None]


def smoke_image(width: int = 64, height: int = 64, seed: int = 0) -> Any:
    """A deterministic RGB ``PIL.Image`` (a colour gradient with a seeded tint)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), 0 * x], -1)
    rgb[..., 2] = rng.integers(0, 256)
    return Image.fromarray(rgb.astype("uint8"), "RGB")


def smoke_inputs(name: str, seed: int = 0) -> dict[str, Any]:
    """The smallest valid ``__call__`` arguments for tiny model ``name`` (see ``SMOKE_SHAPES``)."""
    import torch

    common: dict[str, Any] = {
        "num_inference_steps": 2,
        "generator": torch.Generator("cpu").manual_seed(seed),
        "output_type": "np",
    }
    if name == TINY_SVD:
        return common | {
            "image": smoke_image(64, 64),
            "height": 64,
            "width": 64,
            "num_frames": 3,
            "decode_chunk_size": 3,
            "fps": 7,
            "motion_bucket_id": 127,
            "noise_aug_strength": 0.02,
            "min_guidance_scale": 1.0,
            "max_guidance_scale": 2.5,
        }
    prompted = common | {"prompt": PROMPT, "negative_prompt": "", "max_sequence_length": 16}
    if name in (TINY_LTX, TINY_LTX_I2V):
        args = prompted | {
            "height": 32,
            "width": 64,
            "num_frames": 9,
            "frame_rate": 25,
            "guidance_scale": 3.0,
        }
        return args | ({"image": smoke_image(64, 32)} if name == TINY_LTX_I2V else {})
    if name in (TINY_WAN, TINY_WAN_I2V):
        args = prompted | {"height": 32, "width": 48, "num_frames": 5, "guidance_scale": 5.0}
        return args | ({"image": smoke_image(48, 32)} if name == TINY_WAN_I2V else {})
    if name in IMAGE_MODELS:
        return common | {"prompt": PROMPT} | IMAGE_SMOKE_ARGS[name]
    raise KeyError(f"no tiny model named {name!r} (known: {', '.join(ALL_MODELS)})")
