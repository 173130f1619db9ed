"""Re-exports encode only what changed; presets, choices and failures of ``studio export``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import av
import numpy as np
import pytest
from export_projects import studio, voiced_project

from studio.core.store import open_project

pytestmark = pytest.mark.slow

EXPORTS = ("exports",)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return voiced_project(tmp_path_factory.mktemp("incremental"))


@pytest.fixture
def root(made: Path, tmp_path: Path) -> Path:
    """A fresh copy of the voiced project, nothing exported yet."""
    return Path(shutil.copytree(made, tmp_path / made.name))


def export(root: Path, *args: object, env: dict[str, str] | None = None) -> dict:
    done = studio("export", root, "--episode", "1", "--preset", "draft", "--json", *args, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[0]


def _shots(root: Path) -> list:
    with open_project(root, read_only=True) as folder:
        return list(folder.project.episode(1).shots())


def _leftovers(root: Path) -> list[str]:
    """Hidden or partial files anywhere in the project (the cache folder itself aside)."""
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if ".partial" in p.name or (p.name.startswith(".") and p.name not in (".cache", ".lock"))
    )


def test_one_changed_shot_is_the_only_segment_encoded_again(root: Path) -> None:
    first = export(root)
    assert (first["segments_encoded"], first["segments_reused"]) == (3, 0)
    video = Path(first["files"]["video"])
    before = video.read_bytes()
    again = export(root)
    assert (again["segments_encoded"], again["segments_reused"]) == (0, 3)
    assert video.read_bytes() == before  # same inputs, same file
    shot = _shots(root)[1]
    done = studio("export-setup", root, "--shot", shot.id, "--focus", "0,0.5")
    assert done.returncode == 0, done.stderr
    changed = export(root)
    assert (changed["segments_encoded"], changed["segments_reused"]) == (1, 2)
    cache = root / "exports" / ".cache" / "episode-1-draft"
    assert len(list(cache.glob("*.mp4"))) == 3  # the stale segment was pruned
    assert _leftovers(root) == []


def test_focus_crops_a_wide_take_where_asked(root: Path, tmp_path: Path) -> None:
    """A 16:9 take fills the 9:16 frame: the left edge with focus 0, the right with focus 1."""
    wide = tmp_path / "wide.mp4"
    ramp = np.tile(np.linspace(0, 255, 320).astype(np.uint8)[None, :, None], (180, 1, 3))
    from studio.media.ffmpeg import VideoWriter

    with VideoWriter(wide, 320, 180, "30/1") as writer:
        for _ in range(10):
            writer.write(ramp)
    shot = _shots(root)[0]
    done = studio("takes", "import", root, "--shot", shot.id, wide)
    assert done.returncode == 0, done.stderr
    means = []
    for focus in ("0,0.5", "1,0.5"):
        assert studio("export-setup", root, "--shot", shot.id, "--focus", focus).returncode == 0
        video = export(root, "--no-labels", "--captions", "none", "--no-cover")["files"]["video"]
        with av.open(video) as container:
            frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
        assert frame.shape == (960, 540, 3)
        means.append(frame[:, :, 1].mean())
    assert means[0] < 60 and means[1] > 195  # never stretched: only a third of the ramp shows


def test_a_preset_file_conforms_to_its_rate(root: Path, tmp_path: Path) -> None:
    preset = tmp_path / "festival.json"
    preset.write_text(json.dumps({"base": "draft", "width": 360, "height": 640, "fps": "24"}))
    result = export(root, "--preset", preset, "--no-cover")  # the flag order does not matter
    total = sum(s.duration_frames for s in _shots(root))  # at 30 fps
    assert result["fps"] == "24/1" and result["frames"] == round(total * 24 / 30)
    with av.open(result["files"]["video"]) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height, stream.average_rate) == (360, 640, 24)
        assert abs(sum(1 for _ in container.decode(video=0)) - result["frames"]) <= 1
    assert Path(result["files"]["video"]).name == "Glass-ep01-festival.mp4"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"width": 361, "sharpness": 3}))
    done = studio("export", root, "--episode", "1", "--preset", bad)
    assert done.returncode == 1 and "unknown setting sharpness" in done.stderr


def test_approved_only_refuses_and_the_cover_frame_is_chosen(root: Path) -> None:
    done = studio("export", root, "--episode", "1", "--approved-only")
    assert done.returncode == 1
    assert "--approved-only, and shot" in done.stderr
    assert not list((root / "exports").glob("*.mp4"))
    done = studio("export-setup", root, "--episode", "1", "--cover-frame", "100")
    assert done.returncode == 0, done.stderr
    result = export(root, "--no-labels", "--captions", "none")
    with av.open(result["files"]["video"]) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with av.open(result["files"]["cover"]) as image:
        cover = next(image.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    errors = [np.abs(f.astype(int) - cover).mean() for f in frames]
    best = int(np.argmin(errors))
    assert abs(best - 100) <= 1 or errors[best] == errors[100]  # still frames repeat


def test_a_full_disk_leaves_no_file_and_the_project_untouched(root: Path) -> None:
    project_json = (root / "project.json").read_bytes()
    limited = "import resource,runpy,sys; resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000)); sys.argv=['studio', *sys.argv[1:]]; runpy.run_module('studio', run_name='__main__')"  # noqa: E501
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", limited, "export", str(root), "--episode", "1", "--preset",
         "draft"], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    error = done.stderr.strip().splitlines()[-1]  # after the progress lines
    assert error.startswith("studio: error:") and "too large" in error
    assert not list((root / "exports").glob("*.mp4")) and _leftovers(root) == []
    assert (root / "project.json").read_bytes() == project_json


def test_a_broken_take_fails_with_ffmpeg_reason_and_nothing_written(root: Path) -> None:
    take = root / _shots(root)[2].takes[-1].media
    take.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500)
    done = studio("export", root, "--episode", "1", "--preset", "draft")
    assert done.returncode == 1
    message = done.stderr.strip().splitlines()[-1]  # one line, after the progress lines
    assert message.startswith("studio: error:") and take.name in message
    assert "Invalid data found" in message  # ffmpeg's own reason
    assert not list((root / "exports").glob("*.mp4")) and _leftovers(root) == []


def test_all_episodes_and_interchange_files(root: Path, tmp_path: Path) -> None:
    edl, xml = tmp_path / "cut.edl", tmp_path / "cut.xml"
    done = studio("export", root, "--all-episodes", "--preset", "draft", "--json", "--no-cover",
                  "--interchange", edl, "--interchange", xml)  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [r["episode"] for r in results] == [1, 2]
    for r in results:
        n = r["episode"]
        assert Path(r["files"]["video"]).name == f"Glass-ep0{n}-draft.mp4"
        assert Path(r["files"]["edl"]) == tmp_path / f"cut-ep0{n}.edl"
        assert "TITLE:" in (tmp_path / f"cut-ep0{n}.edl").read_text()
        assert (tmp_path / f"cut-ep0{n}.xml").read_text().lstrip().startswith("<?xml")


def test_cancel_stops_the_export_and_leaves_nothing(root: Path) -> None:
    import threading

    from studio.media.episode_export import ExportOptions, export_episode
    from studio.media.export_plan import ExportError
    from studio.media.presets import PRESETS

    cancel, seen = threading.Event(), []

    def on_event(event) -> None:
        seen.append(event.stage)
        if event.stage == "video" and event.done:  # a shot is encoded: the user cancels
            cancel.set()

    with open_project(root, read_only=True) as folder:
        project = folder.project
    with pytest.raises(ExportError, match="export cancelled"):
        export_episode(root, project, 1, options=ExportOptions(preset=PRESETS["draft"]),
                       on_event=on_event, cancel=cancel)  # fmt: skip
    assert "join" not in seen and "done" not in seen
    assert not list((root / "exports").glob("*.mp4")) and _leftovers(root) == []
