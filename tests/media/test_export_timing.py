"""Every frame of an exported episode lasts exactly 1/fps, across the seams between shots too.

Each shot is encoded into its own MP4 segment and the episode is joined by stream copy, so a
segment whose length the container rounds (an edit list in milliseconds: 109 frames at 30 fps
are 3.633 s) starts the next shot early. Newer ffmpeg builds trust that length: the frames at
the seams came out 990/30000 s long. Read back packet by packet with PyAV (libavformat).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import av
import pytest
from export_projects import studio

pytestmark = pytest.mark.slow

SCRIPT = """Title: Seams

# Episode 1: The Seams Hold

INT. LOBBY - NIGHT

Rain hammers the glass.

The door swings open.

Maya walks in, soaked.
"""

# Lengths that are no whole number of milliseconds at either rate, the long one past a GOP.
LENGTHS = (109, 37, 71)


def _exported(folder: Path, fps: str) -> dict:
    (folder / "seams.fountain").write_text(SCRIPT, encoding="utf-8")
    made = studio("new", folder / "Seams", "--script", folder / "seams.fountain", "--fps", fps)
    assert made.returncode == 0, made.stderr
    root = folder / "Seams.mdstudio"
    doc = json.loads((root / "project.json").read_text(encoding="utf-8"))
    doc["project"]["width"], doc["project"]["height"] = 180, 320
    shots = [s for e in doc["project"]["episodes"] for sc in e["scenes"] for s in sc["shots"]]
    assert len(shots) == len(LENGTHS)
    for shot, length in zip(shots, LENGTHS, strict=True):
        shot["duration_frames"], shot["duration_locked"] = length, True
    (root / "project.json").write_text(json.dumps(doc), encoding="utf-8")
    assert (done := studio("generate", root)).returncode == 0, done.stderr
    preset = folder / "native.json"  # the project's own rate, small and fast
    preset.write_text(json.dumps({"base": "draft", "width": 180, "height": 320, "fps": ""}))
    done = studio("export", root, "--episode", "1", "--preset", preset, "--json", "--no-cover")
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("fps", ["30", "24000/1001"])
def test_every_frame_lasts_one_frame_and_the_sound_as_long(tmp_path: Path, fps: str) -> None:
    result = _exported(tmp_path, fps)
    rate = Fraction(fps)
    assert result["frames"] == sum(LENGTHS)
    with av.open(result["files"]["video"]) as container:
        assert container.metadata["title"] == "Seams — Episode 1: The Seams Hold"  # not twice
        video, audio = container.streams.video[0], container.streams.audio[0]
        tick = 1 / (rate * video.time_base)  # one frame in the stream's clock
        assert tick.denominator == 1
        pts = sorted(p.pts for p in container.demux(video) if p.pts is not None)
        video_seconds = video.duration * video.time_base
        audio_seconds = audio.duration * audio.time_base
    steps = Counter(b - a for a, b in itertools.pairwise(pts))
    assert steps == {int(tick): sum(LENGTHS) - 1}, steps  # no short frame at a seam
    assert pts[0] == 0 and len(pts) == sum(LENGTHS)
    assert video_seconds == sum(LENGTHS) / rate  # the last frame too
    assert abs(audio_seconds - video_seconds) <= 1 / rate
