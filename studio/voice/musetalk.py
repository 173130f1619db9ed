"""MuseTalk 1.5, the neural lip-sync model: its folder layout, loading, and syncing frames to audio.

The folder holds what MuseTalk's download script fetches: ``musetalkV15/musetalk.json`` +
``unet.pth`` (a ``UNet2DConditionModel`` config and its plain state dict), ``sd-vae/``
(sd-vae-ft-mse, an ``AutoencoderKL``) and ``whisper/`` (whisper-tiny, Hugging Face form).
``.safetensors`` files are taken first; ``unet.pth`` loads with ``torch.load(weights_only=True)``
only, and the VAE's or Whisper's ``.bin`` pickles only when the model is trusted.

Per frame: the face box is cropped to 256×256; the VAE encodes the crop with its lower half blanked
and the whole crop (the reference); the UNet runs once, at timestep 0, on those 8 latent channels
with the frame's Whisper window plus MuseTalk's positional encoding (``musetalk_audio``) as its
cross-attention input; the VAE decodes the new face. The lower half of the box is pasted back,
feathered to nothing at its edges (``musetalk_face``). MuseTalk narrows that paste to the jaw with
a face-parsing model (BiSeNet); we have none, so the caller's box should hug the face (nose near
its middle, chin at its bottom edge). The VAE latents are its mode, not a sample: a run is
deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from studio.engine.backends.base import Cancelled
from studio.engine.model_files import one_line
from studio.engine.pickle_trust import is_trusted_folder
from studio.voice import musetalk_audio
from studio.voice.musetalk_face import CROP, Box, clip_box, crop_face, paste_lower_face

UNET_DIR = "musetalkV15"
UNET_CONFIG = f"{UNET_DIR}/musetalk.json"
UNET_WEIGHTS = ("unet.safetensors", "unet.pth")
VAE_DIRS = ("sd-vae", "sd-vae-ft-mse")  # the download script's name, and the README's
VAE_WEIGHTS = ("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin")
WHISPER_DIR = "whisper"
WHISPER_CONFIGS = ("config.json", "preprocessor_config.json")
WHISPER_WEIGHTS = ("model.safetensors", "pytorch_model.bin")


class MuseTalkError(Exception):
    """A MuseTalk folder that cannot be used: a missing, refused or unreadable file (one line)."""


@dataclass(frozen=True, slots=True)
class _Layout:
    folder: Path
    unet_config: Path
    unet_weights: Path
    vae_dir: Path
    vae_weights: Path
    whisper_weights: Path

    def files(self) -> list[Path]:
        whisper = [self.folder / WHISPER_DIR / name for name in WHISPER_CONFIGS]
        parts = [self.unet_config, self.unet_weights, self.vae_dir / "config.json"]
        return sorted([*parts, self.vae_weights, *whisper, self.whisper_weights])

    def name(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()


def _pick(folder: Path, sub: str, names: Sequence[str]) -> Path:
    """The first of ``names`` in ``folder/sub``; a MuseTalkError naming the last when none is."""
    for name in names:
        if (folder / sub / name).is_file():
            return folder / sub / name
    raise MuseTalkError(f"MuseTalk file missing: {sub}/{names[-1]} (in {folder})")


def _layout(folder: Path) -> _Layout:
    folder = Path(folder)
    if not folder.is_dir():
        raise MuseTalkError(f"MuseTalk folder not found: {folder}")
    config = _pick(folder, UNET_DIR, ("musetalk.json",))
    unet = _pick(folder, UNET_DIR, UNET_WEIGHTS)
    vae_dir = next((d for d in VAE_DIRS if (folder / d).is_dir()), VAE_DIRS[0])
    _pick(folder, vae_dir, ("config.json",))
    vae = _pick(folder, vae_dir, VAE_WEIGHTS)
    for name in WHISPER_CONFIGS:
        _pick(folder, WHISPER_DIR, (name,))
    whisper = _pick(folder, WHISPER_DIR, WHISPER_WEIGHTS)
    return _Layout(folder, config, unet, folder / vae_dir, vae, whisper)


def is_musetalk_folder(path: Path) -> bool:
    """True when ``path`` holds MuseTalk 1.5's configs and weights (nothing is read)."""
    try:
        _layout(path)
    except MuseTalkError:
        return False
    return True


