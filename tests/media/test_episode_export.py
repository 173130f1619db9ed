"""``studio export`` on a real voiced project, its MP4 checked with PyAV (libavformat) and
ffmpeg's own loudness meter, its captions with the srt and webvtt-py parsers, its timeline with
opentimelineio."""

from __future__ import annotations

import json
import struct
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest
import srt
import webvtt
from export_projects import studio, voiced_project

from studio.core.store import open_project
from studio.media.loudness import integrated_loudness

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The project and what `studio export --episode 1 --otio --json` (shorts) wrote."""
    root = voiced_project(tmp_path_factory.mktemp("export"))
    done = studio("export", root, "--episode", "1", "--otio", "--json")
    assert done.returncode == 0, done.stderr
    assert "1 of 3 shots" not in done.stderr and "not approved" in done.stderr  # a warning
    (result,) = json.loads(done.stdout)
    return root, result


def _top_atoms(path: Path) -> list[str]:
    names, data = [], path.read_bytes()
    at = 0
    while at + 8 <= len(data):
        size, name = struct.unpack(">I4s", data[at : at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
        names.append(name.decode("latin-1"))
        at += size if size else len(data)
    return names


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_delivery_format_read_back_by_libavformat(shipped) -> None:
    root, result = shipped
    video = Path(result["files"]["video"])
    assert video.parent == root / "exports" and video.name == "Glass-ep01.mp4"
    with open_project(root, read_only=True) as folder:
        episode = folder.project.episode(1)
        frames = episode.duration_frames()
    with av.open(str(video)) as container:
        v, a = container.streams.video[0], container.streams.audio[0]
        assert (v.codec_context.name, v.codec_context.profile) == ("h264", "High")
        assert (v.width, v.height, v.format.name) == (1080, 1920, "yuv420p")
        assert v.average_rate == 30
        assert (a.codec_context.name, a.rate, a.channels) == ("aac", 48000, 2)
        assert a.codec_context.profile == "LC"
        decoded = sum(1 for _ in container.decode(video=0))
        assert v.start_time * v.time_base == 0 and a.start_time * a.time_base == 0  # aligned
        seconds = container.duration / av.time_base
    assert abs(decoded - frames) <= 1 and result["frames"] == frames
    assert abs(seconds - frames / 30) <= 1 / 30 + 0.03  # AAC frames may round the end up
    atoms = _top_atoms(video)
    assert atoms.index("moov") < atoms.index("mdat")  # +faststart


def test_loudness_is_normalized(shipped) -> None:
    _, result = shipped
    lufs, peak = integrated_loudness(Path(result["files"]["video"]))
    assert abs(lufs - -14) <= 1 and peak <= -0.9


def test_sidecars_parse_and_match_the_dialogue_timing(shipped) -> None:
    root, result = shipped
    subs = list(srt.parse(Path(result["files"]["srt"]).read_text(encoding="utf-8")))
    vtt = webvtt.read(result["files"]["vtt"])
    assert [s.content.replace("\n", " ") for s in subs] == [c.text.replace("\n", " ") for c in vtt]
    assert " ".join(s.content.replace("\n", " ") for s in subs) == (
        "I'm just here for a delivery. Sign, please. Then deliver it, and go."
    )
    with open_project(root, read_only=True) as folder:
        shots = list(folder.project.episode(1).shots())
        fps = folder.project.fps
    starts = []  # where each spoken line's first word is heard, from the episode start
    position = 0
    for shot in shots:
        for clip in shot.voice:
            timing = json.loads((root / clip.timing).read_text())
            first = timing["words"][0][0]
            starts.append(fps.seconds(position) + Fraction(clip.start + first, 48000))
        position += shot.duration_frames
    assert len(starts) == 2
    cue_starts = [cue.start.total_seconds() for cue in subs]
    for start in starts:  # each line's first cue starts with its first word
        assert min(abs(t - float(start)) for t in cue_starts) <= 0.002
    assert cue_starts[0] == pytest.approx(float(starts[0]), abs=0.002)


def test_ai_label_metadata_reads_back(shipped) -> None:
    _, result = shipped
    with av.open(result["files"]["video"]) as container:
        tags = container.metadata
    implicit = json.loads(tags["AIGC"])
    assert implicit["Label"] == "1" and implicit["ContentProducer"] == "Micro-Drama Studio"
    assert len(implicit["ProduceID"]) == 32
    assert "AI-generated" in tags["comment"] and "Glass — Episode 1" in tags["title"]
    assert tags["aigc_digital_source_type"].endswith("/trainedAlgorithmicMedia")


def test_otio_timeline_has_the_shots_and_lines(shipped) -> None:
    root, result = shipped
    timeline = otio.adapters.read_from_file(result["files"]["otio"])
    with open_project(root, read_only=True) as folder:
        shots = list(folder.project.episode(1).shots())
    picture = timeline.video_tracks()[0]
    clips = list(picture.find_clips())
    assert [c.name for c in clips] == [s.id for s in shots]
    assert [c.source_range.duration.to_frames() for c in clips] == [
        s.duration_frames for s in shots
    ]
    assert picture.duration().to_frames() == sum(s.duration_frames for s in shots)
    lines = list(timeline.audio_tracks()[0].find_clips())
    assert len(lines) == 2 and lines[0].metadata["studio"]["character"] == "MAYA"


def test_cover_is_a_frame_of_the_episode(shipped) -> None:
    _, result = shipped
    with av.open(result["files"]["cover"]) as image:
        cover = next(image.decode(video=0)).to_ndarray(format="rgb24")
    assert cover.shape == (1920, 1080, 3)
    frames = _frames(Path(result["files"]["video"]))
    middle_of_first_shot = frames[75 // 2]  # the first shot is 2.5 s
    assert np.abs(middle_of_first_shot.astype(int) - cover).mean() < 6  # JPEG loss only


def test_labels_and_captions_are_burned_where_they_belong(tmp_path: Path) -> None:
    root = voiced_project(tmp_path)
    plain = tmp_path / "plain.mp4"
    done = studio("export", root, "--episode", "1", "--preset", "draft", "--no-labels",
                  "--captions", "none", "--out", plain, "--no-cover")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "without the AI-content label" in done.stderr
    done = studio("export", root, "--episode", "1", "--preset", "draft", "--captions", "burn",
                  "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = json.loads(done.stdout)[0]["files"]
    assert "srt" not in files  # burn only
    subs = list(srt.parse(_srt_of(root)))
    labelled, bare = _frames(Path(files["video"])), _frames(plain)
    assert len(labelled) == len(bare)

    def changed(k: int, rows: slice) -> float:
        """The share of pixels in ``rows`` of frame ``k`` that the burn changed clearly."""
        return float((np.abs(labelled[k][rows].astype(int) - bare[k][rows]) > 60).mean())

    top, caption_band = slice(100, 200), slice(420, 624)  # 540×960: below the top bar; captions
    assert changed(30, top) > 0.05  # the intro label at 1 s
    assert changed(150, slice(130, 160)) > 0.002 and changed(150, top) < changed(30, top) / 4
    during = [k for k in range(len(bare)) if _in_cue(k, subs, margin=-0.02)]
    outside = [k for k in range(len(bare)) if not _in_cue(k, subs, margin=0.1)]
    assert during and outside
    assert min(changed(k, caption_band) for k in during) > 0.005
    assert max(changed(k, caption_band) for k in outside) < 0.0005


def _srt_of(root: Path) -> str:
    done = studio("export", root, "--episode", "1", "--preset", "draft", "--captions", "sidecar",
                  "--out", root.parent / "sub.mp4", "--no-cover")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return (root.parent / "sub.srt").read_text(encoding="utf-8")


def _in_cue(frame: int, subs: list, margin: float) -> bool:
    """Whether a cue is on screen at ``frame`` (30 fps), cues widened by ``margin`` seconds."""
    t = frame / 30
    return any(s.start.total_seconds() - margin <= t < s.end.total_seconds() + margin for s in subs)
