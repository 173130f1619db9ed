"""``studio generate --executor ray``: the command starts a local Ray of its own, runs the
episode on two workers, records every take, prints a line per worker and a summary, and shuts
Ray down. Without Ray installed it says how to get it, in one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.media.ffmpeg import probe

pytestmark = [pytest.mark.slow, pytest.mark.ray]

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

EXT. ROOF - LATER

Wind.

INT. STAIRS - LATER

Footsteps.
"""
WITHOUT_RAY = "import sys; sys.modules['ray'] = None; from studio.cli import main; sys.exit(main())"


def studio(*args, code: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    start = ["-c", code] if code else ["-m", "studio"]
    return subprocess.run([sys.executable, *start, *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env)  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("farm")
    (tmp / "glass.fountain").write_text(SCRIPT)
    assert studio("new", tmp / "Glass", "--script", tmp / "glass.fountain").returncode == 0
    return tmp / "Glass.mdstudio"


def test_an_episode_on_the_farm_makes_every_take_and_sums_up(project):
    done = studio("generate", project, "--all-episodes", "--executor", "ray", "--workers", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    summary = next(line for line in lines if line.startswith("summary: "))
    assert summary.startswith("summary: 3 made, 0 failed, ")
    assert "CPU-seconds" in summary, "no GPU here: the time is CPU-seconds"
    assert summary.endswith("2 workers; takes written in place (the project folder is shared)")
    per_worker = [line for line in lines if line.startswith("  ray-")]
    assert len(per_worker) == 2 and sum(int(w.split(": ")[1].split()[0]) for w in per_worker) == 3
    ended = [line for line in lines if line.startswith("[")]
    assert len(ended) == 3 and all(" · ray-" in line for line in ended), "each job names its worker"

    shots = json.loads(studio("shots", project, "--json").stdout)
    takes = json.loads(studio("takes", project, "--json").stdout)
    assert sorted(t["shot"] for t in takes) == sorted(s["id"] for s in shots)
    for take in takes:
        assert probe(project / take["path"]).height == 1024
    jobs = json.loads((project / "jobs.json").read_text(encoding="utf-8"))["jobs"]
    assert [job["state"] for job in jobs] == ["done"] * 3


def test_without_ray_the_farm_is_one_line_saying_how_to_install_it(project):
    refused = studio("generate", project, "--executor", "ray", code=WITHOUT_RAY)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "studio: error: the render farm needs Ray: install micro-drama-studio[farm] "
        '(pip install "micro-drama-studio[farm]")'
    ]


def test_farm_options_need_the_farm(project):
    mixed = studio("generate", project, "--workers", "2")
    assert mixed.returncode == 1
    assert mixed.stderr.strip() == "studio: error: --ray-address and --workers need --executor ray"
