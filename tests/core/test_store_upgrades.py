"""Older project files are upgraded step by step on load; the first save keeps the original."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sample_projects import edit_json, small_project

from studio.core import project_file
from studio.core.model import Project
from studio.core.store import StoreError, open_project


def _v5(doc: dict[str, Any]) -> None:
    """Turn the document into what version 5 wrote: no language variants."""
    doc["version"] = 5
    del doc["project"]["languages"]


def _untranslated() -> Project:
    """The small project as a version-5 file upgrades: no target languages."""
    project = small_project()
    project.languages = []
    return project


def _v4(doc: dict[str, Any]) -> None:
    """Turn the document into what version 4 wrote: no archived takes."""
    _v5(doc)
    doc["version"] = 4
    for shot in doc["project"]["episodes"][0]["scenes"][0]["shots"]:
        del shot["archived_takes"]


def _v3(doc: dict[str, Any]) -> None:
    """Turn the document into what version 3 wrote: no crop focus, cover frame, label text or
    producer."""
    _v4(doc)
    doc["version"] = 3
    del doc["project"]["label"], doc["project"]["producer"]
    del doc["project"]["episodes"][0]["cover_frame"]
    for shot in doc["project"]["episodes"][0]["scenes"][0]["shots"]:
        del shot["focus"]


def _exportless() -> Project:
    """The small project as a version-3 file upgrades: export settings at their defaults."""
    project = _untranslated()
    project.label = project.producer = ""
    for episode in project.episodes:
        episode.cover_frame = None
    for shot in project.shots():
        shot.focus = (0.5, 0.5)
    return project


def _v2(doc: dict[str, Any]) -> None:
    """Turn the document into what version 2 wrote: no sound (voice, sfx, music) and no
    lip-sync links."""
    _v3(doc)
    doc["version"] = 2
    doc["project"]["episodes"][0].pop("music")
    for shot in doc["project"]["episodes"][0]["scenes"][0]["shots"]:
        del shot["voice"], shot["sfx"]
        for take in shot["takes"]:
            del take["source_take"]


def _soundless() -> Project:
    """The small project as a version-2 file upgrades: no sound, no lip-sync links."""
    project = _exportless()
    for episode in project.episodes:
        episode.music = None
    for shot in project.shots():
        shot.voice, shot.sfx = [], []
        for take in shot.takes:
            take.source_take = ""
    return project


def _v1(doc: dict[str, Any]) -> None:
    """Turn the document into what version 1 wrote: version 2 without shot prompts, take
    timings/device and LoRAs."""
    _v2(doc)
    doc["version"] = 1
    del doc["project"]["loras"]
    for character in doc["project"]["characters"]:
        del character["loras"]
    for shot in doc["project"]["episodes"][0]["scenes"][0]["shots"]:
        del shot["prompt"]
        for take in shot["takes"]:
            del take["timings"], take["device"]


def test_version_1_is_upgraded_and_the_original_kept(root: Path) -> None:
    edit_json(root, _v1)
    original = (root / "project.json").read_bytes()
    with open_project(root) as folder:
        assert folder.project == _soundless()
        assert folder.problems == [
            "upgraded project.json from schema version 1 to 6; "
            "the first save keeps the original as project.v1.json"
        ]
        folder.save()
        folder.save()  # the backup is made once, from the original
    assert (root / "project.v1.json").read_bytes() == original
    doc = json.loads((root / "project.json").read_text())
    assert doc["version"] == 6
    shot = doc["project"]["episodes"][0]["scenes"][0]["shots"][0]
    assert shot["prompt"] == ""
    assert doc["project"]["loras"] == [] and doc["project"]["characters"][0]["loras"] == []
    assert (shot["takes"][0]["timings"], shot["takes"][0]["device"]) == ({}, "")


def test_version_2_gains_sound_fields(root: Path) -> None:
    edit_json(root, _v2)
    with open_project(root) as folder:
        assert folder.project == _soundless()
        assert "from schema version 2 to 6" in folder.problems[0]
        folder.save()
    doc = json.loads((root / "project.json").read_text())
    episode = doc["project"]["episodes"][0]
    shot = episode["scenes"][0]["shots"][0]
    assert (episode["music"], shot["voice"], shot["sfx"]) == (None, [], [])
    assert shot["takes"][0]["source_take"] == ""


def test_version_3_gains_export_fields(root: Path) -> None:
    edit_json(root, _v3)
    with open_project(root) as folder:
        assert folder.project == _exportless()
        assert "from schema version 3 to 6" in folder.problems[0]
        folder.save()
    doc = json.loads((root / "project.json").read_text())
    episode = doc["project"]["episodes"][0]
    assert episode["cover_frame"] is None
    assert (doc["project"]["label"], doc["project"]["producer"]) == ("", "")
    assert all(shot["focus"] == [0.5, 0.5] for shot in episode["scenes"][0]["shots"])


def test_version_4_gains_the_take_archive(root: Path) -> None:
    edit_json(root, _v4)
    with open_project(root) as folder:
        assert folder.project == _untranslated()
        assert "from schema version 4 to 6" in folder.problems[0]
        folder.save()
    doc = json.loads((root / "project.json").read_text())
    shots = doc["project"]["episodes"][0]["scenes"][0]["shots"]
    assert shots and all(shot["archived_takes"] == [] for shot in shots)


def test_version_5_gains_language_variants(root: Path) -> None:
    edit_json(root, _v5)
    with open_project(root) as folder:
        assert folder.project == _untranslated()
        assert folder.problems == [
            "upgraded project.json from schema version 5 to 6; "
            "the first save keeps the original as project.v5.json"
        ]
        folder.project.languages = small_project().languages  # a language can now be added
        folder.save()
    doc = json.loads((root / "project.json").read_text())
    assert doc["version"] == 6
    assert [lang["tag"] for lang in doc["project"]["languages"]] == ["es", "pt-BR"]
    assert (root / "project.v5.json").exists()
    with open_project(root) as folder:
        assert folder.project == small_project() and folder.problems == []


def test_upgrade_chain_runs_in_order(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def step(n: int) -> Any:
        def upgrade(doc: dict[str, Any]) -> dict[str, Any]:
            assert doc["version"] == n
            seen.append(n)
            return doc

        return upgrade

    edit_json(root, lambda doc: doc.update(version=1))
    monkeypatch.setattr(project_file, "SCHEMA_VERSION", 6)
    steps = {3: step(3), 1: step(1), 5: step(5), 4: step(4), 2: step(2)}
    monkeypatch.setattr(project_file, "UPGRADES", steps)
    with open_project(root, read_only=True) as folder:
        assert seen == [1, 2, 3, 4, 5]
        assert "from schema version 1 to 6" in folder.problems[0]
    assert not (root / "project.v1.json").exists()  # read-only: nothing written


def test_upgrade_missing_or_failing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit_json(root, _v1)
    before = (root / "project.json").read_bytes()
    monkeypatch.setattr(project_file, "UPGRADES", {})
    with pytest.raises(StoreError, match=r": no upgrade from schema version 1 to 2$"):
        open_project(root)

    def broken(doc: dict[str, Any]) -> dict[str, Any]:
        return doc["nothing"]

    monkeypatch.setattr(project_file, "UPGRADES", {1: broken})
    with pytest.raises(StoreError, match=r"upgrading from schema version 1 failed: KeyError"):
        open_project(root)
    assert (root / "project.json").read_bytes() == before
    assert not (root / ".lock").exists()
