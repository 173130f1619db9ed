"""Voice and lip-sync models from the models folder, as requests name them.

Importing this module teaches the engine's registry to recognise their folders
(:func:`studio.engine.registry.add_detector`), and :data:`BACKENDS` names the worker's voice and
lip-sync backends: the engine itself never names a voice module."""

from __future__ import annotations

from pathlib import Path

from studio.core.kinds import Backend, ModelKind
from studio.engine.backends.base import BackendError
from studio.engine.model_lookup import NotInstalled, for_folder
from studio.engine.registry import ModelEntry, add_detector

BACKENDS = {  # backend name -> "module:Class", loaded by the worker (WorkerConfig.backends)
    Backend.ESPEAK: "studio.voice.tts_backends:EspeakBackend",
    Backend.KOKORO: "studio.voice.tts_backends:KokoroBackend",
    Backend.VISEME: "studio.voice.lipsync:VisemeBackend",
    Backend.MUSETALK: "studio.voice.musetalk_backend:MuseTalkBackend",
}


def sound_folder(path: Path) -> tuple[ModelKind, str] | None:
    """A voice or lip-sync model folder, by its layout: (kind, family)."""
    from studio.voice.kokoro_tts import is_kokoro_folder
    from studio.voice.musetalk import is_musetalk_folder

    if is_kokoro_folder(path):
        return ModelKind.TTS, Backend.KOKORO.value
    if is_musetalk_folder(path):
        return ModelKind.LIPSYNC, Backend.MUSETALK.value
    return None


add_detector(sound_folder)


def sound_model(models_dir: Path, name: str, model_hash: str, kind: ModelKind) -> ModelEntry:
    """The installed model ``name`` of ``kind``, still the one the request recorded (looked up
    once per model in this process: :mod:`studio.engine.model_lookup`)."""
    try:
        entry = for_folder(models_dir).find(name)
    except NotInstalled as missing:
        installed = [e.name for e in missing.registry.of_kind(kind) if not e.problems]
        raise BackendError(
            f"no {kind.value} model named {name!r} is installed in {missing.registry.root} "
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
