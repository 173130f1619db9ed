"""Export presets: the built-ins, preset files over a base, and one clear error per bad field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from studio.core.time import FrameRate
from studio.media.presets import PRESETS, ExportPreset, PresetError, load_preset, preset_from


def preset_file(tmp_path: Path, settings: Any, name: str = "festival.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(settings), encoding="utf-8")
    return path


def load(tmp_path: Path, settings: Any) -> ExportPreset:
    return load_preset(str(preset_file(tmp_path, settings)))


def test_shorts_is_vertical_1080p_at_30_fps_crf_20():
    shorts = load_preset("shorts")
    assert shorts is PRESETS["shorts"]
    assert (shorts.name, shorts.width, shorts.height) == ("shorts", 1080, 1920)
    assert (shorts.fps, shorts.crf, shorts.x264_preset) == ("30/1", 20, "medium")
    assert shorts.rate(FrameRate(24)) == FrameRate(30)


def test_draft_is_half_size_and_cheaper():
    draft = load_preset("draft")
    shorts = load_preset("shorts")
    assert (draft.name, draft.width, draft.height) == ("draft", 540, 960)
    assert draft.crf > shorts.crf
    assert draft.audio_bitrate < shorts.audio_bitrate
    assert draft.fps == "30/1"


def test_a_file_changes_only_what_it_names_over_its_base(tmp_path):
    preset = load(tmp_path, {"base": "draft", "crf": 18, "x264_preset": "slow"})
    draft = PRESETS["draft"]
    assert preset.name == "festival"  # the file's name when it gives none
    assert (preset.crf, preset.x264_preset) == (18, "slow")
    assert (preset.width, preset.height, preset.fps) == (draft.width, draft.height, draft.fps)
    assert preset.audio_bitrate == draft.audio_bitrate
    assert preset.captions == draft.captions


def test_the_base_defaults_to_shorts_and_the_name_can_be_set(tmp_path):
    preset = load(tmp_path, {"name": "festival-cut_2", "boxed_captions": True})
    assert preset == ExportPreset("festival-cut_2", boxed_captions=True)


def test_whole_number_floats_become_the_fields_types(tmp_path):
    preset = load(tmp_path, {"width": 720.0, "crf": 22, "gop_seconds": 1, "loudness": -16})
    assert preset.width == 720 and isinstance(preset.width, int)
    assert isinstance(preset.gop_seconds, float) and preset.gop_seconds == 1.0
    assert isinstance(preset.loudness, float) and preset.loudness == -16.0


@pytest.mark.parametrize("fps", [None, ""])
def test_no_fps_keeps_the_projects_rate(tmp_path, fps):
    preset = load(tmp_path, {"fps": fps})
    assert preset.fps == ""
    assert preset.rate(FrameRate(24000, 1001)) == FrameRate(24000, 1001)
    assert preset.rate(FrameRate(25)) == FrameRate(25)


@pytest.mark.parametrize(
    ("fps", "stored"),
    [("24", "24/1"), (24, "24/1"), ("23.976", "24000/1001"), ("24000/1001", "24000/1001"),
     ("29.97", "30000/1001"), ("50/2", "25/1"), (" 60 ", "60/1")],
)  # fmt: skip
def test_a_given_fps_is_stored_as_a_rational_and_wins_over_the_project(tmp_path, fps, stored):
    preset = load(tmp_path, {"fps": fps})
    assert preset.fps == stored
    assert preset.rate(FrameRate(30)) == FrameRate.parse(stored)


@pytest.mark.parametrize(
    ("settings", "field", "says"),
    [
        ({"width": 1081}, "width", "even"),
        ({"height": 1919}, "height", "even"),
        ({"width": 8}, "width", "16 to 7680"),
        ({"width": 720.5}, "width", "even whole number"),
        ({"width": "1080"}, "width", "number"),
        ({"crf": 60}, "crf", "0 to 51"),
        ({"crf": -1}, "crf", "0 to 51"),
        ({"crf": True}, "crf", "number"),
        ({"audio_bitrate": 16}, "audio_bitrate", "32 to 512"),
        ({"gop_seconds": 0}, "gop_seconds", "0.1 to 20"),
        ({"loudness": 0}, "loudness", "-40 to -5"),
        ({"true_peak": 0.5}, "true_peak", "-9 to 0"),
        ({"x264_preset": "turbo"}, "x264_preset", "veryslow"),
        ({"captions": "subtitles"}, "captions", "burn, sidecar, both, none"),
        ({"captions": False}, "captions", "text"),
        ({"fps": "fast"}, "fps", "not a frame rate"),
        ({"fps": "0"}, "fps", "positive"),
        ({"crf": 17.5}, "crf", "whole number"),
        ({"boxed_captions": "yes"}, "boxed_captions", "true or false"),
        ({"name": "my/preset"}, "name", "letters"),
        ({"name": ""}, "name", "letters"),
        ({"base": "cinema"}, "base", "shorts, draft"),
    ],
)
def test_each_bad_field_is_a_preset_error_naming_it(tmp_path, settings, field, says):
    path = preset_file(tmp_path, settings)
    with pytest.raises(PresetError) as caught:
        load_preset(str(path))
    message = str(caught.value)
    assert f"{path}: {field}" in message
    assert says in message
    assert "\n" not in message


def test_an_unknown_setting_is_named_with_the_known_ones(tmp_path):
    with pytest.raises(PresetError) as caught:
        load(tmp_path, {"bitrate": 8000, "crf": 20, "colour": "red"})
    message = str(caught.value)
    assert "unknown setting bitrate, colour" in message
    for known in ("width", "height", "fps", "crf", "x264_preset", "captions", "audio_bitrate"):
        assert known in message.split("known:")[1]


@pytest.mark.parametrize("content", ["[1, 2]", '"shorts"', "42", "null"])
def test_a_file_that_is_not_a_json_object_is_refused(tmp_path, content):
    path = tmp_path / "p.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PresetError, match="expected a JSON object"):
        load_preset(str(path))


def test_invalid_json_is_refused_with_the_parsers_reason(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"crf": 20,', encoding="utf-8")
    with pytest.raises(PresetError, match=r"p\.json is not valid JSON: .*line 1"):
        load_preset(str(path))


def test_a_missing_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "nowhere.json"
    with pytest.raises(PresetError) as caught:
        load_preset(str(path))
    assert f"cannot read the preset file {path}" in str(caught.value)


def test_an_unknown_name_without_a_suffix_lists_the_built_ins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PresetError) as caught:
        load_preset("festival")
    assert "no preset 'festival'" in str(caught.value)
    assert "shorts, draft" in str(caught.value)


def test_a_file_without_a_suffix_is_read_when_it_exists(tmp_path):
    path = preset_file(tmp_path, {"crf": 23}, name="mine")
    assert load_preset(str(path)) == ExportPreset("mine", crf=23)


def test_preset_from_names_where_the_settings_came_from():
    with pytest.raises(PresetError, match=r"^settings panel: crf must be"):
        preset_from({"crf": 99}, default_name="x", where="settings panel")
    assert preset_from({}, default_name="x", where="w") == ExportPreset("x")


@pytest.mark.parametrize("base", [["shorts"], {"name": "shorts"}])
def test_a_base_that_is_not_text_is_a_preset_error(base):
    with pytest.raises(PresetError, match="base"):
        preset_from({"base": base}, default_name="x", where="w")


def test_video_settings_follow_the_picture_not_the_sound():
    shorts = PRESETS["shorts"]
    assert ExportPreset("shorts", crf=21).video_settings() != shorts.video_settings()
    assert ExportPreset("shorts", width=720).video_settings() != shorts.video_settings()
    assert ExportPreset("shorts", boxed_captions=True).video_settings() != shorts.video_settings()
    for sound in ({"audio_bitrate": 96}, {"loudness": -16.0}, {"true_peak": -2.0}):
        assert ExportPreset("shorts", **sound).video_settings() == shorts.video_settings()
    assert ExportPreset("other-name").video_settings() == shorts.video_settings()
    json.dumps(shorts.video_settings())  # usable in a cache key
