"""A tiny random-weight MuseTalk 1.5 folder, built in code for tests (nothing is downloaded).

``save_tiny_musetalk(folder) -> Path`` lays the parts out as MuseTalk's download script does:

- ``musetalkV15/musetalk.json`` + ``musetalkV15/unet.pth``: a ``UNet2DConditionModel`` config of
  the real one's shape (8 latent channels in, 4 out, cross-attention on the first level, at the
  tiny Whisper's width) and its plain state dict saved with ``torch.save``
- ``sd-vae/``: a tiny ``AutoencoderKL`` (four levels: 256 pixels -> 32×32 latents, as the real
  sd-vae-ft-mse), ``save_pretrained`` (safetensors)
- ``whisper/``: a 2-layer ``WhisperModel`` (30 s windows of 80 mel bins -> 1500 frames, as
  whisper-tiny) and its ``WhisperFeatureExtractor``, ``save_pretrained`` (safetensors)

``safe=False`` saves the VAE and Whisper weights as ``.bin`` pickles instead, as the download
script fetches them. Weights come from a seeded generator: the same folder every time. The UNet's
cross-attention weights are scaled up (``AUDIO_FOCUS``, ``AUDIO_GAIN``): random attention over the
audio tokens is near uniform, and the mouth would hardly depend on the audio.

``write_empty_layout(folder)`` writes the real file names as empty files (layout checks only).
"""

from __future__ import annotations

import json
from pathlib import Path

WIDTH = 32  # the Whisper width, and so the UNet's cross-attention width
WHISPER_LAYERS = 2  # hidden states per audio frame: the embeddings + one per layer
AUDIO_FOCUS = 8.0  # the UNet's cross-attention query and key weights, scaled up
AUDIO_GAIN = 4.0  # ... and its value and output weights: the mouth changes with the audio
LAYOUT = (  # the files of a MuseTalk folder, as the download script names them
    "musetalkV15/musetalk.json",
    "musetalkV15/unet.pth",
    "sd-vae/config.json",
    "sd-vae/diffusion_pytorch_model.bin",
    "whisper/config.json",
    "whisper/pytorch_model.bin",
    "whisper/preprocessor_config.json",
)


def save_tiny_musetalk(folder: Path, *, seed: int = 0, safe: bool = True) -> Path:
    """Write the tiny MuseTalk layout under ``folder`` (created if needed); returns it."""
    import torch

    folder = Path(folder)
    torch.manual_seed(seed)
    _save_unet(folder / "musetalkV15")
    _tiny_vae().save_pretrained(folder / "sd-vae", safe_serialization=safe)
    whisper, extractor = _tiny_whisper()
    whisper.save_pretrained(folder / "whisper", safe_serialization=safe)
    extractor.save_pretrained(folder / "whisper")
    return folder


def write_empty_layout(folder: Path) -> Path:
    """The MuseTalk file names under ``folder`` as empty files: a layout with nothing loadable."""
    for rel in LAYOUT:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(b"")
    return folder


def unet_config() -> dict[str, object]:
    """musetalk.json's fields at tiny sizes (the real one: 320…1280 channels, width 384)."""
    return {
        "_class_name": "UNet2DConditionModel",
        "act_fn": "silu",
        "attention_head_dim": 8,
        "block_out_channels": [32, 64],
        "center_input_sample": False,
        "cross_attention_dim": WIDTH,
        "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
        "downsample_padding": 1,
        "flip_sin_to_cos": True,
        "freq_shift": 0,
        "in_channels": 8,
        "layers_per_block": 1,
        "mid_block_scale_factor": 1,
        "norm_eps": 1e-05,
        "norm_num_groups": 32,
        "out_channels": 4,
        "sample_size": 32,
        "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
    }


def _save_unet(folder: Path) -> None:
    import torch
    from diffusers import UNet2DConditionModel

    folder.mkdir(parents=True, exist_ok=True)
    config = unet_config()
    (folder / "musetalk.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    unet = UNet2DConditionModel.from_config(config)
    with torch.no_grad():  # random attention is near uniform and barely hears the audio: sharpen
        for name, module in unet.named_modules():
            if name.endswith("attn2"):
                module.to_q.weight.mul_(AUDIO_FOCUS)
                module.to_k.weight.mul_(AUDIO_FOCUS)
                module.to_v.weight.mul_(AUDIO_GAIN)
                module.to_out[0].weight.mul_(AUDIO_GAIN)
    torch.save(unet.state_dict(), folder / "unet.pth")


def _tiny_vae() -> object:
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(8, 8, 16, 16),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=1,
        norm_num_groups=4,
        latent_channels=4,
        sample_size=256,
    )


def _tiny_whisper() -> tuple[object, object]:
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperModel

    config = WhisperConfig(
        vocab_size=64,
        num_mel_bins=80,
        d_model=WIDTH,
        encoder_layers=WHISPER_LAYERS,
        encoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_layers=1,
        decoder_attention_heads=2,
        decoder_ffn_dim=64,
        max_source_positions=1500,
        max_target_positions=16,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=1,
        suppress_tokens=[],
        begin_suppress_tokens=[],
    )
    extractor = WhisperFeatureExtractor(feature_size=80, sampling_rate=16000)
    return WhisperModel(config), extractor
