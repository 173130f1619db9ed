"""A script of scene headings with no shots yet, through the ``studio`` command as a user runs it:
the project keeps its scenes, and every command that meets a shot-less scene answers calmly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from studio.core.store import open_project

OUTLINE = "INT. HOUSE - DAY\n\nEXT. ROAD - NIGHT #2#\n\nINT. CAR - DAY\n"


def studio(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "STUDIO_CONFIG_DIR": str(tmp_path / "config"),
        "STUDIO_LOG_DIR": str(tmp_path / "logs"),
    }
    return subprocess.run(
        [sys.executable, "-m", "studio", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_outline_script_makes_a_project_with_its_scenes(tmp_path: Path) -> None:
    (tmp_path / "outline.fountain").write_text(OUTLINE, encoding="utf-8")
    created = studio(tmp_path, "new", "P", "--script", "outline.fountain")
    assert created.returncode == 0, created.stderr
    assert "1 episode, 0 shots" in created.stdout

    info = studio(tmp_path, "info", "P", "--json")
    assert info.returncode == 0, info.stderr
    summary = json.loads(info.stdout)
    assert [(e["number"], e["title"], e["scenes"], e["shots"]) for e in summary["episodes"]] == [
        (1, "", 3, 0)
    ]
    table = studio(tmp_path, "info", "P")
    assert table.returncode == 0, table.stderr
    assert "1 episode, 0 shots" in table.stdout

    (root,) = tmp_path.glob("P*.mdstudio")
    with open_project(root, read_only=True) as folder:  # the store's own validation
        (episode,) = folder.project.episodes
    assert [(s.heading, s.number, s.shots) for s in episode.scenes] == [
        ("INT. HOUSE - DAY", "", []),
        ("EXT. ROAD - NIGHT", "2", []),
        ("INT. CAR - DAY", "", []),
    ]

    listed = studio(tmp_path, "shots", "P", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == [], listed.stderr
    reimported = studio(tmp_path, "import", "P", "outline.fountain")
    assert reimported.returncode == 0, reimported.stderr
    export = studio(tmp_path, "export", "P", "--episode", "1")
    assert export.returncode == 1
    assert export.stderr.strip().splitlines()[-1] == "studio: error: episode 1 has no shots"
    assert "Traceback" not in export.stderr
