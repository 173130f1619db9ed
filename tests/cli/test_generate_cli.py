"""``studio generate``, ``takes``, ``approve``, ``reject`` and ``stats`` on a real project."""

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.media.ffmpeg import probe, read_frames
from studio.media.frame_proxies import PROXIES
from studio.media.posters import read_poster

pytestmark = pytest.mark.slow

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
I'm just here for a delivery.

EXT. ROOF - LATER

Wind.
"""


def studio(*args, models: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if models is not None:
        env["STUDIO_MODELS_DIR"] = str(models)
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[dict]]:
    tmp = tmp_path_factory.mktemp("gen")
    script = tmp / "glass.fountain"
    script.write_text(SCRIPT)
    assert studio("new", tmp / "Glass", "--script", script).returncode == 0
    root = tmp / "Glass.mdstudio"
    result = studio("generate", root, "--json")
    assert result.returncode == 0, result.stderr
    return root, json.loads(result.stdout)


def test_generate_makes_a_real_video_take_per_shot(generated):
    root, made = generated
    shots = json.loads(studio("shots", root, "--json").stdout)
    assert sorted(t["shot"] for t in made) == sorted(s["id"] for s in shots)
    for take in made:
        shot = next(s for s in shots if s["id"] == take["shot"])
        info = probe(root / take["path"])
        assert info.frames == shot["duration_frames"]
        assert (info.height, info.fps, info.codec) == (1024, "30/1", "h264")
        assert take["request"]["shot_id"] == shot["id"]
        assert take["request"]["backend"] == "animatic"
        assert [t["id"] for t in shot["takes"]] == [take["id"]]
        poster = read_poster(root / PROXIES, root / take["path"])  # made with the take
        first = cv2.cvtColor(next(read_frames(root / take["path"])), cv2.COLOR_RGB2BGR)
        assert poster is not None and poster.shape[0] == 720  # 1024 high, scaled down
        shrunk = cv2.resize(first, (poster.shape[1], 720), interpolation=cv2.INTER_AREA)
        assert np.abs(shrunk.astype(int) - poster).mean() < 12
    assert (root / "jobs.json").is_file()


def test_same_request_gives_identical_pixels_and_variations_new_seeds(generated):
    root, made = generated
    shot = made[0]["shot"]
    again = json.loads(
        studio("generate", root, "--shot", shot, "--variations", "3", "--json").stdout
    )
    assert len(again) == 3
    assert again[0]["request"] == next(t for t in made if t["shot"] == shot)["request"]
    first = root / next(t for t in made if t["shot"] == shot)["path"]
    from studio.media.ffmpeg import read_frames

    assert all(
        (a == b).all()
        for a, b in zip(read_frames(first), read_frames(root / again[0]["path"]), strict=True)
    )
    seeds = {t["request"]["seed"] for t in again}
    assert len(seeds) == 3


def test_review_and_stats(generated):
    root, made = generated
    take = made[0]
    approved = studio("approve", root, take["id"])
    assert approved.returncode == 0, approved.stderr
    listed = json.loads(studio("takes", root, "--shot", take["shot"], "--json").stdout)
    assert {t["id"]: t["state"] for t in listed}[take["id"]] == "approved"
    shots = json.loads(studio("shots", root, "--json").stdout)
    assert next(s for s in shots if s["id"] == take["shot"])["approved_take"] == take["id"]

    assert studio("reject", root, made[1]["id"]).returncode == 0
    stats = json.loads(studio("stats", root, "--json").stdout)[0]
    assert stats["approved_shots"] == 1
    assert stats["usable_rate"] == pytest.approx(1 / stats["generated_takes"])
    assert stats["approved_minutes"] > 0

    missing = studio("approve", root, "tk-nothing")
    assert missing.returncode == 1
    assert missing.stderr.startswith("studio: error: no take tk-nothing")


def test_unknown_shot_and_episode_are_clear_errors(generated):
    root, _ = generated
    for args, message in (
        (["--shot", "sh-nope"], "no shot sh-nope"),
        (["--episode", "9"], "no episode 9"),
        (["--variations", "0"], "at least 1"),
    ):
        result = studio("generate", root, *args)
        assert result.returncode == 1
        assert message in result.stderr


def test_footage_made_elsewhere_becomes_a_take(generated, tmp_path):
    root, made = generated
    source = root / made[0]["path"]
    clip = tmp_path / "from the phone.mp4"
    clip.write_bytes(source.read_bytes())
    result = studio("takes", "import", root, "--shot", made[0]["shot"], clip, "--json")
    assert result.returncode == 0, result.stderr
    take = json.loads(result.stdout)
    assert take["shot"] == made[0]["shot"] and take["state"] == "done"
    assert take["request"]["kind"] == "import"
    assert take["request"]["source"] == str(clip.resolve())
    import hashlib

    assert take["request"]["sha256"] == hashlib.sha256(clip.read_bytes()).hexdigest()
    assert (root / take["path"]).read_bytes() == clip.read_bytes()

    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    bad = studio("takes", "import", root, "--shot", made[0]["shot"], text)
    assert bad.returncode == 1 and bad.stderr.startswith("studio: error: notes.mp4: ")
    assert not list((root / "takes").rglob("*.part*"))


def test_regenerate_reproduces_a_take_or_varies_it(generated):
    from studio.media.ffmpeg import read_frames

    root, made = generated
    original = made[2]
    again = studio("regenerate", root, original["id"], "--json")
    assert again.returncode == 0, again.stderr
    (same,) = json.loads(again.stdout)
    assert same["request"] == original["request"] and same["id"] != original["id"]
    pairs = zip(read_frames(root / original["path"]), read_frames(root / same["path"]), strict=True)
    assert all((a == b).all() for a, b in pairs)

    varied = json.loads(studio("regenerate", root, original["id"], "--seed", "99", "--json").stdout)
    assert varied[0]["request"] == {**original["request"], "seed": 99}

    missing = studio("regenerate", root, "tk-none")
    assert missing.returncode == 1 and "no take tk-none" in missing.stderr


def test_a_diffusers_model_through_the_cli(generated, tmp_path_factory):
    """The tiny random-weight SD 1.5 of the engine tests, from a models folder, end to end."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
    from tiny_pipelines import TINY_SD15, build_models_dir

    models = build_models_dir(tmp_path_factory.mktemp("models"))
    root, made = generated
    shot = made[0]["shot"]
    args = ("--shot", shot, "--model", TINY_SD15, "--size", "48x80", "--steps", "2", "--json")
    result = studio("generate", root, *args, models=models)
    assert result.returncode == 0, result.stderr
    (take,) = json.loads(result.stdout)
    request = take["request"]
    assert (request["backend"], request["model"], request["steps"]) == ("diffusers", TINY_SD15, 2)
    assert (request["width"], request["height"]) == (48, 80)
    info = probe(root / take["path"])
    assert (info.width, info.height) == (48, 80)
    assert (root / take["path"]).with_suffix(".png").is_file(), "the keyframe sits beside it"
    listed = json.loads(studio("takes", root, "--shot", shot, "--json").stdout)
    assert next(t for t in listed if t["id"] == take["id"])["device"] == "cpu"

    absent = studio("demo", root.parent / "demo", "--model", "absent", models=models)
    assert absent.returncode == 1 and "absent" in absent.stderr
