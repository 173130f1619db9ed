"""Caption files checked with other parsers (srt, webvtt-py) and burned in by the real libass."""

from __future__ import annotations

import errno
import html
import os
import shutil
import subprocess
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt

from studio.media.captions import Cue, SpokenWords, build_cues
from studio.media.ffmpeg import MediaError, ffmpeg_exe
from studio.media.subtitles import (
    ass_text,
    caption_font,
    default_family,
    srt_text,
    vtt_text,
    write_sidecars,
)
from studio.voice.espeak import synthesize

MILLISECOND = timedelta(milliseconds=1)
W, H = 540, 960  # half of 1080×1920, PlayRes matched
BACKGROUND = np.array([0x20, 0x60, 0xA0])
LINES = [
    ("Ann", "en-us", "Hello there, my friend. How are you today? Tom & Jerry <3 are here."),
    ("Bo", "cmn", "你好，我是小明。今天天气很好，我们一起去公园散步吧！"),
]


@pytest.fixture(scope="module")
def dialogue():
    """Two voiced lines placed in an episode at 48 kHz, the second 1.5 s after the first."""
    spoken, at = [], 0
    for speaker, voice, text in LINES:
        timing = synthesize(text, voice=voice).timing.rescaled(48_000)
        spoken.append(SpokenWords(at, timing.words, speaker, 48_000, text))
        at += timing.samples + 72_000
    return spoken


def seconds(clock: str) -> Fraction:
    h, m, s = clock.replace(",", ".").split(":")
    return Fraction(int(h) * 3600 + int(m) * 60) + Fraction(s)


def ms(t: Fraction) -> Fraction:
    return Fraction(round(t * 1000), 1000)


