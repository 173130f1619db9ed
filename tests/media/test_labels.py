"""The AI-content labels: the default text per language, the label's timing in each part of an
episode, the metadata tags, and the styles drawn by the real libass."""

from __future__ import annotations

import json
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from studio.media.ffmpeg import NO_WINDOW, ffmpeg_exe
from studio.media.labels import (
    DIGITAL_SOURCE_TYPE,
    SAFE_TOP,
    TOOL,
    Label,
    aigc_metadata,
    default_label,
    has_label,
)
from studio.media.subtitles import ass_text

W, H = 270, 480
GREY = 0x80
TEN = Fraction(10)


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-CN", "AI生成"), ("zh_TW", "AI生成"), ("cmn", "AI生成"), ("yue", "AI生成"),
     ("ja", "AI生成"), ("ja-JP", "AI生成"), ("ko", "AI 생성"), ("KO-kr", "AI 생성"),
     ("en-US", "AI-generated"), ("", "AI-generated"), ("fr", "Généré par IA"),
     (" zh ", "AI生成"), ("es-419", "Generado con IA"), ("pt-BR", "Gerado por IA"),
     ("id", "Dibuat dengan AI"), ("de", "KI-generiert"), ("sw", "AI-generated")],
)  # fmt: skip
def test_the_default_label_is_in_the_dialogue_language(language, text):
    assert default_label(language) == text
    assert has_label(language) == (language.strip() not in ("", "sw"))


def events(label: Label, start: Fraction, end: Fraction) -> list[tuple[str, str, str, str]]:
    """(style, start, end, text) of each event of the label's layer for [start, end)."""
    out = []
    for line in label.layer(start, end).events:
        kind, rest = line.split(": ", 1)
        assert kind == "Dialogue"
        _, a, b, style, _, _, _, _, _, text = rest.split(",", 9)
        out.append((style, a, b, text))
    return out


def test_the_whole_episode_shows_the_intro_for_3_seconds_then_the_corner_label():
    label = Label("AI-generated", 1080, 1920, TEN)
    assert events(label, Fraction(0), TEN) == [
        ("LabelIntro", "0:00:00.00", "0:00:03.00", "AI-generated"),
        ("Label", "0:00:03.00", "0:00:10.00", "AI-generated"),
    ]


def test_a_part_of_the_episode_gets_the_label_timed_from_its_own_start():
    label = Label("AI-generated", 1080, 1920, TEN)
    assert events(label, Fraction(2), Fraction(5)) == [
        ("LabelIntro", "0:00:00.00", "0:00:01.00", "AI-generated"),
        ("Label", "0:00:01.00", "0:00:03.00", "AI-generated"),
    ]
    assert events(label, Fraction(1, 2), Fraction(3)) == [
        ("LabelIntro", "0:00:00.00", "0:00:02.50", "AI-generated"),
    ]


def test_a_part_wholly_after_the_intro_has_only_the_corner_label():
    label = Label("AI生成", 1080, 1920, TEN, "zh-CN")
    assert events(label, Fraction(4), Fraction(7)) == [
        ("Label", "0:00:00.00", "0:00:03.00", "AI生成"),
    ]
    assert events(label, Fraction(3), Fraction(7, 2)) == [
        ("Label", "0:00:00.00", "0:00:00.50", "AI生成"),
    ]


def test_an_episode_shorter_than_the_intro_has_only_the_intro():
    label = Label("AI-generated", 1080, 1920, Fraction(5, 2))
    assert events(label, Fraction(0), Fraction(5, 2)) == [
        ("LabelIntro", "0:00:00.00", "0:00:02.50", "AI-generated"),
    ]
    assert events(Label("x", 1080, 1920, Fraction(3)), Fraction(0), Fraction(3)) == [
        ("LabelIntro", "0:00:00.00", "0:00:03.00", "x"),
    ]


def test_without_the_intro_the_corner_label_shows_from_the_start():
    """A branch of an interactive episode: the viewer saw the intro where the episode began."""
    label = Label("AI-generated", 1080, 1920, Fraction(5, 2), intro=False)
    assert events(label, Fraction(0), Fraction(5, 2)) == [
        ("Label", "0:00:00.00", "0:00:02.50", "AI-generated"),
    ]


def test_a_part_past_the_end_of_the_episode_has_no_label_events():
    label = Label("AI-generated", 1080, 1920, TEN)
    assert label.layer(TEN, Fraction(12)).events == ()
    assert len(label.layer(TEN, Fraction(12)).styles) == 2


def styles(label: Label) -> dict[str, list[str]]:
    out = {}
    for line in label.layer(Fraction(0), TEN).styles:
        kind, rest = line.split(": ", 1)
        assert kind == "Style"
        fields = rest.split(",")
        assert len(fields) == 23  # as the script's Format line lists
        out[fields[0]] = fields
    return out


