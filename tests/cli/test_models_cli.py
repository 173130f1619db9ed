"""``studio models``, run as a user runs it. No test here touches the network: ``pull`` is only
seen refusing (a bad revision, a name in use, an unreachable host on this machine)."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE_TESTS = Path(__file__).resolve().parents[1] / "engine"


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The engine tests' tiny models folder (tests/engine/tiny_pipelines.py), built here."""
    sys.path.insert(0, str(ENGINE_TESTS))
    from tiny_pipelines import build_models_dir

    return build_models_dir(tmp_path_factory.mktemp("models"))


def studio(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    full_env.pop("STUDIO_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("studio: error: ")
    return lines[0]


def test_list_json_matches_the_registry(models):
    from studio.engine.registry import scan

    result = studio("models", "list", "--json", env={"STUDIO_MODELS_DIR": str(models)})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["models_dir"] == str(models.absolute())
    listed = {m["name"]: m for m in data["models"]}
    expected = {e.name: e.to_json() for e in scan(models)}
    assert listed == expected
    assert listed["tiny-sd15"]["kind"] == "text-to-image"
    assert listed["tiny-org/tiny-sd15-hub"]["revision"] == "0123456789abcdef" * 2 + "01234567"


def test_list_table_shows_problems(models):
    result = studio("models", "list", "--models-dir", models)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for header in ("NAME", "KIND", "FAMILY", "SIZE", "HASH", "PROBLEMS"):
        assert header in out
    sd15_row = next(line for line in out.splitlines() if line.startswith("tiny-sd15 "))
    assert "text-to-image" in sd15_row and "sd15" in sd15_row and "MB" in sd15_row
    assert "tiny-sd15-pickle: pickle weights" in out
    assert "mystery: pipeline class MysteryPipeline is not one the studio can run" in out


def test_list_of_an_empty_folder(tmp_path):
    result = studio("models", "list", "--models-dir", tmp_path / "none")
    assert result.returncode == 0, result.stderr
    assert "No models installed" in result.stdout


def test_list_imports_no_torch(models):
    code = (
        "import sys\n"
        "from studio.cli import main\n"
        f"assert main(['models', 'list', '--models-dir', {str(models)!r}]) == 0\n"
        "heavy = [m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_import_then_refuse_the_same_name(models, tmp_path):
    target = tmp_path / "installed"
    result = studio(
        "models", "import", models / "tiny-sd15", "--name", "hero", "--json", "--models-dir", target
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout)
    assert entry["name"] == "hero" and entry["kind"] == "text-to-image"
    assert Path(entry["path"]) == (target / "hero").absolute()

    again = studio(
        "models", "import", models / "tiny-sd15", "--name", "hero", "--models-dir", target
    )
    assert "'hero' is already installed" in one_error_line(again)

    lora = studio(
        "models", "import", models / "loras" / "tiny-lora.safetensors", "--models-dir", target
    )
    assert lora.returncode == 0, lora.stderr
    assert "Imported tiny-lora (lora)" in lora.stdout
    assert (target / "loras" / "tiny-lora.safetensors").is_file()


def test_import_refusals_are_one_line(models, tmp_path):
    target = tmp_path / "installed"
    pickle = models / "tiny-sd15-pickle" / "unet" / "diffusion_pytorch_model.bin"
    assert "pickle file" in one_error_line(
        studio("models", "import", pickle, "--models-dir", target)
    )
    no_index = studio("models", "import", models / "loras", "--models-dir", target)
    assert "no model_index.json" in one_error_line(no_index)
    assert not target.exists()


def test_pull_refuses_a_revision_that_is_not_a_commit(tmp_path):
    for revision in ("main", "v1.0", "0123abc", "g" * 40):
        result = studio(
            "models", "pull", "org/name", "--revision", revision, "--models-dir", tmp_path
        )
        assert "full 40-character commit SHA" in one_error_line(result)
    bad_repo = studio(
        "models", "pull", "no-slash", "--revision", "a" * 40, "--models-dir", tmp_path
    )
    assert "not a Hugging Face repository id" in one_error_line(bad_repo)
    assert os.listdir(tmp_path) == []


def test_pull_refuses_a_name_in_use_before_going_online(models):
    result = studio(
        "models", "pull", "org/tiny-sd15", "--revision", "a" * 40, "--models-dir", models
    )
    assert "'tiny-sd15' is already installed" in one_error_line(result)


def test_pull_without_network_fails_in_one_line(tmp_path):
    with socket.socket() as sock:  # a local port nothing listens on: refused at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"HF_ENDPOINT": f"http://127.0.0.1:{port}", "NO_PROXY": "*"}
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[proxy] = ""
    result = studio(
        "models", "pull", "org/name", "--revision", "a" * 40, "--models-dir", tmp_path, env=env
    )
    assert "no network: cannot reach 127.0.0.1" in one_error_line(result)
    assert os.listdir(tmp_path) == []


def test_models_without_a_subcommand_prints_help():
    result = studio("models")
    assert result.returncode == 0, result.stderr
    assert "list" in result.stdout and "import" in result.stdout and "pull" in result.stdout


def test_trust_lets_one_models_pickles_load_and_revoke_takes_it_back(models, tmp_path, monkeypatch):
    from tiny_pipelines import PICKLE_SD15, TINY_SD15

    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))  # never the user's own

    def entry(name: str) -> dict:
        listed = json.loads(studio("models", "list", "--models-dir", models, "--json").stdout)
        return next(m for m in listed["models"] if m["name"] == name)

    assert "refused by default" in entry(PICKLE_SD15)["problems"][0]
    trusted = studio("models", "trust", PICKLE_SD15, "--models-dir", models)
    assert trusted.returncode == 0, trusted.stderr
    try:
        assert entry(PICKLE_SD15)["problems"] == []
        import torch

        from studio.engine.registry import load_pipeline, scan

        pipe = load_pipeline(scan(models).get(PICKLE_SD15), torch_dtype=torch.float32)
        assert type(pipe).__name__ == "StableDiffusionPipeline"
        assert entry(TINY_SD15)["problems"] == []
    finally:
        assert (
            studio("models", "trust", PICKLE_SD15, "--revoke", "--models-dir", models).returncode
            == 0
        )
    assert "refused by default" in entry(PICKLE_SD15)["problems"][0]
    refused = one_error_line(studio("models", "trust", TINY_SD15, "--models-dir", models))
    assert "has no pickle weights" in refused
