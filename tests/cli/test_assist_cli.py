"""``studio assist`` through the real registry and worker process, with a tiny random-weight chat
model saved into a temp models folder: without a model it says how to install one; with one,
prompts are suggested, read back with ``--latest`` and accepted into the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core.project_file import read_project

ENGINE_TESTS = Path(__file__).resolve().parents[1] / "engine"
SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
Open the door.
"""


def studio(models: Path, *args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "STUDIO_MODELS_DIR": str(models)}
    return subprocess.run([sys.executable, "-m", "studio", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=240)  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("assist")
    (root / "glass.fountain").write_text(SCRIPT, "utf-8")
    made = studio(root / "no-models", "new", root / "Glass", "--script", root / "glass.fountain")
    assert made.returncode == 0, made.stderr
    return root / "Glass.mdstudio"


def test_without_a_chat_model_it_says_how_to_get_one(project: Path, tmp_path) -> None:
    done = studio(tmp_path / "empty", "assist", project, "prompts", "--episode", "1")
    assert done.returncode == 1
    assert "no chat model in" in done.stderr and "studio models pull" in done.stderr
    assert not (project / "assist").exists()


@pytest.mark.slow
def test_prompts_are_suggested_then_accepted_into_the_project(project: Path, tmp_path) -> None:
    sys.path.insert(0, str(ENGINE_TESTS))
    from tiny_chat import TINY_CHAT, save_tiny_chat

    models = tmp_path / "models"
    save_tiny_chat(models / TINY_CHAT)
    listed = studio(models, "models", "list", "--json")
    assert json.loads(listed.stdout)["models"][0]["license"] == "apache-2.0"
    (models / TINY_CHAT / "README.md").write_text("---\nlicense: cc-by-nc-4.0\n---\n", "utf-8")
    table = studio(models, "models", "list").stdout
    assert "cc-by-nc-4.0" in table and "non-commercial, not for a released series" in table
    (models / TINY_CHAT / "README.md").write_text("---\nlicense: apache-2.0\n---\n", "utf-8")
    asked = studio(models, "assist", project, "prompts", "--episode", "1", "--json")
    assert asked.returncode == 0, asked.stderr
    suggestion = json.loads(asked.stdout)
    assert (suggestion["model"], suggestion["seed"], suggestion["template"]) == (TINY_CHAT, 0, "1")
    assert (project / suggestion["file"]).is_file() and suggestion["accepted"] == []
    prompts = [a["prompt"] for a in suggestion["answers"]]
    assert prompts and all(prompts)

    accepted = studio(models, "assist", project, "prompts", "--episode", "1", "--latest",
                      "--accept", "--json")  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    assert json.loads(accepted.stdout)["file"] == suggestion["file"]  # nothing asked again
    saved, _ = read_project(project / "project.json", [])
    assert [s.prompt for s in saved.shots()] == [p.strip() for p in prompts]
    assert (
        "--accept is for prompts"
        in studio(models, "assist", project, "beats", "--episode", "1", "--accept").stderr
    )
