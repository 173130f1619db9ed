"""Editorial interchange against real OpenTimelineIO and its real EDL and FCP XML adapters:
tiny MP4 takes made by ffmpeg, WAV lines, each file written then read back by the adapter."""

import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pytest

from studio.core.time import FrameRate
from studio.media.audio import write_wav
from studio.media.captions import Cue
from studio.media.export_plan import Cut, EpisodePlan, Line
from studio.media.ffmpeg import NO_WINDOW, ffmpeg_exe, ffmpeg_reason
from studio.media.otio_export import (
    INSTALL_HINT,
    InterchangeError,
    available_adapters,
    build_timeline,
    write_interchange,
)

otio = pytest.importorskip("opentimelineio")

RATE = 48_000
SHOTS = ("sh-3f9a1c07", "sh-b2e4d6f8", "sh-0a1b2c3d")


def make_mp4(path: Path, fps: int, frames: int) -> Path:
    """A real H.264 take: ffmpeg's test pattern, 64x112 (vertical, like the app's takes)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-f", "lavfi",
           "-i", f"testsrc2=size=64x112:rate={fps}", "-frames:v", str(frames),
           "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", str(path)]  # fmt: skip
    with tempfile.TemporaryFile() as err:
        rc = subprocess.run(cmd, stderr=err, stdout=subprocess.DEVNULL, creationflags=NO_WINDOW)
        assert rc.returncode == 0, ffmpeg_reason(rc.returncode, err)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("takes")
    wav_a, wav_b = root / "line a.wav", root / "line-b.wav"
    write_wav(wav_a, np.zeros(24_000, np.float32))
    write_wav(wav_b, np.zeros(30_000, np.float32))
    return {
        "take24": make_mp4(root / "take 24.mp4", 24, 30),  # a space: the URI must escape it
        "take30": make_mp4(root / "take30.mp4", 30, 45),
        "take30b": make_mp4(root / "take30b.mp4", 30, 30),
        "wav_a": wav_a,
        "wav_b": wav_b,
    }


def plan_for(media: dict[str, Path], fps: FrameRate) -> EpisodePlan:
    lengths = (36, 45, 24)
    takes = (media["take24"], media["take30"], media["take30b"])
    cuts, at = [], 0
    for k, (shot, frames, take) in enumerate(zip(SHOTS, lengths, takes, strict=True)):
        request = {"prompt": f"shot {k}", "seed": 100 + k, "steps": 4.5, "loras": ["a", "b"],
                   "extra": {"nested": True, "none": None}}  # fmt: skip
        cuts.append(Cut(shot, f"tk-{k}", take, at, frames, (0.5, 0.5), k != 1, request))
        at += frames
    line_a_start = round(fps.seconds(5) * RATE) + 137  # not on a frame boundary
    line_b_start = round(fps.seconds(40) * RATE) + 11
    lines = (
        Line(SHOTS[0], 0, "MAYA", "Where were you?", media["wav_a"], line_a_start, 24_000,
             {"voice": "af_heart", "speed": 1.0}),
        Line(SHOTS[1], 0, "LEO", "Out. Does it matter?", media["wav_b"], line_b_start, 30_000,
             {"voice": "am_adam"}),
    )  # fmt: skip
    cues = (
        Cue(Fraction(1, 5), Fraction(11, 10), ("Where were", "you?"), "MAYA"),
        Cue(Fraction(7, 5), Fraction(2), ("Out.",), "LEO"),
        Cue(Fraction(21, 10), Fraction(3), ("Does it matter?",), "LEO"),
    )
    return EpisodePlan(
        project_title="Café Nights", number=2, title="The Letter", fps=fps, frames=at,
        language="en", cuts=tuple(cuts), lines=lines, cues=cues,
    )  # fmt: skip


def plain(value: object) -> object:
    """OTIO's metadata containers as plain dicts and lists, to compare with the request."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(v) for v in value]
    return value


