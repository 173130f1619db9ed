"""Where the files under ``resources/`` are: beside the package in a checkout, or where a
packaged build put them (``STUDIO_RESOURCES``)."""

from __future__ import annotations

import os
from pathlib import Path

SAMPLE_SCRIPT = "scripts/glass_heiress.fountain"


def resources_dir() -> Path:
    override = os.environ.get("STUDIO_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "resources"


def resource(name: str) -> Path:
    path = resources_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"missing resource {name} (looked in {resources_dir()})")
    return path
