"""Every command takes a project by a path relative to where it runs, as `make demo` does.

The export once failed on such a path: ffmpeg read the segment names of its concat listing
relative to the listing, not to the working directory. Here each command runs from a sibling
folder with ``../work/Short.mdstudio``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = """Title: Short

# Episode 1

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
Sign, please.
"""


def _studio(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], cwd=cwd, capture_output=True, text=True,
        timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1", "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip


def test_every_command_takes_a_relative_project(tmp_path: Path) -> None:
    work, here = tmp_path / "work", tmp_path / "here"
    work.mkdir()
    here.mkdir()
    (work / "short.fountain").write_text(SCRIPT, encoding="utf-8")
    made = _studio(work, "new", "Short", "--script", "short.fountain")
    assert made.returncode == 0, made.stderr
    doc = json.loads((work / "Short.mdstudio" / "project.json").read_text(encoding="utf-8"))
    doc["project"]["width"], doc["project"]["height"] = 180, 320
    (work / "Short.mdstudio" / "project.json").write_text(json.dumps(doc), encoding="utf-8")

    project = "../work/Short.mdstudio"
    for args in (
        ("generate", project),
        ("voice", project),
        ("lipsync", project, "--episode", "1"),
        ("export", project, "--episode", "1", "--preset", "draft", "--no-cover"),
        ("gui", project, "--screenshot", "window.png"),
    ):
        done = _studio(here, *args)
        assert done.returncode == 0, f"studio {' '.join(args)}: {done.stderr}"
    root = work / "Short.mdstudio"
    assert len(list((root / "takes").rglob("*.mp4"))) >= 3  # two shots, one lip-synced
    assert list((root / "audio").rglob("*.wav"))
    assert len(list((root / "exports").glob("*.mp4"))) == 1
    assert (here / "window.png").stat().st_size > 10_000
    assert sorted(p.name for p in here.iterdir()) == ["window.png"]  # nothing else written here
