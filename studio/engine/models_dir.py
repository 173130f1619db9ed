"""Where the models live, and keeping Hugging Face libraries off the network.

The app never downloads anything on its own: what is in the models folder is what it can use.
``hf_offline()`` is called at start so that diffusers, transformers and huggingface_hub only read
local files; ``studio models pull`` is the one place that lifts it (``hf_online()``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_MODELS_DIR = "STUDIO_MODELS_DIR"
APP_NAME = "micro-drama-studio"
CHECKOUT_FOLDER = "models_cache"
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE")


def models_dir() -> Path:
    """The models folder: ``$STUDIO_MODELS_DIR``, else ``models_cache/`` of a source checkout,
    else the platform's user data folder (``…/micro-drama-studio/models``). It may not exist yet."""
    chosen = os.environ.get(ENV_MODELS_DIR, "").strip()
    if chosen:
        return Path(chosen).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[2]  # the folder holding the ``studio`` package
    if (checkout / "pyproject.toml").is_file():
        return checkout / CHECKOUT_FOLDER
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "models"


def hf_offline() -> None:
    """Hugging Face libraries read local files only, whatever the environment said: the app
    never reaches a hub except for an explicit ``studio models pull`` (:func:`hf_online`).

    huggingface_hub reads the variable once, at import: an already imported copy is told too."""
    for name in OFFLINE_VARIABLES:
        os.environ[name] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = True  # type: ignore[attr-defined]


def hf_online() -> None:
    """Lift offline mode for this process, for an explicit download (``studio models pull``).

    huggingface_hub reads the variable once, at import: an already imported copy is told too."""
    for name in OFFLINE_VARIABLES:
        os.environ[name] = "0"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = False  # type: ignore[attr-defined]