def path_of(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


@pytest.mark.parametrize("fps", [FrameRate(30), FrameRate(24000, 1001)], ids=str)
def test_otio_round_trip(media: dict[str, Path], tmp_path: Path, fps: FrameRate) -> None:
    plan = plan_for(media, fps)
    out = write_interchange(plan, tmp_path / "ep2.otio")
    back = otio.adapters.read_from_file(str(out))

    assert back.name == "Café Nights — Episode 2: The Letter"
    assert plain(back.metadata["studio"]) == {"episode": 2, "fps": str(fps), "language": "en"}
    assert back.global_start_time.value == 0
    assert back.global_start_time.rate == pytest.approx(float(fps))
    picture, dialogue = back.tracks
    assert (picture.name, picture.kind) == ("Picture", otio.schema.TrackKind.Video)
    assert (dialogue.name, dialogue.kind) == ("Dialogue", otio.schema.TrackKind.Audio)
    assert picture.duration().rescaled_to(float(fps)).value == plan.frames
    assert dialogue.duration().rescaled_to(float(fps)).value == pytest.approx(plan.frames)

    clips = list(picture.find_clips())
    assert [c.name for c in clips] == list(SHOTS)
    for clip, cut in zip(clips, plan.cuts, strict=True):
        assert clip.source_range.start_time.value == 0
        assert clip.source_range.duration.value == cut.frames
        assert clip.source_range.duration.rate == pytest.approx(float(fps))
        assert picture.range_of_child(clip).start_time.value == cut.start
        assert path_of(clip.media_reference.target_url) == cut.media
        studio = plain(clip.metadata["studio"])
        assert studio == {"shot": cut.shot_id, "take": cut.take_id, "approved": cut.approved,
                          "request": cut.request}  # fmt: skip
    # the takes' own rate and length, as ffmpeg reads the files
    spans = [c.media_reference.available_range for c in clips]
    assert [(s.duration.rate, s.duration.value) for s in spans] == [(24, 30), (30, 45), (30, 30)]

    voiced = list(dialogue.find_clips())
    assert len(voiced) == len(plan.lines)
    for clip, line in zip(voiced, plan.lines, strict=True):
        start = dialogue.range_of_child(clip).start_time.rescaled_to(RATE).value
        assert start == pytest.approx(line.start, abs=1)
        assert clip.source_range.duration.rescaled_to(RATE).value == line.samples
        assert path_of(clip.media_reference.target_url) == line.media
        studio = plain(clip.metadata["studio"])
        assert (studio["character"], studio["text"]) == (line.character, line.text)
        assert studio["request"] == line.request

    markers = list(back.tracks.markers)
    assert len(markers) == len(plan.lines) + len(plan.cues)
    names = {m.name: m for m in markers}
    assert set(names) == {
        "MAYA: Where were you?", "LEO: Out. Does it matter?",
        "Where were / you?", "Out.", "Does it matter?",
    }  # fmt: skip
    caption = names["Where were / you?"]
    assert plain(caption.metadata["studio"])["kind"] == "caption"
    assert caption.color == otio.schema.MarkerColor.YELLOW
    assert caption.marked_range.start_time.rescaled_to(1).value == pytest.approx(0.2)
    line = names["MAYA: Where were you?"]
    assert line.color == otio.schema.MarkerColor.GREEN
    assert line.marked_range.start_time.rescaled_to(RATE).value == pytest.approx(
        plan.lines[0].start, abs=1
    )
    assert not [p for p in tmp_path.iterdir() if p.name != "ep2.otio"]  # no temp left behind


@pytest.mark.parametrize("fps", [FrameRate(30), FrameRate(24000, 1001)], ids=str)
def test_edl_reads_back_one_event_per_cut(
    media: dict[str, Path], tmp_path: Path, fps: FrameRate
) -> None:
    plan = plan_for(media, fps)
    out = write_interchange(plan, tmp_path / "ep2.edl")
    text = out.read_text(encoding="utf-8")
    assert text.isascii()
    assert text.startswith("TITLE: Cafe Nights - Episode 2: The Letter")

    back = otio.adapters.read_from_file(str(out), adapter_name="cmx_3600", rate=float(fps))
    video = [t for t in back.tracks if t.kind == otio.schema.TrackKind.Video]
    assert len(video) == 1
    clips = list(video[0].find_clips())
    assert len(clips) == len(plan.cuts)
    assert [c.name for c in clips] == list(SHOTS)
    assert [c.source_range.duration.value for c in clips] == [c.frames for c in plan.cuts]
    assert [video[0].range_of_child(c).start_time.value for c in clips] == [0, 36, 81]
    reels = [c.metadata["cmx_3600"]["reel"] for c in clips]
    assert reels == ["3F9A1C07", "B2E4D6F8", "0A1B2C3D"]  # last 8 letters/digits of the ids
    assert [path_of(c.media_reference.target_url) for c in clips] == [c.media for c in plan.cuts]


def test_fcp_xml_reads_back(media: dict[str, Path], tmp_path: Path) -> None:
    plan = plan_for(media, FrameRate(24000, 1001))
    out = write_interchange(plan, tmp_path / "ep2.xml")
    back = otio.adapters.read_from_file(str(out), adapter_name="fcp_xml")
    video = [t for t in back.tracks if t.kind == otio.schema.TrackKind.Video]
    audio = [t for t in back.tracks if t.kind == otio.schema.TrackKind.Audio]
    clips = [c for t in video for c in t.find_clips()]
    assert [c.name for c in clips] == list(SHOTS)
    assert [round(c.source_range.duration.value) for c in clips] == [36, 45, 24]
    assert sum(len(list(t.find_clips())) for t in audio) == len(plan.lines)
    assert len(back.tracks.markers) == len(plan.lines) + len(plan.cues)


def test_named_adapter_wins_over_the_suffix(media: dict[str, Path], tmp_path: Path) -> None:
    out = write_interchange(
        plan_for(media, FrameRate(30)), tmp_path / "cut.txt", adapter="cmx_3600"
    )
    assert "FROM CLIP NAME:  sh-3f9a1c07" in out.read_text(encoding="utf-8")


def test_unreadable_take_still_writes(media: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    plan = plan_for(media, FrameRate(30))
    first = plan.cuts[0]
    cuts = (Cut(first.shot_id, first.take_id, broken, 0, first.frames, (0.5, 0.5), True),)
    plan = EpisodePlan("P", 1, "", plan.fps, first.frames, "en", cuts, (), ())
    timeline = build_timeline(plan)
    assert timeline.name == "P — Episode 1"
    (clip,) = timeline.tracks[0].find_clips()
    assert clip.media_reference.available_range is None
    back = otio.adapters.read_from_file(str(write_interchange(plan, tmp_path / "b.xml")))
    assert len(list(back.tracks[0].find_clips())) == 1


def test_media_info_is_used_for_available_range(media: dict[str, Path]) -> None:
    plan = plan_for(media, FrameRate(30))
    timeline = build_timeline(plan, media_info=lambda path: (FrameRate(25), 99))
    spans = [c.media_reference.available_range for c in timeline.tracks[0].find_clips()]
    assert {(s.duration.rate, s.duration.value) for s in spans} == {(25, 99)}


def test_unknown_suffix_is_refused(media: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match=r"unknown interchange format '\.aaf'"):
        write_interchange(plan_for(media, FrameRate(30)), tmp_path / "ep.aaf")
    assert not list(tmp_path.iterdir())


def test_unknown_or_refusing_adapter(media: dict[str, Path], tmp_path: Path) -> None:
    plan = plan_for(media, FrameRate(30))
    with pytest.raises(InterchangeError, match="no OpenTimelineIO adapter named 'nope'"):
        write_interchange(plan, tmp_path / "ep.otio", adapter="nope")
    with pytest.raises(InterchangeError, match=r"otioz cannot write ep\.otioz: .*write_to_string"):
        write_interchange(plan, tmp_path / "ep.otioz", adapter="otioz")
    assert not list(tmp_path.iterdir())


def test_available_adapters_lists_the_writers() -> None:
    names = available_adapters()
    assert {"otio_json", "cmx_3600", "fcp_xml"} <= set(names)
    assert "otioz" not in names  # it writes bundles only, not text


def test_without_opentimelineio(
    media: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "opentimelineio", None)  # `import` now fails
    plan = plan_for(media, FrameRate(30))
    with pytest.raises(InterchangeError) as caught:
        write_interchange(plan, tmp_path / "ep.otio")
    assert str(caught.value) == INSTALL_HINT
    assert "pip install" in INSTALL_HINT and "[interchange]" in INSTALL_HINT
    with pytest.raises(InterchangeError, match="install opentimelineio"):
        build_timeline(plan)
    assert available_adapters() == []
    assert not list(tmp_path.iterdir())


def test_overlapping_lines_go_on_a_second_dialogue_track(
    media: dict[str, Path], tmp_path: Path
) -> None:
    plan = plan_for(media, FrameRate(30))
    first = plan.lines[0]
    over = Line(SHOTS[0], 1, "LEO", "Wait!", media["wav_b"], first.start + 1000, 30_000)
    plan = EpisodePlan(
        plan.project_title, plan.number, plan.title, plan.fps, plan.frames, plan.language,
        plan.cuts, (*plan.lines, over), plan.cues,
    )  # fmt: skip
    timeline = build_timeline(plan, media_info=lambda path: (FrameRate(30), 45))
    audio = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Audio]
    assert [t.name for t in audio] == ["Dialogue", "Dialogue 2"]
    (clip,) = audio[1].find_clips()
    assert audio[1].range_of_child(clip).start_time.value == over.start
    assert all(t.duration().rescaled_to(30).value == pytest.approx(plan.frames) for t in audio)
    edl = write_interchange(plan, tmp_path / "ep.edl").read_text(encoding="utf-8")
    assert edl.count("FROM CLIP NAME:") == len(plan.cuts)  # the EDL is the picture cut
