"""Fixtures for the window's panels: the small project of :mod:`ui_project` on disk, and a
session opened on it, closed (its worker stopped) after the test."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from ui_project import make_project

from studio.ui.session import Session


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread():
    """Collect each test's garbage here, on the GUI thread, once its widgets are closed.

    Left to itself, Python's collector runs in whichever thread allocates next: in a later
    test that may be a background export or autosave thread, which would then destroy Qt
    objects of this test outside the GUI thread (seen as a rare segmentation fault in a full
    run, in a test that exports)."""
    yield
    gc.collect()


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
