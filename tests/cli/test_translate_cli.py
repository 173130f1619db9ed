"""``studio translate`` through the real registry and worker process with a tiny random-weight
OPUS-MT model saved into a temp models folder: every line gets a machine translation, a line a
translator edited is kept on the next run, and without a model for the pair it says what to do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core.project_file import read_project
from studio.core.translations import LineState

ENGINE_TESTS = Path(__file__).resolve().parents[1] / "engine"
SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

MAYA
Open the door.

ETHAN
Then deliver it.
"""


def studio(models: Path, *args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "STUDIO_MODELS_DIR": str(models)}
    return subprocess.run([sys.executable, "-m", "studio", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=240)  # fmt: skip


@pytest.mark.slow
def test_translate_fills_machine_lines_and_keeps_edited_ones(tmp_path: Path) -> None:
    sys.path.insert(0, str(ENGINE_TESTS))
    from tiny_translation import save_tiny_marian

    models = tmp_path / "models"
    (tmp_path / "glass.fountain").write_text(SCRIPT, "utf-8")
    assert studio(models, "new", tmp_path / "Glass", "--script", tmp_path / "glass.fountain",
                  "--language", "en").returncode == 0  # fmt: skip
    root = tmp_path / "Glass.mdstudio"
    assert studio(models, "languages", root, "--add", "es,de").returncode == 0
    missing = studio(models, "translate", root, "--to", "es")
    assert missing.returncode == 1 and "translations export" in missing.stderr

    save_tiny_marian(models / "opus-mt-en-es")
    done = studio(models, "translate", root, "--to", "es", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["model"] == "opus-mt-en-es" and len(out["lines"]) == 2
    project, _ = read_project(root / "project.json", [])
    lines = project.languages[0].lines
    assert sorted((t.state, t.source) for t in lines.values()) == [
        (LineState.MACHINE, "Open the door."), (LineState.MACHINE, "Then deliver it.")]  # fmt: skip
    assert (root / out["episodes"][0]["file"]).is_file()

    first = next(iter(lines))
    table = tmp_path / "es.xlf"
    assert studio(models, "translations", "export", root, "--to", "es", table).returncode == 0
    text = table.read_text("utf-8")
    machine = lines[first].text
    table.write_text(text.replace(f"<target>{machine}</target>", "<target>Abre.</target>", 1),
                     "utf-8")  # fmt: skip
    assert studio(models, "translations", "import", root, table).returncode == 0
    again = studio(models, "translate", root, "--to", "es", "--force", "--json")
    assert again.returncode == 0, again.stderr
    project, _ = read_project(root / "project.json", [])
    assert project.languages[0].lines[first].text == "Abre."
    assert project.languages[0].lines[first].state is LineState.EDITED
    pair = studio(models, "translate", root, "--to", "de")
    assert pair.returncode == 1 and "no model in" in pair.stderr and "de" in pair.stderr
