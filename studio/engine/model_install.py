"""Putting models into the models folder: ``import_model`` (from disk) and ``pull_model`` (from
the Hugging Face Hub, at a pinned commit). Both build under a hidden temporary name and rename it
into place when complete, so a failure leaves nothing behind; neither overwrites a name in use.

What ``import_model`` takes:

- a diffusers pipeline folder (``model_index.json``; checked first), copied; a Hugging Face cache
  entry (``models--ORG--NAME``) is copied from its current snapshot, symlinks resolved;
- a ``.safetensors`` LoRA (tensor names with ``lora_``…), copied into ``loras/``; an IP-Adapter
  file (``image_proj.*``/``ip_adapter.*``) into ``ip_adapters/``;
- an original-format SD 1.5 or SDXL checkpoint ``.safetensors`` (family told from its tensors,
  or given), converted with diffusers' ``from_single_file`` and saved as a diffusers folder. That
  needs the family's configs offline: from the Hugging Face cache, or ``config=`` an installed
  diffusers folder of the same family.

Pickle files (``.ckpt``, ``.bin``, ``.pt``) are refused.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

from studio.core.kinds import ModelKind
from studio.engine import model_files as mf
from studio.engine.models_dir import hf_offline, hf_online
from studio.engine.registry import (
    HUB,
    HUB_PREFIX,
    IP_ADAPTERS,
    LORAS,
    ModelEntry,
    ModelError,
    dtype_argument,
    file_entry,
    folder_entry,
    hub_snapshot,
    scan,
)

SINGLE_FILE_PIPELINES = {"sd15": "StableDiffusionPipeline", "sdxl": "StableDiffusionXLPipeline"}
PULL_PATTERNS = ("*.safetensors", "*.json", "*.txt", "*.model")  # *.model: sentencepiece (T5)
NAME = re.compile(r"\w[\w.+-]{0,99}")
REPO_ID = re.compile(r"[\w.-]+/[\w.-]+")
COMMIT_SHA = re.compile(r"[0-9a-f]{40}")
RESERVED = (LORAS, IP_ADAPTERS, HUB)


def import_model(
    source: Path,
    models_dir: Path,
    name: str | None = None,
    *,
    family: str | None = None,
    config: Path | None = None,
) -> ModelEntry:
    """Install ``source`` (see the module docstring) into ``models_dir`` as ``name``."""
    source = Path(source).expanduser()
    root = Path(models_dir).expanduser().absolute()
    if source.is_dir():
        folder = _pipeline_folder(source)
        dest = _claim(root, name or _default_name(source), root)
        _build(dest, lambda temp: _copy_folder(folder, temp))
        return folder_entry(dest)
    if not source.is_file():
        raise ModelError(f"{source}: no such file or folder")
    if mf.is_pickle(source.name):
        raise ModelError(
            f"{source.name} is a pickle file, which can run code when loaded: it is refused. "
            "Import a .safetensors version of it"
        )
    if not source.name.lower().endswith(".safetensors"):
        raise ModelError(
            f"{source.name} is not a model: give a diffusers folder (with model_index.json) "
            "or a .safetensors file"
        )
    keys = mf.safetensors_keys(_readable(source))
    if mf.looks_like_lora(keys) or mf.looks_like_ip_adapter(keys):
        lora = mf.looks_like_lora(keys)
        folder = root / (LORAS if lora else IP_ADAPTERS)
        dest = _claim(root, name or source.stem, folder, ".safetensors")
        _build(dest, lambda temp: shutil.copyfile(source, temp))
        return file_entry(dest, ModelKind.LORA if lora else ModelKind.IP_ADAPTER)
    return _import_checkpoint(source, root, name or source.stem, family, config)


def pull_model(
    repo_id: str, revision: str, models_dir: Path, name: str | None = None
) -> ModelEntry:
    """Download ``repo_id`` at commit ``revision`` (safetensors, JSON, text and tokenizer files
    only) into ``models_dir``; the only call here that goes to the network."""
    if not REPO_ID.fullmatch(repo_id):
        raise ModelError(f"{repo_id!r} is not a Hugging Face repository id (ORG/NAME)")
    if not COMMIT_SHA.fullmatch(revision.lower()):
        raise ModelError(
            f"--revision must be a full 40-character commit SHA, not {revision!r}: a branch or "
            "tag can change under you (copy the SHA from the repository's commit history)"
        )
    revision = revision.lower()
    root = Path(models_dir).expanduser().absolute()
    dest = _claim(root, name or repo_id.split("/")[1], root)
    hf_online()
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.utils import logging as hf_logging

    _check_reachable(constants.ENDPOINT)
    hf_logging.set_verbosity_error()  # its retry warnings would bury our one line

    def fetch(temp: Path) -> None:
        snapshot_download(
            repo_id, revision=revision, local_dir=temp, allow_patterns=list(PULL_PATTERNS)
        )
        shutil.rmtree(temp / ".cache", ignore_errors=True)  # huggingface_hub's bookkeeping
        source = {"repo_id": repo_id, "revision": revision}
        (temp / mf.SOURCE_FILE).write_text(json.dumps(source, indent=2), encoding="utf-8")

    try:
        _build(dest, fetch)
    except Exception as exc:
        raise ModelError(
            f"could not download {repo_id} at {revision[:12]}: {mf.one_line(exc)}"
        ) from exc
    return folder_entry(dest)


def _check_reachable(endpoint: str, timeout: float = 10.0) -> None:
    """Fail at once, in one line, when the Hub's host cannot be reached (instead of retrying).
    Behind a proxy the download's own errors tell."""
    url = urlsplit(endpoint)
    host = url.hostname or ""
    proxies = getproxies()
    if (proxies.get(url.scheme) or proxies.get("all")) and not proxy_bypass(host):
        return
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ModelError(f"no network: cannot reach {host}:{port} ({reason})") from None


