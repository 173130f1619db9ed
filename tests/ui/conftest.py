"""Fixtures for the window's panels: the small project of :mod:`ui_project` on disk, and a
session opened on it, closed (its worker stopped) after the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_project import make_project

from studio.ui.session import Session


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "Glass.mdstudio")


@pytest.fixture
def session(qtbot, project: Path, tmp_path: Path):
    """A session on ``project``; the models folder is an empty temp folder."""
    (tmp_path / "models").mkdir()
    opened = Session(models_dir=tmp_path / "models")
    opened.open(project)
    yield opened
    opened.dirty = False
    opened.close()
