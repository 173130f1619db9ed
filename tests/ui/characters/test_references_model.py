"""Reference stills generated from the window's Characters panel use the model chosen in
Settings, as shots do (they used to be drawn by the animatic whatever was chosen)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from ui_project import make_project
from workflow_window import Windows

from studio.app.models import scan_models
from studio.ui.dialogs.preferences import Preferences

ENGINE_TESTS = Path(__file__).resolve().parents[2] / "engine"


@pytest.fixture
def tiny_model(tmp_path: Path) -> tuple[Path, str]:
    sys.path.insert(0, str(ENGINE_TESTS))
    from tiny_pipelines import TINY_SD15, save_tiny_sd15

    save_tiny_sd15(tmp_path / "models" / TINY_SD15)
    return tmp_path / "models", TINY_SD15


@pytest.mark.parametrize("chosen", ["diffusers", "animatic"])
def test_references_use_the_model_chosen_in_settings(qtbot, tmp_path, tiny_model, chosen):
    models, name = tiny_model
    ini = tmp_path / "window.ini"
    prefs = Preferences(models_dir=str(models), backend=chosen, model=name)
    prefs.save(QSettings(str(ini), QSettings.Format.IniFormat))
    windows = Windows(qtbot, models, ini)
    try:
        window = windows.open(make_project(tmp_path / "Glass.mdstudio"))
        session = window.session
        session.runner.set_paused(True)  # the request is what this test is about
        window.characters.select("MAYA")
        box = window.characters.references
        box.count.setValue(2)
        assert box.generate_button.isEnabled()
        box.generate_button.click()

        jobs = session.runner.jobs()
        assert len(jobs) == 2
        requests = [job.request for job in jobs]
        if chosen == "diffusers":
            entry = scan_models(models).get(name)
            assert {(r.backend, r.model, r.model_hash) for r in requests} == {
                ("diffusers", name, entry.hash)
            }
        else:
            assert {(r.backend, r.model) for r in requests} == {("animatic", "animatic")}
        assert all("MAYA" in r.prompt.upper() for r in requests)
    finally:
        windows.close_all()
