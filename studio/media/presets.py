"""Export presets: the delivery size, rate and codec settings of an exported episode.

Two are built in: ``shorts`` (1080×1920 at 30 fps, H.264 High, CRF 20, AAC 192 kb/s: what
vertical platforms take) and ``draft`` (540×960, fast, for review). A preset file is JSON with
any of the fields below, on top of ``base`` (default ``shorts``)::

    {"base": "shorts", "name": "festival", "fps": "24", "crf": 17, "x264_preset": "slow"}

``fps`` "" (or ``null``) keeps the project's rate.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.time import FrameRate

X264_PRESETS = (
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow",
)  # fmt: skip
CAPTION_MODES = ("burn", "sidecar", "both", "none")


class PresetError(Exception):
    """A preset that does not exist or a preset file that is wrong: one line for the user."""


@dataclass(frozen=True, slots=True)
class ExportPreset:
    name: str
    width: int = 1080
    height: int = 1920
    fps: str = "30/1"  # "" = the project's rate
    crf: int = 20
    x264_preset: str = "medium"
    gop_seconds: float = 2.0  # a keyframe at least this often (closed GOPs)
    audio_bitrate: int = 192  # kb/s, AAC-LC 48 kHz stereo
    loudness: float = -14.0  # LUFS integrated
    true_peak: float = -1.0  # dBTP
    captions: str = "both"  # burn | sidecar | both | none
    boxed_captions: bool = False  # on a dark box instead of an outline

    def rate(self, project_fps: FrameRate) -> FrameRate:
        """The delivery frame rate: the preset's, or the project's when the preset has none."""
        return FrameRate.parse(self.fps) if self.fps else project_fps

    def video_settings(self) -> dict[str, Any]:
        """Everything of the preset that changes the encoded picture (for cache keys)."""
        return {
            "width": self.width, "height": self.height, "crf": self.crf,
            "x264_preset": self.x264_preset, "gop_seconds": self.gop_seconds,
            "boxed_captions": self.boxed_captions,
        }  # fmt: skip


PRESETS = {
    "shorts": ExportPreset("shorts"),
    "draft": ExportPreset(
        "draft", width=540, height=960, crf=26, x264_preset="veryfast", audio_bitrate=128
    ),
}


def load_preset(name_or_file: str) -> ExportPreset:
    """A built-in preset by name, or a preset file (JSON); PresetError saying what is wrong."""
    if name_or_file in PRESETS:
        return PRESETS[name_or_file]
    path = Path(name_or_file).expanduser()
    if not path.suffix and not path.exists():
        raise PresetError(
            f"no preset {name_or_file!r}: use {', '.join(PRESETS)} or a preset file (.json)"
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PresetError(f"cannot read the preset file {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise PresetError(f"preset file {path} is not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise PresetError(f"preset file {path}: expected a JSON object of settings")
    name = re.sub(r"[^\w.-]+", "-", path.stem).strip("-")[:40] or "custom"
    return preset_from(raw, default_name=name, where=str(path))


def preset_from(raw: dict[str, Any], *, default_name: str, where: str) -> ExportPreset:
    """A preset from a dict of settings over its ``base``; PresetError naming a bad field."""
    settings = dict(raw)
    base_name = settings.pop("base", "shorts")
    if not isinstance(base_name, str) or base_name not in PRESETS:
        raise PresetError(f"{where}: base must be one of {', '.join(PRESETS)}, not {base_name!r}")
    fields = {f.name: f for f in dataclasses.fields(ExportPreset)}
    unknown = sorted(set(settings) - set(fields))
    if unknown:
        raise PresetError(
            f"{where}: unknown setting {', '.join(unknown)} (known: {', '.join(fields)})"
        )
    settings.setdefault("name", default_name)
    if settings.get("fps") is None:
        settings["fps"] = "" if "fps" in settings else PRESETS[base_name].fps
    for key, value in settings.items():
        settings[key] = _checked(key, value, where)
    return dataclasses.replace(PRESETS[base_name], **settings)


def _checked(key: str, value: Any, where: str) -> Any:
    """``value`` for field ``key`` if it is valid (numbers become the field's type)."""
    bad = f"{where}: {key}"
    if key in ("name", "x264_preset", "captions", "fps"):
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise PresetError(f"{bad} must be text, got {value!r}")
        value = str(value)
    if key == "name" and not re.fullmatch(r"[\w.-]{1,40}", value):
        raise PresetError(f"{bad} must be 1–40 letters, digits, '.', '-' or '_'")
    if key == "x264_preset" and value not in X264_PRESETS:
        raise PresetError(f"{bad} must be one of {', '.join(X264_PRESETS)}")
    if key == "captions" and value not in CAPTION_MODES:
        raise PresetError(f"{bad} must be one of {', '.join(CAPTION_MODES)}")
    if key == "fps" and value:
        try:
            value = str(FrameRate.parse(value))
        except ValueError as exc:
            raise PresetError(f"{bad}: {exc}") from None
    if key == "boxed_captions" and not isinstance(value, bool):
        raise PresetError(f"{bad} must be true or false")
    limits = {
        "width": (16, 7680), "height": (16, 7680), "crf": (0, 51), "audio_bitrate": (32, 512),
        "gop_seconds": (0.1, 20), "loudness": (-40, -5), "true_peak": (-9, 0),
    }  # fmt: skip
    if key in limits:
        low, high = limits[key]
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not low <= value <= high
        ):
            raise PresetError(f"{bad} must be a number from {low} to {high}, got {value!r}")
        if key in ("width", "height"):
            if value != int(value) or int(value) % 2:
                raise PresetError(f"{bad} must be an even whole number (H.264 4:2:0)")
            value = int(value)
        elif key in ("crf", "audio_bitrate"):
            if value != int(value):
                raise PresetError(f"{bad} must be a whole number, got {value!r}")
            value = int(value)
        else:
            value = float(value)
    return value
