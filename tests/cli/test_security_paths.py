"""A project folder received from someone else never writes outside its folder.

Each test doctors a real project (made by ``studio new``) the way a hostile or broken file
could, runs the real command in a subprocess, and checks that nothing appeared outside the
project and that the user got one clear line and a failing exit status.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from studio.core.request import ImageRequest

pytestmark = pytest.mark.slow

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
Hi there.
"""
ESCAPE = "../../../outside/esc"


def studio(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh project and a real video take of it (to import as footage)."""
    tmp = tmp_path_factory.mktemp("made")
    (tmp / "s.fountain").write_text(SCRIPT)
    assert studio("new", tmp / "P", "--script", tmp / "s.fountain").returncode == 0
    template = tmp / "P.mdstudio"
    shutil.copytree(template, tmp / "G.mdstudio")
    generated = studio("generate", tmp / "G.mdstudio", "--json")
    assert generated.returncode == 0, generated.stderr
    video = tmp / "G.mdstudio" / json.loads(generated.stdout)[0]["path"]
    return template, video


@pytest.fixture
def project(made: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the fresh project, deep enough that ``ESCAPE`` leads to ``tmp/outside``."""
    root = tmp_path / "a" / "b" / "P.mdstudio"
    shutil.copytree(made[0], root)
    return root


def edit(root: Path, change: Any) -> None:
    file = root / "project.json"
    doc = json.loads(file.read_text())
    change(doc["project"])
    file.write_text(json.dumps(doc))


def shots(project: dict[str, Any]) -> list[dict[str, Any]]:
    return project["episodes"][0]["scenes"][0]["shots"]


def everything(tmp_path: Path) -> set[str]:
    return {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}


def one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode not in (0, 70), result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("studio: error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in errors[0]


def escape_first_shot(project: dict[str, Any]) -> None:
    shots(project)[0]["id"] = ESCAPE
    shots(project)[1]["id"] = ESCAPE + "2"  # the dialogue shot: `voice` writes for it


@pytest.mark.parametrize(
    "command",
    [
        ["generate", "{root}", "--shot", ESCAPE],
        ["takes", "import", "{root}", "--shot", ESCAPE, "{video}"],
        ["voice", "{root}"],
    ],
    ids=["generate", "takes-import", "voice"],
)
def test_a_shot_id_leading_outside_is_refused_on_load(
    made: tuple[Path, Path], project: Path, tmp_path: Path, command: list[str]
) -> None:
    edit(project, escape_first_shot)
    before = everything(tmp_path)
    args = [a.format(root=project, video=made[1]) for a in command]
    result = studio(*args)
    one_line_error(result, "shots[0].id", "is not a valid id")
    assert everything(tmp_path) == before
    assert not (tmp_path / "outside").exists()


def test_a_queued_job_with_such_a_shot_id_is_left_out(project: Path, tmp_path: Path) -> None:
    request = ImageRequest(shot_id=ESCAPE, frames=30).to_json()
    job = {"id": "jb-00000001", "state": "queued", "priority": 0, "request": request}
    doc = {"schema": "micro-drama-studio.jobs", "version": 1, "paused": False, "jobs": [job]}
    (project / "jobs.json").write_text(json.dumps(doc))
    result = studio("generate", project, "--queued")
    assert "jobs[0].request.shot_id" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "outside").exists()
    assert not list((project / "takes").rglob("*.mp4"))


@pytest.mark.parametrize("folder", ["takes", "audio"])
def test_a_linked_folder_leading_outside_is_refused(
    project: Path, tmp_path: Path, folder: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (project / folder).rename(elsewhere)
    (project / folder).symlink_to(elsewhere)
    result = studio("generate" if folder == "takes" else "voice", project)
    one_line_error(result, f"{folder}/ is a symlink to", "outside the project folder")
    assert list(elsewhere.rglob("*")) == []


def test_a_shot_folder_linked_outside_is_refused(project: Path, tmp_path: Path) -> None:
    shot = json.loads((project / "project.json").read_text())["project"]
    shot_id = shots(shot)[0]["id"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "takes" / shot_id).symlink_to(elsewhere)
    result = studio("generate", project, "--shot", shot_id)
    one_line_error(result, f"takes/{shot_id}/ is a symlink to")
    assert list(elsewhere.iterdir()) == []


def test_a_linked_exports_folder_is_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (project / "exports").rename(elsewhere)
    (project / "exports").symlink_to(elsewhere)
    result = studio("export", project, "--episode", "1")
    one_line_error(result, "outside the project folder")
    assert list(elsewhere.rglob("*")) == []


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda p: p.update(width=10_000_000), "resolution must be even numbers from 16 to 7680"),
        (lambda p: shots(p)[0].update(duration_frames=10**18), "shots[0].duration_frames"),
        (lambda p: p.update(episodes=[{**p["episodes"][0], "number": 10**9}]), ".number"),
        (lambda p: p.update(fps="1000000/1"), "project.fps: must be from 1 to 240"),
        (lambda p: shots(p)[0].update(id="sh-1\x00x"), "shots[0].id"),
        (lambda p: p.update(script="script/a\udc80.fountain"), "project.script: holds a lone"),
        (lambda p: p["characters"][0].update(name="MAYA\udc80"), "characters[0].name"),
    ],
    ids=["width", "duration", "episode", "fps", "nul-id", "surrogate-path", "surrogate-name"],
)
def test_values_past_any_limit_are_refused_in_one_line(
    project: Path, change: Any, needle: str
) -> None:
    edit(project, change)
    before = (project / "project.json").read_bytes()
    result = studio("generate", project)
    one_line_error(result, "is damaged", needle)
    assert (project / "project.json").read_bytes() == before  # nothing lost


def test_nan_in_project_json_is_refused(project: Path) -> None:
    edit(project, lambda p: p["characters"][0]["voice"].update(rate=0.5))
    file = project / "project.json"
    file.write_text(file.read_text().replace('"rate": 0.5', '"rate": NaN'))
    result = studio("generate", project)
    one_line_error(result, "is damaged", "NaN is not a number")