def musetalk_files(path: Path) -> list[Path]:
    """The config and weight files the model is made of, sorted (for a content hash)."""
    return _layout(path).files()


class MuseTalk:
    """The loaded model: UNet, VAE and Whisper encoder on one device, ready to sync frames."""

    def __init__(self, unet: Any, vae: Any, encoder: Any, extractor: Any, device: str, dtype: Any):
        self.unet, self.vae, self.encoder, self.extractor = unet, vae, encoder, extractor
        self.device, self.dtype = device, dtype

    @classmethod
    def load(
        cls,
        folder: Path,
        *,
        device: str = "cpu",
        dtype: Any = None,
        allow_pickle: bool | None = None,
    ) -> MuseTalk:
        """Load the folder's parts. ``dtype``: a torch dtype or its name; default float16 on a
        GPU, float32 on the CPU. ``allow_pickle`` (default: whether the user trusted these very
        files, `studio models trust`) lets the VAE's and Whisper's ``.bin`` weights load;
        ``unet.pth`` always loads weights-only."""
        import torch

        layout = _layout(Path(folder))
        if allow_pickle is None:
            allow_pickle = is_trusted_folder(layout.folder)
        for path in (layout.vae_weights, layout.whisper_weights):
            if path.suffix == ".bin" and not allow_pickle:
                raise MuseTalkError(
                    f"{layout.name(path)} is a pickle file: refused unless this model is trusted"
                    " (studio models trust) or converted to .safetensors"
                )
        if dtype is None:
            dtype = torch.float16 if device.startswith("cuda") else torch.float32
        dtype = getattr(torch, dtype) if isinstance(dtype, str) else dtype
        unet = _guarded(layout, layout.unet_weights, _load_unet, layout, dtype)
        vae = _guarded(layout, layout.vae_weights, _load_vae, layout, dtype)
        whisper, safe = layout.whisper_weights, layout.whisper_weights.suffix == ".safetensors"
        load_whisper = musetalk_audio.load_whisper
        encoder, extractor = _guarded(layout, whisper, load_whisper, whisper.parent, safe, dtype)
        _check_fit(unet, vae, encoder)
        for part in (unet, vae, encoder):  # each is in ``dtype`` already
            part.to(device).eval().requires_grad_(False)
        return cls(unet, vae, encoder, extractor, device, dtype)

    def sync(
        self,
        frames: Sequence[np.ndarray],
        audio_16k: np.ndarray,
        fps: float,
        faces: Sequence[Box | None],
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        batch_size: int = 8,
    ) -> list[np.ndarray]:
        """New frames whose lower face follows ``audio_16k`` (mono float at 16 kHz, starting with
        frame 0). ``frames``: H×W×3 uint8 RGB at ``fps``; ``faces``: one box per frame (None or
        a box too small: that frame comes back as it was, the same array). ``progress(done,
        total)`` counts synced frames; ``cancelled()`` turning true raises :class:`Cancelled`."""
        if len(faces) != len(frames):
            raise ValueError(f"{len(frames)} frames but {len(faces)} face boxes")
        if fps <= 0 or batch_size < 1:
            raise ValueError("fps and batch_size must be positive")
        stop = cancelled or (lambda: False)
        if stop():
            raise Cancelled("lip-sync cancelled")
        out = list(frames)
        jobs = [(i, box) for i, f in enumerate(frames) if (box := clip_box(faces[i], f.shape))]
        if not jobs:
            return out
        features = musetalk_audio.encode_audio(
            self.encoder, self.extractor, audio_16k, device=self.device, dtype=self.dtype
        )
        for start in range(0, len(jobs), batch_size):
            if stop():
                raise Cancelled("lip-sync cancelled")
            batch = jobs[start : start + batch_size]
            crops = np.stack([crop_face(frames[i], box) for i, box in batch])
            windows = musetalk_audio.frame_windows(features, [i for i, _ in batch], fps)
            for (i, box), face in zip(batch, self._faces(crops, windows), strict=True):
                out[i] = paste_lower_face(frames[i], face, box)
            if progress is not None:
                progress(start + len(batch), len(jobs))
        return out

    def _faces(self, crops: np.ndarray, windows: Any) -> np.ndarray:
        """New 256×256 faces (uint8 RGB) for a batch of crops and their audio windows."""
        import torch

        scale = self.vae.config.scaling_factor
        with torch.inference_mode():
            pixels = torch.from_numpy(crops).to(self.device).permute(0, 3, 1, 2)
            pixels = pixels.to(self.dtype) / 127.5 - 1.0
            masked = pixels.clone()
            masked[:, :, CROP // 2 :, :] = -1.0  # the lower half, black
            latents = self.vae.encode(torch.cat([masked, pixels])).latent_dist.mode() * scale
            latents = torch.cat(latents.chunk(2), dim=1)  # masked then reference: 8 channels
            tokens = windows.to(self.dtype)
            tokens = tokens + musetalk_audio.positional_encoding(
                tokens.shape[1], tokens.shape[2], device=self.device, dtype=self.dtype
            )
            timestep = torch.zeros(1, device=self.device, dtype=torch.long)
            made = self.unet(latents, timestep, encoder_hidden_states=tokens).sample
            images = self.vae.decode(made / scale).sample
            images = ((images.float() / 2 + 0.5).clamp(0, 1) * 255).round().to(torch.uint8)
            return images.permute(0, 2, 3, 1).cpu().numpy()


def _guarded(layout: _Layout, path: Path, load: Callable[..., Any], *args: Any) -> Any:
    """``load(*args)``, its failures (but out-of-memory) as one MuseTalkError naming ``path``."""
    from studio.engine.device import is_oom

    try:
        return load(*args)
    except (OSError, ValueError, RuntimeError, KeyError, TypeError, EOFError) as exc:
        if is_oom(exc):
            raise
        raise MuseTalkError(f"{layout.name(path)} could not be loaded: {one_line(exc)}") from exc


def _load_unet(layout: _Layout, dtype: Any) -> Any:
    import pickle

    import torch
    from accelerate import init_empty_weights
    from diffusers import UNet2DConditionModel

    try:
        config = json.loads(layout.unet_config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MuseTalkError(f"{UNET_CONFIG} is unreadable: {one_line(exc)}") from exc
    path, name = layout.unet_weights, layout.name(layout.unet_weights)
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(path))
    else:
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError as exc:
            raise MuseTalkError(f"{name} holds more than tensors: refused (weights only)") from exc
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise MuseTalkError(f"{name} is not a state dict of tensors")
    with init_empty_weights():
        unet = UNet2DConditionModel.from_config(config)
    unet.load_state_dict({k: v.to(dtype) for k, v in state.items()}, strict=True, assign=True)
    return unet


def _load_vae(layout: _Layout, dtype: Any) -> Any:
    from diffusers import AutoencoderKL

    safe = layout.vae_weights.suffix == ".safetensors"
    return AutoencoderKL.from_pretrained(layout.vae_dir, use_safetensors=safe, torch_dtype=dtype)


def _check_fit(unet: Any, vae: Any, encoder: Any) -> None:
    """The UNet must fit the VAE's latents and Whisper's width."""
    latent, width = vae.config.latent_channels, encoder.config.d_model
    if unet.config.in_channels != 2 * latent or unet.config.out_channels != latent:
        raise MuseTalkError(f"{UNET_CONFIG} does not fit the VAE's {latent} latent channels")
    if unet.config.cross_attention_dim != width:
        raise MuseTalkError(f"{UNET_CONFIG} does not fit Whisper's width {width}")
