"""What a request adds to a pipeline: LoRAs and an IP-Adapter with its reference images.

:func:`resolve` finds and checks the files a request names (before anything is loaded);
:func:`sync` makes a warm pipeline carry exactly those adapters, loading, re-weighting or
unloading only what changed. LoRAs need the ``peft`` package (diffusers' LoRA backend).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.kinds import ModelKind
from studio.core.request import Request
from studio.engine import model_files as mf
from studio.engine.backends.base import BackendError, RunContext
from studio.engine.model_lookup import ModelLookup, NotInstalled
from studio.engine.registry import ModelEntry

IMAGE_ENCODER = "image_encoder"


@dataclass(frozen=True)
class IpAdapterFiles:
    key: str  # "name:hash": what is loaded
    root: Path  # what ``load_ip_adapter`` gets as the model folder
    subfolder: str
    weight_name: str
    image_encoder: str  # as ``load_ip_adapter(image_encoder_folder=...)`` reads it; "" = none


@dataclass(frozen=True)
class Adapters:
    """The adapters one request wants."""

    loras: tuple[tuple[Path, float], ...] = ()  # absolute file, weight
    ip_adapter: IpAdapterFiles | None = None
    references: tuple[Path, ...] = ()  # absolute reference images (used with ``ip_adapter``)
    scale: float = 0.6

    @property
    def lora_files(self) -> tuple[Path, ...]:
        return tuple(path for path, _ in self.loras)

    @property
    def ip_key(self) -> str:
        return self.ip_adapter.key if self.ip_adapter is not None else ""


@dataclass
class Loaded:
    """What a warm pipeline carries now."""

    loras: tuple[Path, ...] = ()
    ip_key: str = ""


def resolve(request: Request, lookup: ModelLookup, entry: ModelEntry, ctx: RunContext) -> Adapters:
    """The adapters ``request`` names, their files found and checked; BackendError if not."""
    loras = tuple((_lora_file(lora.path, lora.sha256, lookup, entry), lora.weight)
                  for lora in request.loras)  # fmt: skip
    name = getattr(request, "ip_adapter", "")
    if not name or not request.references:
        return Adapters(loras=loras)
    try:
        ip = lookup.find(name)
    except NotInstalled as missing:
        have = ", ".join(e.name for e in missing.registry.of_kind(ModelKind.IP_ADAPTER)) or "none"
        raise BackendError(
            f"no IP-Adapter named {name!r} is installed (installed: {have})"
        ) from None
    if ip.kind is not ModelKind.IP_ADAPTER:
        raise BackendError(f"{name} is a {ip.kind.value}, not an IP-Adapter")
    if ip.problems:
        raise BackendError(f"IP-Adapter {name} cannot be used: {ip.problems[0]}")
    if ip.family and entry.family and ip.family != entry.family:
        raise BackendError(f"IP-Adapter {name} is for {ip.family}; {entry.name} is {entry.family}")
    refs = []
    for rel in request.references:
        path = ctx.project_dir / rel
        if not path.is_file():
            raise BackendError(f"the reference image {rel} is missing")
        refs.append(path)
    return Adapters(loras, _ip_files(ip, entry.family), tuple(refs), request.reference_scale)


def sync(pipe: Any, loaded: Loaded, wanted: Adapters, model: str) -> bool:
    """Make ``pipe`` carry ``wanted``; True when weights were loaded or unloaded (the pipeline
    must be put on its device again)."""
    changed = False
    if wanted.lora_files != loaded.loras:
        if wanted.loras:
            _need_lora_support(pipe, model)
        if loaded.loras:
            pipe.unload_lora_weights()
            loaded.loras = ()
        for i, path in enumerate(wanted.lora_files):
            _load(pipe.load_lora_weights, f"LoRA {path.name}", str(path.parent),
                  weight_name=path.name, adapter_name=f"lora{i}")  # fmt: skip
        loaded.loras = wanted.lora_files
        changed = True
    if wanted.loras:
        names = [f"lora{i}" for i in range(len(wanted.loras))]
        pipe.set_adapters(names, adapter_weights=[w for _, w in wanted.loras])
    if wanted.ip_key != loaded.ip_key:
        if loaded.ip_key:
            pipe.unload_ip_adapter()
            loaded.ip_key = ""
        if wanted.ip_adapter is not None:
            _load_ip_adapter(pipe, wanted.ip_adapter, model)
            loaded.ip_key = wanted.ip_key
        changed = True
    if wanted.ip_adapter is not None:
        pipe.set_ip_adapter_scale(wanted.scale)
    return changed


def reference_images(wanted: Adapters) -> list[list[Any]] | None:
    """``ip_adapter_image`` for the pipeline call: one IP-Adapter, all the references."""
    if wanted.ip_adapter is None:
        return None
    from PIL import Image

    images = []
    for path in wanted.references:
        try:
            with Image.open(path) as image:
                images.append(image.convert("RGB"))
        except OSError as e:
            raise BackendError(f"the reference image {path.name} cannot be read: {e}") from e
    return [images]


def _lora_file(rel: str, sha256: str, lookup: ModelLookup, model: ModelEntry) -> Path:
    root = lookup.root.resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        raise BackendError(f"the LoRA {rel} is outside the models folder")
    if not path.is_file():
        raise BackendError(f"the LoRA {rel} is not in the models folder")
    entry = lookup.entry_at(path)
    if entry is not None and entry.family and model.family and entry.family != model.family:
        raise BackendError(f"the LoRA {rel} is for {entry.family}; {model.name} is {model.family}")
    if sha256 and sha256 != (entry.hash if entry else "") and sha256 != _sha256(path):
        raise BackendError(f"the LoRA {rel} changed since this request was made")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _ip_files(ip: ModelEntry, family: str) -> IpAdapterFiles:
    """Where an IP-Adapter's weights and its CLIP image encoder are. A file in ``ip_adapters/``
    takes its encoder from ``ip_adapters/image_encoder/``; a folder (as Hugging Face's
    h94/IP-Adapter) holds both, the encoder beside the weights or at its top."""
    key = f"{ip.name}:{ip.hash}"
    if ip.path.is_file():
        root, weights = ip.path.parent, ip.path
    else:
        root, weights = ip.path, _ip_weights(ip, family)
    sub = weights.parent.relative_to(root).as_posix()
    sub = "" if sub == "." else sub
    encoder = ""
    if (weights.parent / IMAGE_ENCODER / "config.json").is_file():
        encoder = IMAGE_ENCODER  # load_ip_adapter looks beside the weights
    elif (root / IMAGE_ENCODER / "config.json").is_file():
        encoder = f"./{IMAGE_ENCODER}"  # a "/" makes it relative to the root, not the subfolder
    return IpAdapterFiles(key, root, sub, weights.name, encoder)


def _ip_weights(ip: ModelEntry, family: str) -> Path:
    found = []
    for path in sorted(ip.path.rglob("*.safetensors")):
        if IMAGE_ENCODER in path.relative_to(ip.path).parts:
            continue
        try:
            if mf.looks_like_ip_adapter(mf.safetensors_keys(path)):
                found.append(path)
        except mf.UnreadableWeights:
            continue
    if len(found) > 1:  # a repository of several: the one for this family, the plainest name
        fits = [p for p in found if mf.family_from_name(p.name) == family]
        found = sorted(fits or found, key=lambda p: (len(p.name), p.name))
    if not found:
        raise BackendError(f"IP-Adapter {ip.name} holds no IP-Adapter weights (.safetensors)")
    return found[0]


def _load_ip_adapter(pipe: Any, files: IpAdapterFiles, model: str) -> None:
    if not callable(getattr(pipe, "load_ip_adapter", None)):
        raise BackendError(f"{model} cannot use reference images (it takes no IP-Adapter)")
    if getattr(pipe, "image_encoder", None) is None and not files.image_encoder:
        raise BackendError(
            f"the IP-Adapter {files.weight_name} needs its CLIP image encoder: put it in "
            f"{IMAGE_ENCODER}/ beside the weights"
        )
    _load(pipe.load_ip_adapter, f"IP-Adapter {files.weight_name}", str(files.root),
          subfolder=files.subfolder, weight_name=files.weight_name,
          image_encoder_folder=files.image_encoder or None, local_files_only=True)  # fmt: skip


def _need_lora_support(pipe: Any, model: str) -> None:
    if not callable(getattr(pipe, "load_lora_weights", None)):
        raise BackendError(f"{model} cannot take LoRAs")
    from diffusers.utils import USE_PEFT_BACKEND

    if not USE_PEFT_BACKEND:
        raise BackendError("LoRAs need the peft package, which is not installed (pip install peft)")


def _load(method: Any, what: str, *args: Any, **kwargs: Any) -> None:
    try:
        method(*args, **kwargs)
    except (OSError, ValueError, KeyError, RuntimeError, TypeError) as e:
        from studio.engine.device import is_oom

        if is_oom(e):
            raise
        raise BackendError(f"{what} does not fit this model: {mf.one_line(e)}") from e