def test_the_styles_sit_at_the_top_below_the_safe_line_in_the_languages_font():
    found = styles(Label("AI生成", 1080, 1920, TEN, "zh-CN"))
    assert set(found) == {"LabelIntro", "Label"}
    intro, corner = found["LabelIntro"], found["Label"]
    assert intro[1] == corner[1] == "Noto Sans CJK SC"
    assert (intro[18], corner[18]) == ("8", "7")  # top centre, top left
    assert intro[21] == corner[21] == str(269 + 16)  # ceil(1920 * 14 %) + the box edge (64 // 4)
    assert intro[15] == "3"  # on a box
    assert int(intro[2]) > int(corner[2])  # the intro is the big one
    assert styles(Label("x", 1080, 1920, TEN, font="My Font"))["Label"][1] == "My Font"


def test_the_metadata_says_ai_generated_in_json_the_platforms_read():
    tags = aigc_metadata(
        producer="雨 Pictures", content_id="ep-1-abc", title="Rain", label="AI生成"
    )
    implicit = json.loads(tags["AIGC"])
    assert implicit["Label"] == "1"
    assert implicit["ContentProducer"] == "雨 Pictures"
    assert implicit["ProduceID"] == "ep-1-abc"
    assert {"ReservedCode1", "ContentPropagator", "PropagateID", "ReservedCode2"} <= set(implicit)
    assert "雨" in tags["AIGC"]  # kept as written, not \\u-escaped
    assert tags["title"] == "Rain"
    assert tags["comment"].startswith("AI生成: AI-generated content")
    assert "雨 Pictures" in tags["comment"]
    assert tags["aigc_digital_source_type"] == DIGITAL_SOURCE_TYPE
    assert tags["encoder_tool"] == TOOL


def test_the_metadata_falls_back_to_the_tool_as_producer():
    tags = aigc_metadata(producer="", content_id="id-7", title="", label="AI-generated")
    implicit = json.loads(tags["AIGC"])
    assert implicit["ContentProducer"] == "Micro-Drama Studio"
    assert implicit["ProduceID"] == "id-7"
    assert "by unknown" in tags["comment"]


def burn(folder: Path, script: str, seconds: int) -> np.ndarray:
    """The script drawn by ffmpeg's subtitles filter (libass) on flat grey: one frame a second."""
    (folder / "label.ass").write_text(script, encoding="utf-8")
    source = f"color=c=0x808080:s={W}x{H}:r=1:d={seconds},format=rgb24"
    with tempfile.TemporaryFile() as err:
        run = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", source,
             "-vf", "subtitles=label.ass", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
            cwd=folder, stdout=subprocess.PIPE, stderr=err, creationflags=NO_WINDOW,
        )  # fmt: skip
        err.seek(0)
        assert run.returncode == 0, err.read().decode(errors="replace")
    return np.frombuffer(run.stdout, np.uint8).reshape(-1, H, W, 3)


def changed(frame: np.ndarray) -> np.ndarray:
    return np.abs(frame.astype(int) - GREY).max(axis=2) > 16


@pytest.fixture(scope="module")
def burned(tmp_path_factory) -> np.ndarray:
    label = Label("AI-generated", W, H, Fraction(5))
    script = ass_text([], width=W, height=H, layers=[label.layer(Fraction(0), Fraction(5))])
    return burn(tmp_path_factory.mktemp("label"), script, 5)


def test_libass_draws_the_intro_label_in_the_top_third_only(burned):
    frame = burned[1]  # 1 s
    mask = changed(frame)
    assert mask[: H // 3].sum() > 500  # a label, not a speck
    assert not mask[H // 2 :].any()
    assert frame[: H // 3][mask[: H // 3]].mean() < GREY - 20  # darkened: on its dark box
    xs = np.nonzero(mask.any(axis=0))[0]
    assert abs((xs.min() + xs.max()) / 2 - W / 2) <= 3  # centred
    assert (frame > 230).all(axis=2).sum() > 50  # white letters on the box


def test_libass_draws_the_corner_label_small_at_the_top_left_after_the_intro(burned):
    intro, corner = changed(burned[1]), changed(burned[4])
    assert corner.any()
    ys, xs = np.nonzero(corner)
    assert xs.max() < W / 2 and ys.max() < H / 3
    assert corner.sum() < intro.sum() / 3
    assert not corner[H // 2 :].any()


def test_the_intro_label_stays_below_the_platforms_top_bar(burned):
    ys = np.nonzero(changed(burned[1]).any(axis=1))[0]
    assert ys.min() >= H * SAFE_TOP
