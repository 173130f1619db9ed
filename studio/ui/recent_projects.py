"""The projects opened lately, most recent first, kept in the window's settings file (the same
ini file as the layout and the preferences) under ``recent/projects``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "recent/projects"
KEEP = 10  # how many are remembered


def recent_projects(settings: QSettings) -> list[Path]:
    """The remembered project folders, the most recent first (missing ones too)."""
    value = settings.value(KEY)
    if isinstance(value, str):  # an ini file gives a one-item list back as its item
        value = [value]
    if not isinstance(value, list):
        return []
    return [Path(item) for item in value if isinstance(item, str) and item.strip()]


def remember_project(settings: QSettings, root: Path) -> list[Path]:
    """Put ``root`` first in the list (once); the list now."""
    root = Path(root).resolve()
    paths = [root, *(p for p in recent_projects(settings) if p != root)][:KEEP]
    _store(settings, paths)
    return paths


def forget_project(settings: QSettings, root: Path) -> list[Path]:
    """Drop ``root`` from the list; the list now."""
    paths = [p for p in recent_projects(settings) if p != Path(root)]
    _store(settings, paths)
    return paths


def _store(settings: QSettings, paths: list[Path]) -> None:
    settings.setValue(KEY, [str(p) for p in paths])
    settings.sync()
