"""The planner is the one place a model choice becomes requests: shots and character
references resolve the same choice the same way, a registry read earlier is used as it is
(no second read of the models folder), and a model installed since that read is still found."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from studio.app import planner
from studio.app.models import scan_models
from studio.app.planner import Choice, PlanError, character_references, shot_requests
from studio.app.selection import select_shots
from studio.core.kinds import Backend
from studio.core.model import Project
from studio.core.script.importer import apply_script

ENGINE_TESTS = Path(__file__).resolve().parents[1] / "engine"
SCRIPT = "INT. LOBBY - NIGHT\n\nRain hammers the glass.\n\nMAYA\nI'm here for a delivery.\n"


@pytest.fixture
def project() -> Project:
    model = Project(title="Glass", width=90, height=160)
    apply_script(model, SCRIPT)
    return model


@pytest.fixture
def models(tmp_path: Path) -> Path:
    (tmp_path / "models").mkdir()
    return tmp_path / "models"


def install_tiny(models: Path) -> str:
    sys.path.insert(0, str(ENGINE_TESTS))
    from tiny_pipelines import TINY_SD15, save_tiny_sd15

    save_tiny_sd15(models / TINY_SD15)
    return TINY_SD15


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Every read of a models folder the planner makes."""
    seen: list[Path] = []

    def counted(folder: Path | None = None):
        seen.append(folder)
        return scan_models(folder)

    monkeypatch.setattr(planner, "scan_models", counted)
    return seen


def test_shots_and_references_resolve_one_choice_alike(project, models, reads):
    name = install_tiny(models)
    registry = scan_models(models)
    choice = Choice(model=name)
    shots = shot_requests(project, select_shots(project), choice, models, registry)
    maya = project.character("MAYA")
    refs = character_references(project, maya, 2, choice, models, registry)
    made = {(r.backend, r.model, r.model_hash) for r in [*shots, *refs]}
    assert made == {(Backend.DIFFUSERS, name, registry.get(name).hash)}
    assert reads == [], "a registry read earlier is used as it is"
    assert len(refs) == 2 and all(r.target.character == "MAYA" for r in refs)

    drawn = shot_requests(project, select_shots(project), Choice(), models)
    assert {r.backend for r in drawn} == {Backend.ANIMATIC} and reads == []


def test_a_model_installed_after_the_read_is_found(project, models, reads):
    stale = scan_models(models)  # read while the folder was empty
    name = install_tiny(models)
    [request] = shot_requests(project, select_shots(project)[:1], Choice(model=name), models, stale)
    assert request.model == name and reads == [models]


def test_an_unknown_model_is_one_line(project, models):
    with pytest.raises(PlanError) as refused:
        shot_requests(project, select_shots(project), Choice(model="nope"), models)
    assert "nope" in str(refused.value) and "\n" not in str(refused.value)
