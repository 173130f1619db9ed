"""Reading model files without loading them: listings, content hashes, safetensors headers.

The content hash is sha256 over the sorted relative file names, their sizes and a digest of each
file: the whole file when it is at most 2 MiB (configs, tokenizers), else its first and last MiB
(weights; a safetensors header sits in the first). It is cheap and changes when weights change.
It is cached in ``.studio-hash.json`` beside the files, keyed by names, sizes and mtimes, so a
rescan reads nothing it has read before.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any

MODEL_INDEX = "model_index.json"
HASH_CACHE = ".studio-hash.json"
# Once written by `studio models trust NAME`; now ignored (anyone can ship one in a model folder):
# trust lives in the user's config (studio.engine.pickle_trust).
TRUST_PICKLE = ".studio-trust-pickle"
PICKLE_PROBLEM = "pickle weights ("
SOURCE_FILE = ".studio-source.json"  # where ``studio models pull`` got a folder from
HASH_VERSION = 1
CHUNK = 1 << 20
PICKLE_SUFFIXES = (".bin", ".ckpt", ".pt", ".pth", ".pkl")
WEIGHT_SUFFIXES = (".safetensors", *PICKLE_SUFFIXES)
MAX_HEADER = 100 << 20  # a safetensors header larger than this is not one

LORA_HINTS = ("lora_", ".lora.", "_lora.")  # lora_A/lora_down/lora_unet_…, to_q_lora.down
# Tensor-name hints, checked in order; the first that matches names the family.
LORA_FAMILY_HINTS = (
    (("double_blocks", "single_blocks", "single_transformer_blocks"), "flux"),
    (("lora_te2_", "text_encoder_2", "transformer_blocks.1.", "transformer_blocks_1_"), "sdxl"),
    (("down_blocks.0.attentions", "down_blocks_0_attentions"), "sd15"),
)
NAME_FAMILY_HINTS = (
    ("sdxl", "sdxl"),
    ("sd15", "sd15"),
    ("sd1.5", "sd15"),
    ("flux", "flux"),
    ("sd3", "sd3"),
)
SDXL_KEY = "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias"
UNET_CONV_IN_KEY = "model.diffusion_model.input_blocks.0.0.weight"
SD_CROSS_ATTENTION_KEY = (
    "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight"
)


class UnreadableWeights(Exception):
    """A weight file whose header cannot be read."""


def is_hidden(name: str) -> bool:
    return name.startswith(".")


def is_weight(rel: str) -> bool:
    return rel.lower().endswith(WEIGHT_SUFFIXES)


def is_pickle(rel: str) -> bool:
    return rel.lower().endswith(PICKLE_SUFFIXES)


def is_config(rel: str) -> bool:
    """JSON a loader reads: model_index.json, config.json, scheduler_config.json, shard indexes."""
    name = rel.rsplit("/", 1)[-1]
    return name.endswith(("config.json", ".index.json")) or name == MODEL_INDEX


def pickle_problem(files: tuple[str, ...] | list[str], forged: bool = False) -> str:
    """The problem of untrusted pickle weights; ``forged``: the folder ships its own (ignored)
    trust marker."""
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    text = f"{PICKLE_PROBLEM}{shown}) are refused by default as untrusted"
    if forged:
        text += f" (the folder's own {TRUST_PICKLE} is ignored: only `studio models trust` counts)"
    return text


def is_pickle_problem(problem: str) -> bool:
    return problem.startswith(PICKLE_PROBLEM)


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 300 else text[:299] + "…"
    return text or type(exc).__name__


def list_files(folder: Path) -> list[tuple[str, Path]]:
    """(posix relative name, path) of every visible file below ``folder``, sorted by name.
    Symlinks are followed (a Hugging Face snapshot is made of them); hidden names are skipped."""
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not is_hidden(d))
        base = Path(dirpath)
        for name in filenames:
            path = base / name
            if not is_hidden(name) and path.is_file():
                found.append((path.relative_to(folder).as_posix(), path))
    return sorted(found)


def pulled_revision(folder: Path) -> str:
    """The commit a pulled folder was downloaded at ("" for any other folder)."""
    try:
        revision = json.loads((folder / SOURCE_FILE).read_text(encoding="utf-8"))["revision"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return revision if isinstance(revision, str) else ""


def json_problem(rel: str, path: Path) -> str | None:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"{rel} is unreadable: {one_line(exc)}"
    return None


def content_hash(files: list[tuple[str, Path]], cache: Path, key: str) -> str:
    """The content hash of ``files`` (see the module docstring); ``cache`` keeps it under
    ``key`` until a name, size or mtime changes. An unwritable cache is only slower."""
    stamp = []
    for rel, path in files:
        st = path.stat()
        stamp.append([rel, st.st_size, st.st_mtime_ns])
    stored = _read_cache(cache)
    hit = stored.get(key)
    if isinstance(hit, dict) and hit.get("stamp") == stamp and isinstance(hit.get("hash"), str):
        return hit["hash"]
    digest = hashlib.sha256()
    for (rel, path), (_, size, _) in zip(files, stamp, strict=True):
        digest.update(f"{rel}\0{size}\0{_file_digest(path, size)}\n".encode())
    value = digest.hexdigest()
    stored[key] = {"stamp": stamp, "hash": value}
    _write_cache(cache, stored)
    return value


def _file_digest(path: Path, size: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        if size <= 2 * CHUNK:
            h.update(f.read())
        else:
            h.update(f.read(CHUNK))
            f.seek(size - CHUNK)
            h.update(f.read(CHUNK))
    return h.hexdigest()


def _read_cache(cache: Path) -> dict[str, Any]:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != HASH_VERSION:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write_cache(cache: Path, entries: dict[str, Any]) -> None:
    temp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(json.dumps({"version": HASH_VERSION, "entries": entries}), "utf-8")
        os.replace(temp, cache)
    except OSError:
        temp.unlink(missing_ok=True)


def safetensors_header(path: Path) -> dict[str, Any]:
    """The JSON header of a .safetensors file: tensor name -> {dtype, shape, data_offsets},
    plus ``__metadata__``. Reads only the header."""
    try:
        with path.open("rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            if length > MAX_HEADER:
                raise ValueError("header too large")
            header = json.loads(f.read(length))
    except (OSError, ValueError, struct.error) as exc:
        raise UnreadableWeights(f"{path.name} is not a readable .safetensors file") from exc
    if not isinstance(header, dict):
        raise UnreadableWeights(f"{path.name} is not a readable .safetensors file")
    return header


def safetensors_keys(path: Path) -> list[str]:
    return [k for k in safetensors_header(path) if k != "__metadata__"]


def looks_like_lora(keys: list[str]) -> bool:
    return any(hint in k for k in keys for hint in LORA_HINTS)


def looks_like_ip_adapter(keys: list[str]) -> bool:
    return bool(keys) and all(k.startswith(("image_proj.", "ip_adapter.")) for k in keys)


def lora_family(keys: list[str]) -> str:
    for hints, family in LORA_FAMILY_HINTS:
        if any(h in k for k in keys for h in hints):
            return family
    return ""


def family_from_name(name: str) -> str:
    low = name.lower()
    return next((family for hint, family in NAME_FAMILY_HINTS if hint in low), "")


def checkpoint_family(path: Path) -> str | None:
    """sd15 or sdxl for an original-format (single-file) Stable Diffusion checkpoint, from its
    tensor names and shapes; None when it is neither (or cannot be told)."""
    try:
        header = safetensors_header(path)
    except UnreadableWeights:
        return None
    if SDXL_KEY in header:
        return "sdxl"
    cross = header.get(SD_CROSS_ATTENTION_KEY)
    if isinstance(cross, dict) and list(cross.get("shape", []))[-1:] == [768]:
        return "sd15"
    return None


def checkpoint_in_channels(path: Path) -> int | None:
    """The UNet's input channels in a single-file checkpoint: 4 for text-to-image, 9 for
    inpainting, 8 for instruct-pix2pix; None when the file does not say."""
    try:
        info = safetensors_header(path).get(UNET_CONV_IN_KEY)
    except UnreadableWeights:
        return None
    shape = info.get("shape", []) if isinstance(info, dict) else []
    return int(shape[1]) if len(shape) == 4 else None


def main_dtype(path: Path) -> str:
    """The dtype most tensors of a .safetensors file have (F16, BF16, F32, …)."""
    counts: dict[str, int] = {}
    for name, info in safetensors_header(path).items():
        if name != "__metadata__" and isinstance(info, dict):
            counts[str(info.get("dtype"))] = counts.get(str(info.get("dtype")), 0) + 1
    return max(counts, key=lambda d: counts[d], default="F32")
