"""The pacing preset: the shipped file, overrides, and bounds checks."""

from __future__ import annotations

import json

import pytest

from studio.core.pacing_preset import (
    DEFAULT_RESOURCE,
    PacingPreset,
    PacingPresetError,
    preset_from,
    preset_from_text,
)
from studio.core.resources import resource


def test_the_shipped_file_holds_every_threshold():
    raw = json.loads(resource(DEFAULT_RESOURCE).read_text(encoding="utf-8"))
    preset = preset_from(raw, DEFAULT_RESOURCE)
    assert set(raw) == set(PacingPreset().to_json())  # one file names them all
    assert preset.to_json() == raw | {
        k: float(v) for k, v in raw.items() if not isinstance(v, list)
    }
    assert "you'll regret" in preset.threat_phrases and "你会后悔" in preset.threat_phrases
    assert (preset.hook_max_seconds, preset.turn_gap_max_seconds) == (3, 30)
    assert (preset.final_window_seconds, preset.caption_cps_max) == (10, 17)


def test_an_override_changes_only_its_keys():
    base = PacingPreset(caption_cps_max=15)
    preset = preset_from_text('{"hook_max_seconds": 2, "unresolved_beats": [" Threat "]}',
                              "mine.json", base)  # fmt: skip
    assert preset.hook_max_seconds == 2
    assert preset.caption_cps_max == 15  # from the base
    assert preset.unresolved_beats == ("threat",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"hook_max_seconds": -1}', "hook_max_seconds must be from 0 to 60"),
        ('{"turn_gap_max_seconds": 100000}', "turn_gap_max_seconds must be from 1 to 600"),
        ('{"caption_cps_max": "fast"}', "caption_cps_max must be a number"),
        ('{"caption_cps_max": true}', "caption_cps_max must be a number"),
        ('{"hook_max_secs": 2}', "unknown key 'hook_max_secs'"),
        ('{"unresolved_beats": "cliffhanger"}', "unresolved_beats must be a list"),
        ('{"threat_phrases": ["or else", ""]}', "threat_phrases must be a list of phrases"),
        ('{"threat_phrases": ["x"' + ', "x"' * 500 + "]}", "at most 500 phrases"),
        ("[1, 2]", "expected a JSON object"),
        ("{", "not JSON"),
    ],
)
def test_a_bad_preset_names_the_file_and_the_key(text, message):
    with pytest.raises(PacingPresetError, match=message) as caught:
        preset_from_text(text, "studio-pacing.json")
    assert str(caught.value).startswith("studio-pacing.json: ")
