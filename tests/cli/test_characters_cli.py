"""The character bible from the shell: edits, reference images, generated candidates."""

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

pytestmark = pytest.mark.slow

SCRIPT = "INT. LOBBY - NIGHT\n\nMAYA\nAdrian?\n\n@林晓\n你好。\n"


def studio(*args) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)], capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


@pytest.fixture
def root(tmp_path) -> Path:
    script = tmp_path / "s.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    assert studio("new", tmp_path / "P", "--script", script).returncode == 0
    return tmp_path / "P.mdstudio"


def character(root: Path, name: str, *args) -> dict:
    result = studio("character", root, name, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_edit_the_bible(root):
    loras = ["--lora", "loras/maya.safetensors:0.8", "--lora", "loras/noir.safetensors"]
    maya = character(root, "MAYA", "--description", "24, courier jacket", "--seed", "7", *loras)
    assert (maya["description"], maya["seed"]) == ("24, courier jacket", 7)
    assert maya["loras"] == [
        {"path": "loras/maya.safetensors", "weight": 0.8},
        {"path": "loras/noir.safetensors", "weight": 1.0},
    ]
    assert character(root, "MAYA", "--no-loras")["loras"] == []
    listed = json.loads(studio("characters", root, "--json").stdout)
    assert [c["name"] for c in listed] == ["MAYA", "林晓"]
    assert listed[0]["seed"] == 7


def test_set_a_voice(root):
    maya = character(root, "MAYA", "--voice", "en-gb+f2", "--rate", "1.2", "--volume", "0.8")
    assert maya["voice"] == {
        "backend": "espeak", "model": "", "voice": "en-gb+f2", "language": "",
        "rate": 1.2, "pitch": 1.0, "volume": 0.8,
    }  # fmt: skip
    kokoro = ["--voice-backend", "kokoro", "--voice-model", "Kokoro-82M", "--voice", "zf_xiaobei"]
    lin = character(root, "林晓", *kokoro, "--voice-language", "zh")
    assert lin["voice"]["model"] == "Kokoro-82M"
    assert (lin["voice"]["backend"], lin["voice"]["language"]) == ("kokoro", "zh")
    bad = studio("character", root, "MAYA", "--pitch", "9")
    assert bad.returncode == 2 and "expected a number from 0.1 to 4, got '9'" in bad.stderr


def test_imported_references_are_copied_in(root, tmp_path):
    image = tmp_path / "maya face.png"
    cv2.imwrite(str(image), np.full((64, 48, 3), 200, np.uint8))
    lin = character(root, "林晓", "--add-reference", image)
    (ref,) = lin["reference_images"]
    assert ref.startswith("characters/林晓/maya-face-") or ref.startswith(
        "characters/林晓/maya face-"
    )
    assert (root / ref).read_bytes() == image.read_bytes()

    gone = character(root, "林晓", "--remove-reference", ref)
    assert gone["reference_images"] == [] and (root / ref).is_file(), "unlisted, not deleted"


def test_generated_candidates_wait_for_approval(root):
    maya = character(root, "MAYA", "--generate-references", "2")
    assert maya["reference_images"] == [] and len(maya["candidates"]) == 2
    for path in maya["candidates"]:
        still = cv2.imread(str(root / path))
        assert still is not None and still.shape[0] == 1024
    assert not list((root / "characters").rglob("*.mp4")), "only the still is kept"

    chosen = maya["candidates"][1]
    approved = character(root, "MAYA", "--approve-reference", chosen)
    assert approved["reference_images"] == [f"characters/MAYA/{Path(chosen).name}"]
    assert approved["candidates"] == [maya["candidates"][0]]
    assert not (root / "jobs.json").exists(), "reference jobs are not project jobs"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOBODY"], "no character 'NOBODY'"),
        (["MAYA", "--lora", "x.safetensors:heavy"], "not a LoRA weight"),
        (["MAYA", "--add-reference", "/nonexistent.png"], "no such file"),
        (["MAYA", "--approve-reference", "characters/MAYA/candidates/x.png"], "not a candidate"),
        (["MAYA", "--remove-reference", "x.png"], "not a reference of MAYA"),
        (["MAYA", "--generate-references", "1", "--model", "absent"], "absent"),
    ],
)
def test_clear_errors(root, args, message):
    result = studio("character", root, *args)
    assert result.returncode == 1
    assert result.stderr.startswith("studio: error: ") and message in result.stderr
