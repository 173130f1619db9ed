"""Voice and lip-sync models from the models folder, as requests name them."""

from __future__ import annotations

from pathlib import Path

from studio.engine.backends.base import BackendError
from studio.engine.registry import ModelEntry, ModelKind, scan


def sound_model(models_dir: Path, name: str, model_hash: str, kind: ModelKind) -> ModelEntry:
    """The installed model ``name`` of ``kind``, still the one the request recorded."""
    registry = scan(models_dir)
    installed = [e.name for e in registry.of_kind(kind) if not e.problems]
    try:
        entry = registry.get(name)
    except KeyError:
        raise BackendError(
            f"no {kind.value} model named {name!r} is installed in {registry.root} "
            f"(installed: {', '.join(installed) or 'none'})"
        ) from None
    if entry.kind != kind:
        raise BackendError(f"{name} is of kind {entry.kind.value}, not a {kind.value} model")
    if entry.problems:
        raise BackendError(f"{name} cannot be used: {'; '.join(entry.problems)}")
    if model_hash and model_hash != entry.hash:
        raise BackendError(
            f"model {name} changed since this request was made (its files are not the ones the "
            "request recorded): make a new request to use it as it is now"
        )
    return entry


def voice_model_folder(models_dir: Path, name: str, model_hash: str) -> Path:
    return sound_model(models_dir, name, model_hash, ModelKind.TTS).path
