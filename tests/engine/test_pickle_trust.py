"""Trust in pickle weights lives in the user's config, tied to the files' sha256: a marker file
shipped inside a models folder is ignored, and a trusted file that changes is refused again.
The CLI is run as a user runs it, with its config folder pointed at a temp dir."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_pipelines import PICKLE_SD15

from studio.engine import pickle_trust
from studio.engine.model_files import TRUST_PICKLE
from studio.engine.registry import ModelError, load_pipeline, scan

UNET_BIN = "unet/diffusion_pytorch_model.bin"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv(pickle_trust.ENV_CONFIG_DIR, str(folder))
    return folder


@pytest.fixture
def models(models_dir: Path, tmp_path: Path) -> Path:
    """A models folder holding a copy of the pickle pipeline only (safe to change)."""
    root = tmp_path / "models"
    shutil.copytree(models_dir / PICKLE_SD15, root / PICKLE_SD15)
    return root


def studio(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("STUDIO_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_trust_marker_shipped_in_the_model_folder_is_ignored(config, models):
    (models / PICKLE_SD15 / TRUST_PICKLE).write_text("trusted\n", encoding="utf-8")
    entry = scan(models).get(PICKLE_SD15)
    assert not entry.pickle_trusted
    assert any("untrusted" in p and "is ignored" in p for p in entry.problems), entry.problems
    with pytest.raises(ModelError, match=f"studio models trust {PICKLE_SD15}"):
        load_pipeline(entry, torch_dtype=None)
    listed = studio("models", "list", "--models-dir", models)
    assert listed.returncode == 0, listed.stderr
    assert "pickle weights" in listed.stdout and "untrusted" in listed.stdout
    assert f"{TRUST_PICKLE} is ignored" in listed.stdout


def test_trust_is_recorded_in_the_config_and_ends_when_a_file_changes(config, models):
    trusted = studio("models", "trust", PICKLE_SD15, "--models-dir", models)
    assert trusted.returncode == 0, trusted.stderr
    assert not (models / PICKLE_SD15 / TRUST_PICKLE).exists()  # nothing written beside weights
    record = (config / pickle_trust.TRUST_FILE).read_text(encoding="utf-8")
    entry = scan(models).get(PICKLE_SD15)
    assert entry.pickle_trusted and entry.problems == []
    assert pickle_trust.pickle_digest(entry.path, entry.pickle_files) in record

    weights = models / PICKLE_SD15 / UNET_BIN
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF  # the middle of the file: not seen by the quick content hash
    weights.write_bytes(bytes(data))
    changed = scan(models).get(PICKLE_SD15)
    assert not changed.pickle_trusted
    assert any("untrusted" in p for p in changed.problems)
    with pytest.raises(ModelError, match="studio models trust"):
        load_pipeline(changed, torch_dtype=None)


def test_trust_in_another_config_does_not_count(config, models, monkeypatch, tmp_path):
    assert studio("models", "trust", PICKLE_SD15, "--models-dir", models).returncode == 0
    assert scan(models).get(PICKLE_SD15).pickle_trusted
    monkeypatch.setenv(pickle_trust.ENV_CONFIG_DIR, str(tmp_path / "someone-else"))
    assert not scan(models).get(PICKLE_SD15).pickle_trusted


def test_revoke_forgets_the_trust(config, models):
    assert studio("models", "trust", PICKLE_SD15, "--models-dir", models).returncode == 0
    revoked = studio("models", "trust", PICKLE_SD15, "--revoke", "--models-dir", models)
    assert revoked.returncode == 0, revoked.stderr
    assert "refused again" in revoked.stdout
    assert not scan(models).get(PICKLE_SD15).pickle_trusted


def test_an_unwritable_config_is_one_error_line(models, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(pickle_trust.ENV_CONFIG_DIR, str(blocker / "config"))
    result = studio("models", "trust", PICKLE_SD15, "--models-dir", models)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studio: error: cannot write"), result.stderr