def _import_checkpoint(
    source: Path, root: Path, name: str, family: str | None, config: Path | None
) -> ModelEntry:
    family = family or mf.checkpoint_family(source)
    supported = ", ".join(SINGLE_FILE_PIPELINES)
    if family is None:
        raise ModelError(
            f"{source.name} is neither a LoRA nor a checkpoint whose model can be told from "
            f"its tensors: give its family ({supported})"
        )
    channels = mf.checkpoint_in_channels(source)
    if channels not in (None, 4):
        kind = {9: "an inpainting", 8: "an instruct-pix2pix"}.get(channels, "a special-purpose")
        raise ModelError(
            f"{source.name} is {kind} checkpoint (its UNet takes {channels} input channels): "
            "only text-to-image checkpoints convert; import its diffusers folder instead"
        )
    if family not in SINGLE_FILE_PIPELINES:
        raise ModelError(
            f"single-file checkpoints can be imported for {supported}, not {family}: "
            "import the model's diffusers folder instead"
        )
    config = Path(config).expanduser() if config is not None else None
    if config is not None and not (config / mf.MODEL_INDEX).is_file():
        raise ModelError(f"--config {config}: not a diffusers folder (no {mf.MODEL_INDEX})")
    dest = _claim(root, name, root)
    hf_offline()  # diffusers would otherwise go looking online for configs it lacks
    import diffusers
    import torch

    dtypes = {"F16": torch.float16, "BF16": torch.bfloat16}
    kwargs: dict[str, Any] = {dtype_argument(): dtypes.get(mf.main_dtype(source), torch.float32)}
    if config is not None:
        kwargs["config"] = str(config)
    pipeline_class = getattr(diffusers, SINGLE_FILE_PIPELINES[family])
    try:
        pipe = pipeline_class.from_single_file(str(source), local_files_only=True, **kwargs)
    except Exception as exc:
        hint = "" if config else f"; give --config: an installed diffusers {family} folder"
        raise ModelError(f"could not convert {source.name}: {mf.one_line(exc)}{hint}") from exc
    _build(dest, lambda temp: pipe.save_pretrained(temp, safe_serialization=True))
    return folder_entry(dest)


def _pipeline_folder(source: Path) -> Path:
    """The folder to copy: ``source``, or the snapshot of a Hugging Face cache entry; checked."""
    folder = source
    if (source / "snapshots").is_dir():
        folder = hub_snapshot(source) or source
    index = folder / mf.MODEL_INDEX
    if not index.is_file():
        raise ModelError(f"{source} is not a diffusers pipeline folder: it has no {mf.MODEL_INDEX}")
    problem = mf.json_problem(mf.MODEL_INDEX, index)
    if problem:
        raise ModelError(f"{source}: {problem}")
    return folder


def _default_name(source: Path) -> str:
    name = source.absolute().name
    if name.startswith(HUB_PREFIX):
        return name.rsplit("--", 1)[-1]
    return name


def _claim(root: Path, name: str, folder: Path, suffix: str = "") -> Path:
    """``folder/name+suffix``, after checking that the name is valid and not in use."""
    if not NAME.fullmatch(name) or name in RESERVED or name.startswith(HUB_PREFIX):
        raise ModelError(
            f"{name!r} cannot name a model: use letters, digits, '.', '_', '+' and '-' "
            f"(not {', '.join(RESERVED)})"
        )
    dest = folder / f"{name}{suffix}"
    if dest.exists() or name in scan(root).names():
        raise ModelError(f"a model named {name!r} is already installed in {root}")
    return dest


def _build(dest: Path, make: Callable[[Path], object]) -> None:
    """Run ``make`` on a hidden temporary path beside ``dest``, then rename it into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    temp = dest.with_name(f".importing-{dest.name}-{uuid.uuid4().hex[:8]}")
    try:
        make(temp)
        if dest.exists():
            raise ModelError(f"{dest} appeared while importing; nothing was changed")
        os.rename(temp, dest)
    except BaseException:
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)
        raise


def _copy_folder(source: Path, temp: Path) -> None:
    def hidden(_: str, names: list[str]) -> list[str]:
        return [n for n in names if mf.is_hidden(n)]

    shutil.copytree(source, temp, symlinks=False, ignore=hidden)


def _readable(path: Path) -> Path:
    try:
        mf.safetensors_header(path)
    except mf.UnreadableWeights as exc:
        raise ModelError(str(exc)) from None
    return path
