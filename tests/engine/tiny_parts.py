"""The parts the tiny test pipelines share, built in code (nothing is ever downloaded).

Used by ``tiny_pipelines.py`` (SD 1.5), ``tiny_video_pipelines.py`` (SVD, LTX, Wan) and
``tiny_image_pipelines.py`` (SDXL, FLUX, SD3): CLIP text and vision, T5, the SD 1.5 UNet
layout, Stable Diffusion's noise schedule, and saving a pipeline folder. The modules draw their
random weights from torch's global generator: seed it first and build in a fixed order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Stable Diffusion's scaled-linear betas (SD 1.5, SDXL and SVD), for any of its schedulers.
SD_SCHEDULE: dict[str, Any] = {
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "steps_offset": 1,
}

_T5_PIECES = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-:;()"


def save_pipeline(path: Path, pipe: Any, *, safe: bool = True) -> Path:
    """Save ``pipe`` as a pipeline folder at ``path`` (safetensors, or ``.bin`` pickles)."""
    path = Path(path)
    pipe.save_pretrained(path, safe_serialization=safe)
    return path


def tiny_sd_unet(sample_size: int, **changes: Any) -> Any:
    """SD 1.5's ``UNet2DConditionModel`` layout, tiny: two levels of 32 and 64 channels (the
    second with cross-attention), 4 latent channels in and out; ``changes`` on top."""
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(
        sample_size=sample_size,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        **changes,
    )


# ---------------------------------------------------------------- CLIP text


def tiny_clip_tokenizer() -> Any:
    """A CLIP tokenizer over single bytes (no merges): 2 special tokens + 512 byte tokens."""
    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for ch in _byte_chars():
        vocab[ch] = len(vocab)
        vocab[ch + "</w>"] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)


def tiny_clip_text_config(hidden_size: int = 32, **changes: Any) -> Any:
    """A 2-layer ``CLIPTextConfig`` for ``tiny_clip_tokenizer`` (BOS 0, EOS = PAD 1), with
    ``changes`` (other ``CLIPTextConfig`` fields) on top."""
    from transformers import CLIPTextConfig

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
        **changes,
    )


def _byte_chars() -> list[str]:
    """The 256 printable stand-ins byte-level BPE uses for bytes (GPT-2's table)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    chars, extra = [], 0
    for b in range(256):
        if b in printable:
            chars.append(chr(b))
        else:
            chars.append(chr(256 + extra))
            extra += 1
    return chars


# ---------------------------------------------------------------- CLIP vision


def tiny_clip_vision_config(
    hidden_size: int, *, heads: int, intermediate_size: int, image_size: int, patch_size: int
) -> Any:
    """A 2-layer ``CLIPVisionConfig`` (projection as wide as the hidden size)."""
    from transformers import CLIPVisionConfig

    return CLIPVisionConfig(
        hidden_size=hidden_size,
        projection_dim=hidden_size,
        num_hidden_layers=2,
        num_attention_heads=heads,
        intermediate_size=intermediate_size,
        image_size=image_size,
        patch_size=patch_size,
    )


def tiny_clip_image_processor(size: int) -> Any:
    """A ``CLIPImageProcessor`` resizing and cropping to ``size``×``size``."""
    from transformers import CLIPImageProcessor

    return CLIPImageProcessor(size={"shortest_edge": size}, crop_size=size)


# ---------------------------------------------------------------- T5 text


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
