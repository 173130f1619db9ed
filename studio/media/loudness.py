"""Loudness: measure a sound file and encode it normalized to a delivery target as AAC.

The episode export runs ffmpeg's ``loudnorm`` twice (EBU R128): :func:`measure` is the first
pass, which only listens; :func:`encode_normalized` feeds those numbers back for a linear second
pass (loudnorm falls back to its dynamic mode by itself where a linear gain would break the peak
limit) and writes AAC-LC, 48 kHz stereo, cut or padded to the episode's length. loudnorm works at
192 kHz, so ``-ar 48000`` comes after it. :func:`integrated_loudness` reads a finished file back
with ffmpeg's ``ebur128`` meter, for checking.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from studio.core.atomic import describe, fsync_folder
from studio.media.ffmpeg import MediaError, run_ffmpeg

SILENCE_LUFS = -70.0  # below this (or -inf) a mix is silence: it is encoded without loudnorm

_TIMEOUT = 1800  # seconds; an episode is minutes long and both passes run many times real time


@dataclass(frozen=True, slots=True)
class LoudnessTarget:
    """Where :func:`encode_normalized` aims: integrated LUFS, true-peak ceiling, loudness range."""

    integrated: float = -14.0  # LUFS
    true_peak: float = -1.0  # dBTP
    lra: float = 11.0  # LU

    def __post_init__(self) -> None:
        # the ranges loudnorm accepts for I, TP and LRA
        if not -70.0 <= self.integrated <= -5.0:
            raise ValueError(f"integrated loudness must be -70..-5 LUFS, got {self.integrated}")
        if not -9.0 <= self.true_peak <= 0.0:
            raise ValueError(f"true peak must be -9..0 dBTP, got {self.true_peak}")
        if not 1.0 <= self.lra <= 50.0:
            raise ValueError(f"loudness range must be 1..50 LU, got {self.lra}")


@dataclass(frozen=True, slots=True)
class Loudness:
    """What loudnorm's first pass measured in a file."""

    integrated: float  # LUFS; -inf for silence
    true_peak: float  # dBTP; -inf for silence
    lra: float  # LU
    threshold: float  # LUFS, the relative gate
    offset: float = 0.0  # loudnorm's target_offset, handed back in pass 2

    @property
    def silent(self) -> bool:
        """True when there is nothing to normalize (loudnorm would only amplify noise)."""
        return not math.isfinite(self.integrated) or self.integrated < SILENCE_LUFS


def measure(path: Path, target: LoudnessTarget = LoudnessTarget()) -> Loudness:
    """Pass 1: loudnorm ``print_format=json`` on the file's first audio stream.

    Raises MediaError, with ffmpeg's reason, when the file is missing, has no audio or is
    unreadable.
    """
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p}: no such file")
    args = ["-nostats", "-i", str(p), "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-af", f"{_loudnorm(target)}:print_format=json", "-f", "null", "-"]  # fmt: skip
    try:
        text = run_ffmpeg(args, f"measure the loudness of {p.name}", timeout=_TIMEOUT)
    except MediaError as exc:
        if "matches no streams" in str(exc):
            raise MediaError(f"{p.name} has no audio stream") from None
        raise
    found = _parse_loudnorm(text[-65536:])
    if found is None:
        raise MediaError(f"could not measure the loudness of {p.name}: ffmpeg printed no result")
    return found


def encode_normalized(
    source: Path,
    out: Path,
    seconds: Fraction | float,
    *,
    target: LoudnessTarget = LoudnessTarget(),
    bitrate: str = "192k",
) -> Loudness:
    """Pass 2: ``source`` normalized to ``target`` as AAC-LC 48 kHz stereo in ``out`` (MP4/M4A).

    The sound is padded with silence or cut to exactly ``seconds``. A silent or near-silent
    source is encoded as it is, without loudnorm. ``out`` appears complete or not at all: ffmpeg
    writes a temporary file beside it, which is renamed on success and removed on any failure
    (a full disk, a read-only folder...), reported as MediaError. Returns pass 1's measurement.
    """
    length = float(seconds)
    if not math.isfinite(length) or length <= 0:
        raise ValueError(f"the length must be a positive number of seconds, got {seconds}")
    src, dst = Path(source), Path(out)
    measured = measure(src, target)
    sound = "apad" if measured.silent else f"{_second_pass(target, measured)},apad"
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    args = ["-nostats", "-loglevel", "error", "-i", str(src), "-map", "0:a:0",
            "-vn", "-sn", "-dn", "-af", sound, "-ar", "48000", "-ac", "2", "-t", f"{length:.6f}",
            "-c:a", "aac", "-b:a", bitrate, "-f", "mp4", str(tmp)]  # fmt: skip
    failure = f"could not write {dst.name}"
    try:
        try:
            run_ffmpeg(args, f"write {dst.name}", timeout=_TIMEOUT)
        except MediaError as exc:
            raise MediaError(str(exc).replace(str(tmp), str(dst))) from None
        try:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, dst)
        except OSError as e:
            raise MediaError(f"{failure}: {describe(e)}") from e
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(dst.parent)
    return measured


def integrated_loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a file's audio, read from the Summary of ffmpeg's
    ``ebur128=peak=true`` meter; -70 LUFS and -inf dBTP for silence. For checking outputs."""
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p}: no such file")
    args = ["-nostats", "-i", str(p), "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"]  # fmt: skip
    text = run_ffmpeg(args, f"meter {p.name}", timeout=_TIMEOUT)
    summary = text[-65536:].rpartition("Summary:")[2]
    level = re.search(r"\bI:\s*(\S+) LUFS", summary)
    peak = re.search(r"\bPeak:\s*(\S+) dBFS", summary)
    if level is None or peak is None:
        raise MediaError(f"could not meter {p.name}: ffmpeg printed no summary")
    return float(level[1]), float(peak[1])


AAC_HEADROOM = 0.5  # dB: the AAC encoder's overshoot; loudnorm aims this far under the peak


def _loudnorm(target: LoudnessTarget) -> str:
    peak = max(-9.0, target.true_peak - AAC_HEADROOM)
    return f"loudnorm=I={target.integrated:g}:TP={peak:g}:LRA={target.lra:g}"


def _second_pass(target: LoudnessTarget, m: Loudness) -> str:
    """loudnorm with pass 1's numbers, each held to the range the filter accepts."""

    def clamp(x: float, low: float, high: float) -> str:
        return f"{min(max(x, low), high):.2f}" if not math.isnan(x) else f"{low:.2f}"

    return (
        f"{_loudnorm(target)}:measured_I={clamp(m.integrated, -99, 0)}"
        f":measured_TP={clamp(m.true_peak, -99, 99)}:measured_LRA={clamp(m.lra, 0, 99)}"
        f":measured_thresh={clamp(m.threshold, -99, 0)}:offset={clamp(m.offset, -99, 99)}"
        ":linear=true:print_format=none"
    )


def _parse_loudnorm(text: str) -> Loudness | None:
    """The last JSON block loudnorm printed, as a :class:`Loudness` (its values are strings)."""
    for block in reversed(re.findall(r"\{[^{}]*\}", text)):
        try:
            v = json.loads(block)
            return Loudness(
                integrated=float(v["input_i"]),
                true_peak=float(v["input_tp"]),
                lra=float(v["input_lra"]),
                threshold=float(v["input_thresh"]),
                offset=float(v.get("target_offset", 0.0)),
            )
        except (ValueError, KeyError, TypeError):
            continue
    return None
