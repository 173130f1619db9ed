"""The ``studio`` command, run as a user runs it: a real process, real files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core.resources import SAMPLE_SCRIPT, resource
from studio.core.store import open_project

SCRIPT = """Title: Glass

# Episode 1

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA (V.O.)
(whispering)
I'm just here for a delivery.

# Episode 2

EXT. ROOF - LATER

@林晓
你好。
"""


def studio(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "glass.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def test_new_then_shots_json_has_the_documented_fields(tmp_path, script):
    created = studio("new", tmp_path / "Glass", "--script", script, "--fps", "24")
    assert created.returncode == 0, created.stderr
    root = tmp_path / "Glass.mdstudio"
    assert (root / "project.json").is_file()
    assert (root / "script" / "script.fountain").read_text(encoding="utf-8") == SCRIPT

    listed = studio("shots", root, "--json")
    assert listed.returncode == 0, listed.stderr
    shots = json.loads(listed.stdout)
    assert [(s["episode"], s["scene"], s["kind"]) for s in shots] == [
        (1, 1, "action"),
        (1, 1, "dialogue"),
        (2, 1, "dialogue"),
    ]
    maya = shots[1]
    assert maya["scene_heading"] == "INT. LOBBY - NIGHT"
    assert maya["characters"] == ["MAYA"]
    assert maya["dialogue"] == [
        {
            "character": "MAYA",
            "extension": "V.O.",
            "parenthetical": "whispering",
            "text": "I'm just here for a delivery.",
        }
    ]
    assert maya["source_lines"] == [9, 11]
    assert maya["takes"] == [] and maya["approved_take"] is None
    assert maya["duration_frames"] > 24
    assert shots[2]["characters"] == ["林晓"]

    only_two = json.loads(studio("shots", root, "--episode", "2", "--json").stdout)
    assert [s["id"] for s in only_two] == [shots[2]["id"]]


def test_info_json_and_tables(tmp_path, script):
    studio("new", tmp_path / "Glass", "--script", script)
    root = tmp_path / "Glass.mdstudio"
    info = json.loads(studio("info", root, "--json").stdout)
    assert info["title"] == "Glass"
    assert info["fps"] == "30/1" and info["resolution"] == [1080, 1920]
    assert [(e["number"], e["title"], e["shots"]) for e in info["episodes"]] == [
        (1, "Episode 1", 2),
        (2, "Episode 2", 1),
    ]
    assert info["characters"] == ["MAYA", "林晓"]
    assert info["duration_frames"] == sum(e["duration_frames"] for e in info["episodes"])

    table = studio("shots", root).stdout
    assert "MAYA: I'm just here for a delivery." in table
    assert "林晓: 你好。" in table
    assert "Characters: MAYA, 林晓" in studio("info", root).stdout


def test_import_reconciles_and_reports(tmp_path, script):
    studio("new", tmp_path / "Glass", "--script", script)
    root = tmp_path / "Glass.mdstudio"
    before = json.loads(studio("shots", root, "--json").stdout)
    edited = tmp_path / "edited.fountain"
    edited.write_text(SCRIPT.replace("Rain hammers", "Rain pounds"), encoding="utf-8")
    result = studio("import", root, edited, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["import"]
    assert report["changed"] == [before[0]["id"]]
    assert report["kept"] == [before[1]["id"], before[2]["id"]]
    after = json.loads(studio("shots", root, "--json").stdout)
    assert [s["id"] for s in after] == [s["id"] for s in before]
    assert after[0]["changed"] is True
    assert "Rain pounds" in (root / "script" / "script.fountain").read_text(encoding="utf-8")
    assert list((root / "autosave").iterdir()), "the state before the import is kept"


def test_final_draft_import(tmp_path):
    fdx = tmp_path / "scene.fdx"
    fdx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<FinalDraft DocumentType="Script" Version="5">'
        "<Content>"
        '<Paragraph Type="Scene Heading"><Text>INT. OFFICE - NIGHT</Text></Paragraph>'
        '<Paragraph Type="Action"><Text>Adrian slides a folder across the desk.</Text></Paragraph>'
        '<Paragraph Type="Character"><Text>ADRIAN</Text></Paragraph>'
        '<Paragraph Type="Dialogue"><Text>One year.</Text></Paragraph>'
        "</Content></FinalDraft>\n",
        encoding="utf-8",
    )
    assert studio("new", tmp_path / "Office", "--script", fdx).returncode == 0
    root = tmp_path / "Office.mdstudio"
    shots = json.loads(studio("shots", root, "--json").stdout)
    assert [(s["kind"], s["scene_heading"]) for s in shots] == [
        ("action", "INT. OFFICE - NIGHT"),
        ("dialogue", "INT. OFFICE - NIGHT"),
    ]
    fountain = (root / "script" / "script.fountain").read_text(encoding="utf-8")
    first, last = shots[1]["source_lines"]
    assert fountain.splitlines()[first - 1 : last] == ["ADRIAN", "One year."]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["shots", "{tmp}/nothing"], "not a Micro-Drama Studio project"),
        (["info", "{tmp}/empty.mdstudio"], "no project.json"),
        (["new", "{tmp}/X", "--script", "{tmp}/missing.fountain"], "no such script file"),
        (["new", "{tmp}/X", "--script", "{tmp}/bad.fountain"], "not UTF-8"),
        (["new", "{tmp}/X", "--script", "{tmp}/bad.fdx"], "Final Draft"),
        (["new", "{tmp}/X", "--script", "{tmp}/ok.fountain", "--fps", "fast"], "frame rate"),
        (["new", "{tmp}/X", "--script", "{tmp}/ok.docx"], "unknown script format"),
    ],
)
def test_errors_are_one_clear_line_and_a_nonzero_exit(tmp_path, args, message):
    (tmp_path / "bad.fountain").write_bytes(b"INT. ROOM\n\n\xff\xfe bad bytes\n")
    (tmp_path / "bad.fdx").write_text("<html><body>not a script</body></html>")
    (tmp_path / "ok.fountain").write_text("INT. ROOM - DAY\n\nx\n")
    (tmp_path / "ok.docx").write_text("x")
    (tmp_path / "empty.mdstudio").mkdir()
    result = studio(*(a.format(tmp=tmp_path) for a in args))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("studio: error: ") and message in lines[0]
    assert not (tmp_path / "X.mdstudio").exists(), "a failed new leaves nothing behind"


def test_new_refuses_to_overwrite_an_existing_project(tmp_path, script):
    assert studio("new", tmp_path / "Glass", "--script", script).returncode == 0
    again = studio("new", tmp_path / "Glass", "--script", script)
    assert again.returncode != 0 and again.stderr.startswith("studio: error: ")


def test_demo_builds_the_sample_and_is_rerunnable(tmp_path):
    # the export (the slowest step) is left to CI, which runs `make demo` and reads it back
    first = studio("demo", tmp_path / "demo", "--no-export")
    assert first.returncode == 0, first.stderr
    assert "Demo project created" in first.stdout and "Exporting" not in first.stdout
    assert "Episode 1" in first.stdout and "Episode 2" in first.stdout
    root = tmp_path / "demo" / f"{resource(SAMPLE_SCRIPT).stem}.mdstudio"
    info = json.loads(studio("info", root, "--json").stdout)
    assert len(info["episodes"]) == 2
    assert {"MAYA", "VIVIAN", "ADRIAN"} <= set(info["characters"])
    with open_project(root, read_only=True) as folder:  # voiced, lip-synced and mixed
        project = folder.project
    dialogue = [s for s in project.shots() if s.kind.value == "dialogue"]
    assert dialogue and all(len(s.voice) == len(s.dialogue) for s in dialogue)
    assert all(any(t.source_take for t in s.takes) for s in dialogue)
    assert all((root / f"audio/mix/episode-{e.number}.wav").is_file() for e in project.episodes)
    assert not list((root / "exports").glob("*.mp4"))
    second = studio("demo", tmp_path / "demo", "--no-export")
    assert second.returncode == 0, second.stderr
    assert "0 changed, 0 new, 0 archived" in second.stdout
    assert "Generating 0 shots" in second.stdout and "Lip-syncing 0 shots" in second.stdout


def test_help_everywhere():
    commands = ("new", "import", "shots", "info", "demo", "generate", "regenerate", "takes",
                "approve", "reject", "stats", "characters", "character", "voice", "lipsync",
                "mix", "models")  # fmt: skip
    for args in ([], ["--help"], ["takes", "import", "--help"], *([c, "--help"] for c in commands)):
        result = studio(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert "usage: studio" in result.stdout
