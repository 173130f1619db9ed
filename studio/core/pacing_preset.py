"""The thresholds of the pacing analysis, as one preset a studio can change.

The shipped preset is ``resources/pacing/default.json``. A studio overrides it with a JSON
object holding any of its keys (the rest keep the default's values): ``pacing.json`` in the
project folder, or a file given with ``studio pacing --preset FILE``. Every value is bounds
checked; an unknown key is an error, so a misspelt threshold is never silently ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

PROJECT_PRESET = "pacing.json"  # a project's own thresholds, in its folder
DEFAULT_RESOURCE = "pacing/default.json"

# key: (lowest, highest) accepted
_BOUNDS: dict[str, tuple[float, float]] = {
    "hook_max_seconds": (0.0, 60.0),
    "turn_gap_max_seconds": (1.0, 600.0),
    "final_window_seconds": (1.0, 120.0),
    "caption_cps_max": (1.0, 100.0),
}


class PacingPresetError(ValueError):
    """A pacing preset that cannot be used: one line naming the file and the key."""


@dataclass(frozen=True, slots=True)
class PacingPreset:
    hook_max_seconds: float = 3.0  # flag a hook later than this
    turn_gap_max_seconds: float = 30.0  # flag a stretch without a turn longer than this
    final_window_seconds: float = 10.0  # where the cliffhanger must be
    caption_cps_max: float = 17.0  # flag a caption read faster than this (characters/second)
    unresolved_beats: tuple[str, ...] = ("cliffhanger", "threat")  # marked beats that end open
    threat_phrases: tuple[str, ...] = ()  # a line holding one is a threat line (case-folded)

    def to_json(self) -> dict[str, Any]:
        return {
            "hook_max_seconds": self.hook_max_seconds,
            "turn_gap_max_seconds": self.turn_gap_max_seconds,
            "final_window_seconds": self.final_window_seconds,
            "caption_cps_max": self.caption_cps_max,
            "unresolved_beats": list(self.unresolved_beats),
            "threat_phrases": list(self.threat_phrases),
        }


def preset_from_text(text: str, where: str, base: PacingPreset | None = None) -> PacingPreset:
    """The preset in JSON ``text`` (named ``where`` in errors), on top of ``base``."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise PacingPresetError(f"{where}: not JSON ({exc})") from None
    return preset_from(raw, where, base)


def preset_from(raw: Any, where: str, base: PacingPreset | None = None) -> PacingPreset:
    """``raw`` (a JSON object with any of the preset's keys) on top of ``base``."""
    if not isinstance(raw, dict):
        raise PacingPresetError(f"{where}: expected a JSON object of thresholds")
    preset = base if base is not None else PacingPreset()
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _BOUNDS:
            changes[key] = _number(key, value, where)
        elif key == "unresolved_beats":
            changes[key] = _words(value, f"{where}: unresolved_beats", "beat names", 50)
        elif key == "threat_phrases":
            changes[key] = _words(value, f"{where}: threat_phrases", "phrases", 500)
        else:
            known = ", ".join([*_BOUNDS, "unresolved_beats", "threat_phrases"])
            raise PacingPresetError(f"{where}: unknown key {key!r} (known: {known})")
    return replace(preset, **changes)


def _number(key: str, value: Any, where: str) -> float:
    low, high = _BOUNDS[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PacingPresetError(f"{where}: {key} must be a number, got {value!r}")
    if not low <= value <= high:
        raise PacingPresetError(f"{where}: {key} must be from {low:g} to {high:g}, got {value}")
    return float(value)


def _words(value: Any, where: str, what: str, most: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PacingPresetError(f"{where} must be a list of {what}")
    if len(value) > most or any(len(v) > 100 for v in value):
        raise PacingPresetError(f"{where}: at most {most} {what} of 100 characters")
    return tuple(" ".join(v.split()).casefold() for v in value)
