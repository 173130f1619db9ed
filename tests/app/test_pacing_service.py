"""Which preset a project's pacing uses, and the script its beats come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.app.pacing import load_pacing_preset, project_pacing
from studio.core.model import Project
from studio.core.pacing_preset import PROJECT_PRESET, PacingPresetError
from studio.core.script.importer import apply_script

SCRIPT = "INT. ROOM - DAY\n\nRain on the glass for a while.\n\nLIN\nYou came back.\n"


def test_project_file_then_named_file_override_the_default(tmp_path: Path):
    assert load_pacing_preset(tmp_path).hook_max_seconds == 3
    (tmp_path / PROJECT_PRESET).write_text('{"hook_max_seconds": 5, "caption_cps_max": 20}')
    assert load_pacing_preset(tmp_path).hook_max_seconds == 5
    mine = tmp_path / "mine.json"
    mine.write_text('{"hook_max_seconds": 8}')
    preset = load_pacing_preset(tmp_path, mine)
    assert (preset.hook_max_seconds, preset.caption_cps_max) == (8, 20)
    with pytest.raises(PacingPresetError, match="no such pacing preset"):
        load_pacing_preset(tmp_path, tmp_path / "missing.json")


def test_beats_come_from_the_script_file(tmp_path: Path):
    project = Project(title="t")
    apply_script(project, SCRIPT)
    project.script = "script.fountain"
    preset = load_pacing_preset()
    (tmp_path / "script.fountain").write_text(SCRIPT, encoding="utf-8")
    (before,) = project_pacing(project, tmp_path, preset)
    assert before.hook_source == "dialogue"
    marked = SCRIPT.replace("while.", "while. [[beat: reveal]]")
    (tmp_path / "script.fountain").write_text(marked, encoding="utf-8")
    (after,) = project_pacing(project, tmp_path, preset)
    assert (after.hook, after.hook_source) == (0, "beat: reveal")
    with pytest.raises(ValueError, match="no episode 4"):
        project_pacing(project, tmp_path, preset, episode=4)
