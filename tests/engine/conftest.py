"""Fixtures for the engine tests. Keep each one small and say what it holds."""

from pathlib import Path

import pytest
from tiny_pipelines import build_models_dir


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder of tiny pipelines built in code, once per session (layout and names:
    ``tiny_pipelines.py``). Shared: read it, load from it, but copy it before changing it."""
    return build_models_dir(tmp_path_factory.mktemp("models"))