def test_srt_parses_with_srt_and_matches_the_cues_and_the_dialogue(dialogue):
    cues = build_cues(dialogue)
    parsed = list(srt.parse(srt_text(cues)))
    assert len(parsed) == len(cues) >= 4
    for sub, cue in zip(parsed, cues, strict=True):
        assert Fraction(sub.start // MILLISECOND, 1000) == ms(cue.start)
        assert Fraction(sub.end // MILLISECOND, 1000) == ms(cue.end)
        assert sub.content.split("\n") == list(cue.lines)
    # each caption starts as its first word is heard (within 1 ms), straight from the timings
    starts = [Fraction(line.offset + w.start, 48_000) for line in dialogue for w in line.words]
    for sub in parsed:
        at = Fraction(sub.start.total_seconds())
        assert min(abs(at - s) for s in starts) <= Fraction(1, 1000)
    assert parsed[0].start.total_seconds() == pytest.approx(
        dialogue[0].words[0].start / 48_000, abs=1e-3
    )


def test_vtt_parses_with_webvtt_py_and_matches_the_cues(dialogue):
    cues = build_cues(dialogue)
    captions = webvtt.from_string(vtt_text(cues)).captions
    assert len(captions) == len(cues)
    for caption, cue in zip(captions, cues, strict=True):
        assert seconds(caption.start) == ms(cue.start)
        assert seconds(caption.end) == ms(cue.end)
        assert html.unescape(caption.text).split("\n") == list(cue.lines)
    assert any("Tom & Jerry <3" in html.unescape(c.text) for c in captions)
    assert "<3" not in vtt_text(cues)  # escaped, not a tag


def test_a_cue_shorter_than_a_millisecond_still_ends_after_it_starts():
    cues = [Cue(Fraction(1, 10_000), Fraction(3, 10_000), ("blink",))]
    (sub,) = srt.parse(srt_text(cues))
    assert sub.end > sub.start
    (caption,) = webvtt.from_string(vtt_text(cues)).captions
    assert seconds(caption.end) > seconds(caption.start)


def burn(tmp_path: Path, script: str, duration: int, fonts: Path | None = None) -> np.ndarray:
    """The script drawn by ffmpeg's subtitles filter on a plain clip: frames at 0, 0.5, 1 s..."""
    (tmp_path / "c.ass").write_text(script, encoding="utf-8")
    video = f"subtitles=c.ass{':fontsdir=' + fonts.name if fonts else ''}"
    source = f"color=c=0x2060a0:s={W}x{H}:r=2:d={duration},format=rgb24"
    run = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", source,
         "-vf", video, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        cwd=tmp_path, capture_output=True, check=True,
    )  # fmt: skip
    return np.frombuffer(run.stdout, np.uint8).reshape(-1, H, W, 3)


def drawn(frame: np.ndarray) -> np.ndarray:
    """Where the frame differs from the plain background."""
    return np.abs(frame.astype(int) - BACKGROUND).max(axis=2) > 24


def box(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_burned_captions_sit_centred_above_the_bottom_35_percent_inside_the_margins(tmp_path):
    two = ("Meet Me At The Old Mill By Noon,", "Hello there my friend.")  # 32 letters at most
    cues = [Cue(Fraction(0), Fraction(1), two), Cue(Fraction(1), Fraction(2), two[1:])]
    frames = burn(tmp_path, ass_text(cues, width=W, height=H), 3)
    shown = frames[1]  # 0.5 s
    mask = drawn(shown)
    assert (shown > 230).all(axis=2).sum() > 1000  # white letters
    left, top, right, bottom = box(mask)
    assert bottom < 0.65 * H  # text, outline and shadow above the bottom 35 %
    assert left >= 0.08 * W and right <= 0.92 * W
    assert abs((left + right) / 2 - W / 2) <= 0.02 * W
    one_line = box(drawn(frames[3]))  # 1.5 s
    assert one_line[3] == bottom  # the last line sits on the same baseline
    height, line = bottom - top, one_line[3] - one_line[1]
    assert 1.6 * line < height < 2.4 * line  # our two lines, not wrapped into more
    assert not drawn(frames[5]).any()  # 2.5 s: nothing


def test_boxed_captions_draw_a_dark_box_behind_the_text(tmp_path):
    cue = Cue(Fraction(0), Fraction(1), ("A boxed caption",))
    outlined = drawn(burn(tmp_path, ass_text([cue], width=W, height=H), 1)[1])
    frame = burn(tmp_path, ass_text([cue], width=W, height=H, boxed=True), 1)[1]
    mask = drawn(frame)
    left, top, right, bottom = box(mask)
    region = mask[top : bottom + 1, left : right + 1]
    dark = (frame[top : bottom + 1, left : right + 1] < 70).all(axis=2)
    assert region.mean() > 0.97  # a filled rectangle
    assert dark.mean() > 0.5  # mostly dark, the white text on it
    assert (frame[top : bottom + 1, left : right + 1] > 230).all(axis=2).sum() > 300
    assert bottom < 0.65 * H and left >= 0.08 * W and right <= 0.92 * W
    o_left, o_top, o_right, o_bottom = box(outlined)
    assert outlined[o_top : o_bottom + 1, o_left : o_right + 1].mean() < 0.9  # no box there


def test_braces_and_backslashes_are_shown_as_written(tmp_path):
    cues = [
        Cue(Fraction(0), Fraction(1), ("{\\b1}AB",)),
        Cue(Fraction(1), Fraction(2), ("AB",)),
        Cue(Fraction(2), Fraction(3), ("C:\\Nope",)),
        Cue(Fraction(3), Fraction(4), ("C:Nope",)),
    ]
    script = ass_text(cues, width=W, height=H)
    assert "{\\b1}" not in script  # not an override block
    frames = burn(tmp_path, script, 4)
    width = [box(drawn(frames[i]))[2] - box(drawn(frames[i]))[0] for i in (1, 3, 5, 7)]
    height = [box(drawn(frames[i]))[3] - box(drawn(frames[i]))[1] for i in (1, 3, 5, 7)]
    assert width[0] > 2 * width[1]  # "{\b1}" drawn before "AB", not applied to it
    assert height[2] <= height[3] * 1.2  # "\N" did not break the line
    assert width[2] > width[3]  # the backslash is drawn


def test_the_ass_script_uses_the_video_size_and_a_font_for_the_language():
    cue = Cue(Fraction(0), Fraction(1), ("你好",), "Bo, the second")
    script = ass_text([cue], language="zh-CN")
    assert "PlayResX: 1080" in script and "PlayResY: 1920" in script
    style = next(line for line in script.splitlines() if line.startswith("Style:"))
    fields = style.removeprefix("Style: ").split(",")
    assert fields[1] == "Noto Sans CJK SC" == default_family("zh")
    assert default_family("ja") == "Noto Sans CJK JP" and default_family("zh-TW").endswith("TC")
    assert int(fields[21]) >= 0.35 * 1920 and int(fields[19]) >= 0.08 * 1080
    assert 1920 / 40 <= int(fields[2]) <= 1920 / 24
    event = next(line for line in script.splitlines() if line.startswith("Dialogue:"))
    assert event.split(",")[4] == "Bo the second"  # no comma inside a field


def test_sidecars_are_written_beside_the_mp4(tmp_path, dialogue):
    mp4 = tmp_path / "episode 1.mp4"
    mp4.write_bytes(b"video")
    cues = build_cues(dialogue)
    srt_path, vtt_path = write_sidecars(cues, mp4)
    assert (srt_path, vtt_path) == (tmp_path / "episode 1.srt", tmp_path / "episode 1.vtt")
    assert len(list(srt.parse(srt_path.read_text(encoding="utf-8")))) == len(cues)
    assert len(webvtt.read(str(vtt_path)).captions) == len(cues)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "episode 1.mp4",
        "episode 1.srt",
        "episode 1.vtt",
    ]


@pytest.mark.parametrize("failing", [b"1\n", b"WEBVTT"])
def test_a_full_disk_leaves_no_caption_files(tmp_path, monkeypatch, failing):
    mp4 = tmp_path / "ep.mp4"
    mp4.write_bytes(b"video")
    real_write = os.write

    def full_disk(fd, data):
        if bytes(data[: len(failing)]) == failing:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    cues = [Cue(Fraction(0), Fraction(1), ("Hello",))]
    with pytest.raises(MediaError, match="no space left on device"):
        write_sidecars(cues, mp4)
    assert [p.name for p in tmp_path.iterdir()] == ["ep.mp4"]


def any_font() -> Path:
    """A TrueType font some installed package ships."""
    try:
        import screenplain

        found = sorted(Path(screenplain.__file__).parent.rglob("Courier Prime Bold.ttf"))
    except ImportError:
        found = []
    if not found:
        pytest.skip("no font file to copy (screenplain is a dev dependency)")
    return found[0]


def test_a_font_shipped_in_resources_is_the_caption_font(tmp_path):
    fonts = tmp_path / "resources" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / "notes.ttf").write_text("not a font")
    shutil.copy(any_font(), fonts / "house.ttf")
    assert caption_font("en", tmp_path / "resources") == ("Courier Prime", fonts)
    family, folder = caption_font("zh", tmp_path / "resources")  # it has no CJK characters
    assert family != "Courier Prime" and folder is None
    assert caption_font("en") == ("", None)
    assert caption_font("en", tmp_path / "nothing here") == ("", None)


def test_libass_draws_with_the_shipped_font(tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(any_font(), fonts / "house.ttf")
    family, _ = caption_font("en", tmp_path)
    cue = Cue(Fraction(0), Fraction(1), ("iiiiiiii",))
    courier = burn(
        tmp_path, ass_text([cue], width=W, height=H, font=family, font_size=40), 1, fonts
    )
    default = burn(tmp_path, ass_text([cue], width=W, height=H, font_size=40), 1)
    wide, narrow = (box(drawn(f[1])) for f in (courier, default))
    assert wide[2] - wide[0] > 1.5 * (narrow[2] - narrow[0])  # monospaced i's are wide


def test_cjk_captions_render_when_a_cjk_font_is_installed(tmp_path):
    family, _ = caption_font("zh")
    if not family:
        pytest.skip("no CJK font on this machine (captions would show boxes; export warns)")
    cue = Cue(Fraction(0), Fraction(1), ("你好，世界",))
    frame = burn(tmp_path, ass_text([cue], width=W, height=H, font=family, language="zh"), 1)[1]
    assert (frame > 230).all(axis=2).sum() > 300
