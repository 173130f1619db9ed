"""MuseTalk's audio side: the Whisper encoder, its features cut into one window per video frame.

The audio (mono, 16 kHz) is cut into 30 s segments; each becomes an 80-bin log-mel window through
Whisper's feature extractor and goes through Whisper's encoder, keeping the hidden states of every
layer (the embeddings too), 50 audio frames a second. Audio frames past the end of the sound are
zero, as MuseTalk pads them. Video frame ``i`` at ``fps`` gets the 10 audio frames that start 4
before ``floor(i * 50 / fps)``: its own two at 25 fps and two frames' worth either side, as
MuseTalk's audio processor cuts them (``audio_padding_length`` 2 left and right). The window is
laid out time-major, layers inside ("10 × layers" tokens of the encoder's width), and the sinusoid
positional encoding MuseTalk adds before the UNet is :func:`positional_encoding`.

torch is imported inside the functions: this module loads in the worker only when used.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

SAMPLE_RATE = 16_000
FRAMES_PER_SECOND = 50  # Whisper encoder frames per second of audio (1500 per 30 s window)
SEGMENT_SECONDS = 30  # Whisper's window
CONTEXT_LEFT = 2  # video frames of context before the frame (MuseTalk's audio_padding_length_left)
CONTEXT_RIGHT = 2  # ... and after it
TRAINED_FPS = 25  # the video rate MuseTalk was trained at: 2 audio frames per video frame
WINDOW = (FRAMES_PER_SECOND // TRAINED_FPS) * (CONTEXT_LEFT + CONTEXT_RIGHT + 1)  # 10
LEAD = (FRAMES_PER_SECOND // TRAINED_FPS) * CONTEXT_LEFT  # 4 audio frames before the frame's own


def load_whisper(folder: Path, safe: bool, dtype: Any) -> tuple[Any, Any]:
    """Whisper's encoder (in ``dtype``) and feature extractor from a Hugging Face folder
    (``safe``: its ``model.safetensors``, else ``pytorch_model.bin``). ValueError when its
    windows are not MuseTalk's (30 s of 80 mel bins, 1500 frames)."""
    from transformers import WhisperFeatureExtractor, WhisperModel

    encoder = WhisperModel.from_pretrained(folder, use_safetensors=safe).get_encoder()
    extractor = WhisperFeatureExtractor.from_pretrained(folder)
    frames = FRAMES_PER_SECOND * SEGMENT_SECONDS
    if encoder.config.max_source_positions != frames or extractor.chunk_length != SEGMENT_SECONDS:
        raise ValueError(f"not Whisper's {SEGMENT_SECONDS} s windows of {frames} frames")
    if (
        extractor.sampling_rate != SAMPLE_RATE
        or extractor.feature_size != encoder.config.num_mel_bins
    ):
        raise ValueError("the feature extractor does not fit the encoder")
    return encoder.to(dtype=dtype), extractor


def encode_audio(
    encoder: Any, extractor: Any, audio_16k: np.ndarray, *, device: str, dtype: Any
) -> Any:
    """Whisper hidden states for ``audio_16k``: a (audio frames, layers + 1, width) tensor on
    ``device``, one row per 20 ms of audio (rounded up)."""
    import torch

    audio = np.asarray(audio_16k, dtype=np.float32).reshape(-1)
    length = math.ceil(len(audio) * FRAMES_PER_SECOND / SAMPLE_RATE)
    if not len(audio):
        audio = np.zeros(1, dtype=np.float32)  # one silent segment gives the feature shape
    segment = SEGMENT_SECONDS * SAMPLE_RATE
    parts = []
    with torch.inference_mode():
        for start in range(0, len(audio), segment):
            piece = audio[start : start + segment]
            mel = extractor(piece, sampling_rate=SAMPLE_RATE, return_tensors="pt").input_features
            states = encoder(mel.to(device=device, dtype=dtype), output_hidden_states=True)
            parts.append(torch.stack(states.hidden_states, dim=2)[0])  # (1500, layers + 1, width)
    return torch.cat(parts, dim=0)[:length]


def frame_windows(features: Any, frames: list[int], fps: float) -> Any:
    """The audio windows of video ``frames`` (indices at ``fps``): a (len(frames), WINDOW ×
    (layers + 1), width) tensor, zeros where a window reaches past either end of the audio."""
    import torch

    total, layers, width = features.shape
    out = features.new_zeros((len(frames), WINDOW, layers, width))
    for row, frame in enumerate(frames):
        start = math.floor(frame * FRAMES_PER_SECOND / fps + 1e-9) - LEAD
        lo, hi = max(start, 0), min(start + WINDOW, total)
        if lo < hi:
            out[row, lo - start : hi - start] = features[lo:hi]
    return torch.flatten(out, 1, 2)


def positional_encoding(length: int, width: int, *, device: str, dtype: Any) -> Any:
    """The (1, length, width) sinusoid table MuseTalk adds to the audio tokens: sine on even
    channels, cosine on odd, wavelengths from 2π to 10000·2π."""
    import torch

    position = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    rate = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(length, width)
    table[:, 0::2] = torch.sin(position * rate)
    table[:, 1::2] = torch.cos(position * rate)[:, : width // 2]
    return table.unsqueeze(0).to(device=device, dtype=dtype)
