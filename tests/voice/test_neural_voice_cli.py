"""The neural backends from a models folder, through the registry and the worker, as a user
runs them: ``studio voice --backend kokoro`` and ``studio lipsync --backend musetalk`` on a
real photograph imported as a take. Tiny random weights in the real layouts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from skimage import data
from tiny_kokoro import save_tiny_kokoro
from tiny_musetalk import save_tiny_musetalk

from studio.app.models import scan_models as scan
from studio.core.kinds import ModelKind
from studio.core.store import open_project
from studio.media.ffmpeg import VideoWriter, probe, read_frames

pytestmark = pytest.mark.slow

SCRIPT = """INT. LAUNCH PAD - DAY

ANNA
Bob, papa made a map.
"""


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("models")
    save_tiny_kokoro(root / "Kokoro-82M")
    save_tiny_musetalk(root / "musetalk")
    yield root
    shutil.rmtree(root, ignore_errors=True)  # 100+ MB: not kept among pytest's old temp dirs


def studio(*args: object, models: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "STUDIO_MODELS_DIR": str(models)}
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip


def test_registry_lists_the_voice_and_lipsync_models(models: Path) -> None:
    registry = scan(models)
    kokoro, musetalk = registry.get("Kokoro-82M"), registry.get("musetalk")
    assert (kokoro.kind, kokoro.family, kokoro.problems) == (ModelKind.TTS, "kokoro", [])
    assert (musetalk.kind, musetalk.family, musetalk.problems) == (
        ModelKind.LIPSYNC,
        "musetalk",
        [],
    )
    assert kokoro.hash and musetalk.hash and kokoro.hash != musetalk.hash


def test_kokoro_voices_and_musetalk_syncs_a_photo(models: Path, tmp_path: Path) -> None:
    (tmp_path / "s.fountain").write_text(SCRIPT)
    assert (
        studio("new", tmp_path / "P", "--script", tmp_path / "s.fountain", models=models).returncode
        == 0
    )
    root = tmp_path / "P.mdstudio"

    voiced = studio("voice", root, "--backend", "kokoro", "--json", models=models)
    assert voiced.returncode == 0, voiced.stderr
    (line,) = json.loads(voiced.stdout)
    assert [w[2] for w in line["words"]] == ["Bob", "papa", "made", "a", "map"]
    with open_project(root, read_only=True) as folder:
        shot = folder.project.find_shot(line["shot"])
        request = shot.voice[0].request
    assert (request.backend, request.model) == ("kokoro", "Kokoro-82M")
    assert request.model_hash == scan(models).get("Kokoro-82M").hash

    photo = data.astronaut()
    clip = tmp_path / "anna.mp4"
    with VideoWriter(clip, 512, 512, "24/1") as writer:
        for _ in range(48):
            writer.write(photo)
    imported = studio(
        "takes", "import", root, clip, "--shot", line["shot"], "--json", models=models
    )
    assert imported.returncode == 0, imported.stderr
    source = json.loads(imported.stdout)["id"]

    synced = studio(
        "lipsync", root, "--take", source, "--backend", "musetalk", "--json", models=models
    )
    assert synced.returncode == 0, synced.stderr
    (take,) = json.loads(synced.stdout)
    assert take["source_take"] == source
    info = probe(root / take["path"])
    assert (info.fps, info.has_audio) == ("30/1", True)  # conformed from 24 fps
    with open_project(root, read_only=True) as folder:
        before = folder.project.find_shot(line["shot"]).take(source).media
    still = next(iter(read_frames(root / before))).astype(int)  # as decoded: same codec noise
    after = list(read_frames(root / take["path"]))[info.frames // 2].astype(int)
    changed = np.abs(after - still).max(axis=2) > 30
    ys, xs = np.nonzero(changed)
    assert ys.size > 500  # the lower face was regenerated (random weights: noise)…
    assert ys.min() > 110 and ys.max() < 175 and xs.min() > 170 and xs.max() < 270  # …there only
