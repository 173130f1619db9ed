"""Tiny random-weight video (and newer image) diffusers pipelines, built in code for tests.

Nothing is ever downloaded: every module is built from a tiny config and seeded, every tokenizer
is built from a vocabulary written here (the T5 one is a ``tokenizers`` Unigram model, no
sentencepiece file). Sibling of ``tiny_pipelines.py`` (SD 1.5 and the registry layouts).

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

    from tiny_video_pipelines import build_video_models

    @pytest.fixture(scope="session")
    def video_models(tmp_path_factory):
        return build_video_models(tmp_path_factory.mktemp("video-models"))

Then ``video_models["tiny-ltx"]`` is a folder, and ``video_models["tiny-ltx"].parent`` is the
models folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tiny_pipelines import tiny_clip_tokenizer

TINY_SVD = "tiny-svd"
TINY_LTX = "tiny-ltx"
TINY_LTX_I2V = "tiny-ltx-i2v"
TINY_WAN = "tiny-wan"
TINY_WAN_I2V = "tiny-wan-i2v"
TINY_SDXL = "tiny-sdxl"
TINY_FLUX = "tiny-flux"
TINY_SD3 = "tiny-sd3"
# What loading or calling needs beyond the project's dependencies (diffusers 0.42.1): the Wan
# transformer keeps some modules in fp32, which ``from_pretrained`` refuses to do without
# ``accelerate``; ``WanImageToVideoPipeline`` cleans prompts with ``ftfy`` unconditionally.
NEEDS: dict[str, tuple[str, ...]] = {
    TINY_WAN: ("accelerate",),
    TINY_WAN_I2V: ("accelerate", "ftfy"),
}
VIDEO_MODELS = (TINY_SVD, TINY_LTX, TINY_LTX_I2V, TINY_WAN, TINY_WAN_I2V)
IMAGE_MODELS = (TINY_SDXL, TINY_FLUX, TINY_SD3)
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
    TINY_SDXL: (1, 64, 64, 3),
    TINY_FLUX: (1, 64, 48, 3),
    TINY_SD3: (1, 64, 48, 3),
}

_T5_PIECES = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-:;()"


# ---------------------------------------------------------------- shared tiny text / image parts


def tiny_t5_tokenizer() -> Any:
    """A T5 tokenizer (``tokenizers`` Unigram over single characters, ``<pad>``=0, ``</s>``=1,
    ``<unk>``=2, no sentinel tokens): 77 tokens, saved as ``tokenizer.json``. Each character is
    a token, so a prompt takes about one token per character (keep ``max_sequence_length``
    small in tests, it sets the sequence length whatever the prompt)."""
    from transformers import T5Tokenizer  # the tokenizers-backed class in transformers 5

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    vocab += [(ch, -3.0) for ch in _T5_PIECES]
    return T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=512)


def _t5_kwargs(d_model: int) -> dict[str, Any]:
    return {
        "vocab_size": 80,  # ≥ the tokenizer's 77
        "d_model": d_model,
        "d_kv": 8,
        "d_ff": 37,
        "num_layers": 2,
        "num_heads": 4,
        "relative_attention_num_buckets": 8,
        "pad_token_id": 0,
        "eos_token_id": 1,
        "decoder_start_token_id": 0,
    }


def tiny_t5_encoder(d_model: int = 32) -> Any:
    from transformers import T5Config, T5EncoderModel

    return T5EncoderModel(T5Config(**_t5_kwargs(d_model)))


def tiny_umt5_encoder(d_model: int = 32) -> Any:
    from transformers import UMT5Config, UMT5EncoderModel

    return UMT5EncoderModel(UMT5Config(**_t5_kwargs(d_model)))


def _clip_text_config(hidden_size: int = 32) -> Any:
    from transformers import CLIPTextConfig

    # Token ids as ``tiny_clip_tokenizer`` numbers them (BOS 0, EOS = PAD 1).
    return CLIPTextConfig(
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
        hidden_size=hidden_size,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        vocab_size=1000,
        max_position_embeddings=77,
        projection_dim=hidden_size,
        hidden_act="gelu",
    )


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


def _image_processor(size: int) -> Any:
    from transformers import CLIPImageProcessor

    return CLIPImageProcessor(size={"shortest_edge": size}, crop_size=size)


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
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

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
        CLIPVisionConfig(
            hidden_size=32,
            projection_dim=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=37,
            image_size=224,
            patch_size=32,
        )
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        interpolation_type="linear",
        num_train_timesteps=1000,
        prediction_type="v_prediction",
        sigma_max=700.0,
        sigma_min=0.002,
        steps_offset=1,
        timestep_spacing="leading",
        timestep_type="continuous",
        use_karras_sigmas=True,
    )
    return StableVideoDiffusionPipeline(
        vae=vae,
        image_encoder=image_encoder,
        unet=unet,
        scheduler=scheduler,
        feature_extractor=_image_processor(224),
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
    from transformers import CLIPVisionConfig, CLIPVisionModel

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
        CLIPVisionConfig(
            hidden_size=image_dim,
            projection_dim=image_dim,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=16,
            image_size=32,
            patch_size=8,
        )
    )
    return WanImageToVideoPipeline(
        **parts, image_encoder=image_encoder, image_processor=_image_processor(32)
    )


# ---------------------------------------------------------------- text-to-image: SDXL, Flux, SD3


def tiny_sdxl_pipeline(seed: int = 0) -> Any:
    """``StableDiffusionXLPipeline``: two CLIP text encoders (the second with projection)."""
    import torch
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        sample_size=8,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 2),
        projection_class_embeddings_input_dim=80,  # 6 time ids × 8 + pooled text 32
        cross_attention_dim=64,  # the two encoders' hidden states side by side
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        steps_offset=1,
        timestep_spacing="leading",
    )
    return StableDiffusionXLPipeline(
        vae=_tiny_kl_vae(4, scaling_factor=0.13025),
        text_encoder=CLIPTextModel(_clip_text_config()),
        text_encoder_2=CLIPTextModelWithProjection(_clip_text_config()),
        tokenizer=tiny_clip_tokenizer(),
        tokenizer_2=tiny_clip_tokenizer(),
        unet=unet,
        scheduler=scheduler,
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
    vae = _tiny_kl_vae(
        4,
        use_quant_conv=False,
        use_post_quant_conv=False,
        shift_factor=0.1159,
        scaling_factor=0.3611,
    )
    return FluxPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(shift=1.0),
        vae=vae,
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
    vae = _tiny_kl_vae(
        4,
        use_quant_conv=False,
        use_post_quant_conv=False,
        shift_factor=0.0609,
        scaling_factor=1.5305,
    )
    return StableDiffusion3Pipeline(
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
        vae=vae,
        text_encoder=CLIPTextModelWithProjection(_clip_text_config(16)),
        tokenizer=tiny_clip_tokenizer(),
        text_encoder_2=CLIPTextModelWithProjection(_clip_text_config(16)),
        tokenizer_2=tiny_clip_tokenizer(),
        text_encoder_3=tiny_t5_encoder(32),
        tokenizer_3=tiny_t5_tokenizer(),
    )


# ---------------------------------------------------------------- saving


def _save(path: Path, pipe: Any) -> Path:
    path = Path(path)
    pipe.save_pretrained(path, safe_serialization=True)
    return path


def save_tiny_svd(path: Path, *, seed: int = 0) -> Path:
    return _save(path, tiny_svd_pipeline(seed))


def save_tiny_ltx(path: Path, *, seed: int = 0) -> Path:
    return _save(path, tiny_ltx_pipeline(seed))


def save_tiny_ltx_i2v(path: Path, *, seed: int = 0) -> Path:
    return _save(path, tiny_ltx_pipeline(seed, image_to_video=True))


def save_tiny_wan(path: Path, *, seed: int = 0) -> Path:
    return _save(path, tiny_wan_pipeline(seed))


def save_tiny_wan_i2v(path: Path, *, seed: int = 0) -> Path:
    return _save(path, tiny_wan_pipeline(seed, image_to_video=True))


def save_tiny_sdxl(path: Path, *, seed: int = 0) -> Path:
    return _save(path, tiny_sdxl_pipeline(seed))


def save_tiny_flux(path: Path, *, seed: int = 0) -> Path:
    return _save(path, tiny_flux_pipeline(seed))


def save_tiny_sd3(path: Path, *, seed: int = 0) -> Path:
    return _save(path, tiny_sd3_pipeline(seed))


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
    if name in (TINY_LTX, TINY_LTX_I2V):
        args = common | {
            "prompt": PROMPT,
            "negative_prompt": "",
            "height": 32,
            "width": 64,
            "num_frames": 9,
            "frame_rate": 25,
            "guidance_scale": 3.0,
            "max_sequence_length": 16,
        }
        return args | ({"image": smoke_image(64, 32)} if name == TINY_LTX_I2V else {})
    if name in (TINY_WAN, TINY_WAN_I2V):
        args = common | {
            "prompt": PROMPT,
            "negative_prompt": "",
            "height": 32,
            "width": 48,
            "num_frames": 5,
            "guidance_scale": 5.0,
            "max_sequence_length": 16,
        }
        return args | ({"image": smoke_image(48, 32)} if name == TINY_WAN_I2V else {})
    if name == TINY_SDXL:
        return common | {"prompt": PROMPT, "height": 64, "width": 64, "guidance_scale": 5.0}
    if name == TINY_FLUX:
        return common | {
            "prompt": PROMPT,
            "height": 64,
            "width": 48,
            "guidance_scale": 0.0,
            "max_sequence_length": 16,
        }
    if name == TINY_SD3:
        return common | {
            "prompt": PROMPT,
            "height": 64,
            "width": 48,
            "guidance_scale": 5.0,
            "max_sequence_length": 16,
        }
    raise KeyError(f"no tiny model named {name!r} (known: {', '.join(ALL_MODELS)})")
