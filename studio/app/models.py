"""The models folder as the app sees it: every kind of model the engine and the voice know, and
the worker that runs them."""

from __future__ import annotations

from pathlib import Path

from studio.engine.models_dir import models_dir as default_models_dir
from studio.engine.registry import Registry, scan
from studio.engine.worker import WorkerConfig
from studio.voice.models import BACKENDS as VOICE_BACKENDS


def scan_models(models_dir: Path | None = None) -> Registry:
    """What is installed in ``models_dir`` (default: the user's models folder), voice and
    lip-sync models included."""
    return scan(models_dir or default_models_dir())


def worker_config(models_dir: Path | None = None, **backends: str) -> WorkerConfig:
    """The worker for every kind of job: pictures, voices and lip-sync (``backends`` adds
    more, name -> "module:Class")."""
    table = {**VOICE_BACKENDS, **backends}
    return WorkerConfig(models_dir=str(models_dir or default_models_dir()), backends=table)
