"""Voice and lip-sync models from the models folder, as requests name them.

Importing this module teaches the engine's registry to recognise their folders
(:func:`studio.engine.registry.add_detector`), and :data:`BACKENDS` names the worker's voice and
lip-sync backends: the engine itself never names a voice module."""

from __future__ import annotations

from pathlib import Path

from studio.core.kinds import Backend, ModelKind
from studio.engine.model_lookup import installed_model
from studio.engine.registry import add_detector

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


def voice_model_folder(models_dir: Path, name: str, model_hash: str) -> Path:
    return installed_model(models_dir, name, model_hash, ModelKind.TTS).path
