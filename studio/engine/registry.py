"""The models folder: what is installed, of which kind, and whether it can be used.

``scan(models_dir)`` lists every model (nothing is loaded: JSON configs and safetensors headers
are read, weights are not). A diffusers folder is known by its ``model_index.json``; LoRAs live in
``loras/``, IP-Adapters in ``ip_adapters/``; a Hugging Face cache (``models--ORG--NAME/`` at the
top or under ``hub/``) is listed as ``ORG/NAME`` at its ``refs/main`` snapshot. Every entry
carries a content hash (see ``model_files.content_hash``) that goes into each request. What a
``model_index.json`` says (pipeline class, kind, family, components) is read by
:mod:`studio.engine.pipeline_index`; the kinds themselves are :class:`studio.core.kinds.ModelKind`.

Pickle weights (``.bin``, ``.ckpt``, ``.pt``) run code when loaded: listed with a problem, refused
by ``load_pipeline`` unless ``allow_pickle`` or the user trusts them (``pickle_trust``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.core.kinds import PIPELINE_KINDS, ModelKind
from studio.engine import model_files as mf
from studio.engine import pickle_trust
from studio.engine.chat_models import card_license, chat_family
from studio.engine.pipeline_index import pipeline_facts
from studio.engine.translation_models import implied_license, translation_family

LORAS = "loras"
IP_ADAPTERS = "ip_adapters"
HUB = "hub"
HUB_PREFIX = "models--"
TEXT_KINDS = (ModelKind.CHAT, ModelKind.TRANSLATION)  # their pickles are refused, never trusted


class ModelError(Exception):
    """A model that cannot be used or installed as asked: one line for the user."""


FolderDetector = Callable[[Path], "tuple[ModelKind, str] | None"]
_DETECTORS: list[FolderDetector] = []


@dataclass(frozen=True)
class ModelEntry:
    """One installed model. ``name`` is what requests name it by (``GenerationRequest.model``)
    and ``hash`` what they record (``model_hash``)."""

    name: str
    kind: ModelKind
    family: str  # sd15, sdxl, flux, sd3, svd, ltx, wan, cogvideox, … ("" when unknown)
    pipeline_class: str  # model_index.json ``_class_name`` ("" for LoRAs, IP-Adapters)
    path: Path  # absolute: a folder, or the file of a LoRA / IP-Adapter
    hash: str
    safetensors_only: bool  # every weight file is .safetensors
    problems: list[str] = field(default_factory=list)
    size: int = 0  # bytes
    revision: str = ""  # the commit of a Hugging Face cache snapshot
    pickle_files: tuple[str, ...] = ()  # pickle weights that loading would need (relative)
    pickle_trusted: bool = False  # the user trusted this model's pickles (`studio models trust`)
    license: str = ""  # as its model card names it ("" when it does not say)

    def load_blockers(self, allow_pickle: bool = False) -> list[str]:
        """The problems that stop loading (the pickle one is lifted by ``allow_pickle``)."""
        return [p for p in self.problems if not (allow_pickle and mf.is_pickle_problem(p))]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "family": self.family,
            "pipeline_class": self.pipeline_class,
            "path": str(self.path),
            "hash": self.hash,
            "size": self.size,
            "revision": self.revision,
            "safetensors_only": self.safetensors_only,
            "problems": list(self.problems),
            "license": self.license,
        }


@dataclass(frozen=True)
class Registry:
    root: Path
    entries: tuple[ModelEntry, ...] = ()

    def __iter__(self) -> Iterator[ModelEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    def get(self, name: str) -> ModelEntry:
        for entry in self.entries:
            if entry.name == name:
                return entry
        installed = ", ".join(self.names()) or "none"
        raise KeyError(f"no model named {name!r} in {self.root} (installed: {installed})")

    def of_kind(self, kind: ModelKind) -> list[ModelEntry]:
        return [e for e in self.entries if e.kind == kind]

    def usable(self, name: str, kind: ModelKind) -> ModelEntry:
        """The model ``name``, of ``kind`` and with no problem; ModelError says why not."""
        try:
            entry = self.get(name)
        except KeyError as exc:
            raise ModelError(str(exc.args[0])) from None
        if entry.kind != kind:
            raise ModelError(f"{name} is a {entry.kind.value} model, not a {kind.value} model")
        if entry.problems:
            raise ModelError(f"{name} cannot be used: {'; '.join(entry.problems)}")
        return entry


def scan(models_dir: Path) -> Registry:
    """Every model in ``models_dir`` (an absent folder holds none), sorted by location."""
    root = Path(models_dir).expanduser().absolute()
    found: list[ModelEntry] = []
    for child in _children(root):
        if child.is_dir():
            if child.name == LORAS:
                found += [_entry(file_entry, p, ModelKind.LORA) for p in _weights_in(child)]
            elif child.name == IP_ADAPTERS:
                found += [_entry(_ip_adapter_entry, p) for p in _children(child)]
            elif child.name == HUB:
                found += [_entry(hub_entry, p) for p in _children(child) if _is_hub_repo(p)]
            elif _is_hub_repo(child):
                found.append(_entry(hub_entry, child))
            else:
                found.append(_entry(folder_entry, child))
        elif mf.is_weight(child.name):
            found.append(_entry(file_entry, child))
    return Registry(root, tuple(_flag_duplicates(found)))


def _entry(make: Callable[..., ModelEntry], path: Path, *args: Any) -> ModelEntry:
    """``make(path, *args)``; a file that cannot be read makes an entry with that problem."""
    try:
        return make(path, *args)
    except OSError as exc:
        name = path.stem if mf.is_weight(path.name) else path.name
        problem = f"cannot be read: {mf.one_line(exc)}"
        return ModelEntry(name, ModelKind.UNKNOWN, "", "", path.absolute(), "", False, [problem])


def folder_entry(
    path: Path, name: str | None = None, revision: str = "", hint: ModelKind | None = None
) -> ModelEntry:
    """The entry for a model folder: a diffusers pipeline when it has ``model_index.json``."""
    name = name or path.name
    files = mf.list_files(path)
    weights = [rel for rel, _ in files if mf.is_weight(rel)]
    problems: list[str] = []
    pipeline_class, family, pickles = "", "", ()
    weights_only = False  # its .pth/.bin files are read as tensors only, never unpickled
    if (path / mf.MODEL_INDEX).is_file():
        kind, family, pipeline_class, pickles = pipeline_facts(path, files, problems)
    elif (chat := chat_family(path, files, problems)) is not None:
        kind, family = ModelKind.CHAT, chat
    elif (translator := translation_family(path, files, problems)) is not None:
        kind, family = ModelKind.TRANSLATION, translator
    elif sound := _detected(path):
        kind, family = sound
        weights_only = True
    elif hint == ModelKind.IP_ADAPTER or name.lower().startswith("ip-adapter"):
        kind, family = ModelKind.IP_ADAPTER, mf.family_from_name(name)
    elif lora := _lora_in(path, weights):
        kind, family = ModelKind.LORA, mf.lora_family(mf.safetensors_keys(lora))
    else:
        kind = ModelKind.UNKNOWN
        problems.append(f"no {mf.MODEL_INDEX}: not a diffusers pipeline folder")
    if not weights:
        problems.append("no weight files")
    elif (
        kind not in (*PIPELINE_KINDS, ModelKind.CHAT)
        and not weights_only
        and all(map(mf.is_pickle, weights))
    ):
        pickles = tuple(weights)
    trusted = bool(pickles) and pickle_trust.is_trusted(name, path, pickles)
    if pickles and not trusted:
        problems.append(mf.pickle_problem(pickles, forged=(path / mf.TRUST_PICKLE).exists()))
    return ModelEntry(
        name=name,
        kind=kind,
        family=family,
        pipeline_class=pipeline_class,
        path=path.absolute(),
        hash=mf.content_hash(files, path / mf.HASH_CACHE, "."),
        safetensors_only=bool(weights) and not any(mf.is_pickle(rel) for rel in weights),
        problems=problems,
        size=sum(p.stat().st_size for _, p in files),
        revision=revision or mf.pulled_revision(path),
        pickle_files=pickles,
        pickle_trusted=trusted,
        license=card_license(path) or implied_license(family),
    )


def file_entry(path: Path, hint: ModelKind | None = None) -> ModelEntry:
    """The entry for a single weight file: a LoRA, an IP-Adapter, or a checkpoint to import."""
    problems: list[str] = []
    kind, family, pickles = ModelKind.UNKNOWN, "", ()
    if mf.is_pickle(path.name):
        pickles = (path.name,)
        kind = hint or _kind_from_name(path.name)
        problems.append(mf.pickle_problem(pickles))
    else:
        try:
            keys = mf.safetensors_keys(path)
        except mf.UnreadableWeights as exc:
            keys = []
            problems.append(str(exc))
        if mf.looks_like_ip_adapter(keys) or hint == ModelKind.IP_ADAPTER:
            kind, family = ModelKind.IP_ADAPTER, mf.family_from_name(path.name)
        elif mf.looks_like_lora(keys):
            kind, family = ModelKind.LORA, mf.lora_family(keys)
        elif hint == ModelKind.LORA:
            kind = ModelKind.LORA
            if keys:
                problems.append("its tensor names do not look like a LoRA's")
        elif keys:
            family = mf.checkpoint_family(path) or ""
            problems.append("a single-file checkpoint: `studio models import` it to use it")
    return ModelEntry(
        name=path.stem,
        kind=kind,
        family=family,
        pipeline_class="",
        path=path.absolute(),
        hash=mf.content_hash([(path.name, path)], path.parent / mf.HASH_CACHE, path.name),
        safetensors_only=not pickles,
        problems=problems,
        size=path.stat().st_size,
        pickle_files=pickles,
    )


def hub_entry(repo: Path) -> ModelEntry:
    """A Hugging Face cache entry (``models--ORG--NAME``) at its ``refs/main`` snapshot, else its
    newest one; named ``ORG/NAME``."""
    name = repo.name.removeprefix(HUB_PREFIX).replace("--", "/")
    snapshot = hub_snapshot(repo)
    if snapshot is None:
        problems = ["no snapshot in this Hugging Face cache entry (an unfinished download?)"]
        return ModelEntry(name, ModelKind.UNKNOWN, "", "", repo.absolute(), "", False, problems)
    return folder_entry(snapshot, name, revision=snapshot.name)


def hub_snapshot(repo: Path) -> Path | None:
    snapshots = [p for p in _children(repo / "snapshots") if p.is_dir()]
    try:
        main = (repo / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        main = ""
    for snap in snapshots:
        if snap.name == main:
            return snap
    return max(snapshots, key=lambda p: p.stat().st_mtime, default=None)


def load_pipeline(entry: ModelEntry, *, torch_dtype: Any, allow_pickle: bool = False) -> Any:
    """The diffusers pipeline of ``entry``, from local files only, never running remote code."""
    if entry.kind not in PIPELINE_KINDS:
        raise ModelError(f"{entry.name} is not a pipeline to run (its kind: {entry.kind.value})")
    allow_pickle = allow_pickle or entry.pickle_trusted
    if entry.pickle_files and not allow_pickle:
        raise ModelError(
            f"{entry.name}: {mf.pickle_problem(entry.pickle_files)}. Convert them to "
            f".safetensors, or run `studio models trust {entry.name}` only if you trust where "
            "they came from"
        )
    blockers = entry.load_blockers(allow_pickle)
    if blockers:
        raise ModelError(f"{entry.name} cannot be loaded: {'; '.join(blockers)}")
    from diffusers import DiffusionPipeline

    try:
        return DiffusionPipeline.from_pretrained(
            str(entry.path),
            **{dtype_argument(): torch_dtype},
            use_safetensors=None if allow_pickle else True,
            local_files_only=True,
        )
    except (OSError, ValueError) as exc:
        raise ModelError(f"{entry.name} failed to load: {mf.one_line(exc)}") from exc


def add_detector(detect: FolderDetector) -> None:
    """Recognise more model folders by their layout (voice and lip-sync models register here
    when :mod:`studio.voice.models` is imported): ``detect(path)`` gives (kind, family) or
    None. Their weights are read as tensors only, never unpickled."""
    if detect not in _DETECTORS:
        _DETECTORS.append(detect)


def _detected(path: Path) -> tuple[ModelKind, str] | None:
    return next((found for detect in _DETECTORS if (found := detect(path))), None)


def _ip_adapter_entry(path: Path) -> ModelEntry:
    if path.is_dir():
        return folder_entry(path, hint=ModelKind.IP_ADAPTER)
    return file_entry(path, ModelKind.IP_ADAPTER)


def _lora_in(path: Path, weights: list[str]) -> Path | None:
    """A folder holding one safetensors LoRA (as a Hugging Face LoRA repository does)."""
    tensors = [rel for rel in weights if rel.endswith(".safetensors")]
    if len(tensors) != 1:
        return None
    file = path / tensors[0]
    try:
        return file if mf.looks_like_lora(mf.safetensors_keys(file)) else None
    except mf.UnreadableWeights:
        return None


def _kind_from_name(name: str) -> ModelKind:
    return ModelKind.IP_ADAPTER if name.lower().startswith("ip-adapter") else ModelKind.UNKNOWN


def _children(folder: Path) -> list[Path]:
    """Visible entries of ``folder``, sorted; none when it is absent or unreadable."""
    try:
        return sorted(p for p in folder.iterdir() if not mf.is_hidden(p.name))
    except OSError:
        return []


def _weights_in(folder: Path) -> list[Path]:
    return [folder / rel for rel, _ in mf.list_files(folder) if mf.is_weight(rel)]


def _is_hub_repo(path: Path) -> bool:
    return path.is_dir() and path.name.startswith(HUB_PREFIX)


def _flag_duplicates(entries: list[ModelEntry]) -> list[ModelEntry]:
    """Later entries whose name is taken are kept, with a problem saying so."""
    first: dict[str, ModelEntry] = {}
    for entry in entries:
        if entry.name in first:
            entry.problems.append(f"the name is also used by {first[entry.name].path}")
        else:
            first[entry.name] = entry
    return entries


def dtype_argument() -> str:
    """Newer diffusers call ``torch_dtype`` ``dtype`` (and warn about the old name)."""
    from diffusers.utils import deprecation_utils

    if hasattr(deprecation_utils, "_TORCH_DTYPE_DEPRECATION_MESSAGE"):
        return "dtype"
    return "torch_dtype"
