"""An episode's sound: dialogue and SFX at their places, a music bed ducked under the dialogue.

Everything is float32 stereo at 48 kHz, positions are sample counts. The bed is looped to the
episode's length, faded out at its end, and lowered smoothly wherever dialogue is audible (looking
ahead, so the first syllable is already clear). A look-ahead peak limiter keeps the sum below full
scale; loudness is left alone (export normalises it in two passes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.media.audio import SAMPLE_RATE, read_audio, read_wav, resample
from studio.media.ffmpeg import MediaError

DUCK_THRESHOLD_DBFS = -40.0  # dialogue RMS over 10 ms above this counts as audible
LIMIT_CEILING = 0.98  # about -0.2 dBFS: the mix's peaks never go higher

_DETECT_S = 0.010  # the ducking detector's RMS window
_LIMIT_BLOCK_S = 0.005  # the limiter's peak window
_LIMIT_RELEASE_DB_PER_S = 80.0  # how fast the limiter lets go after a peak
_LIMIT_ATTACK_DB_PER_S = 1200.0  # how fast it pulls down ahead of one
_LOOP_CROSSFADE_S = 0.05  # where a short music bed joins its own start
_MONO_TO_STEREO = math.sqrt(0.5)  # a mono file centred at -3 dB each side, as ffmpeg does


@dataclass(frozen=True, slots=True)
class Placed:
    """An audio file heard from sample ``start`` of the episode (a negative start cuts its head),
    ``gain_db`` louder, for at most ``length`` samples of the file if given."""

    path: Path
    start: int
    gain_db: float = 0.0
    length: int | None = None


@dataclass(frozen=True, slots=True)
class MixSettings:
    """How the music bed sits under the dialogue."""

    music_gain_db: float = -14.0  # the bed's level where nobody speaks
    duck_db: float = -12.0  # the bed's extra attenuation while dialogue is audible
    attack_s: float = 0.08  # the bed goes down over this long, ending as the dialogue starts
    release_s: float = 0.40  # and comes back up over this long
    hold_s: float = 0.15  # pauses in the dialogue shorter than this keep it down
    music_fade_out_s: float = 1.5  # at the episode's end


def mix_episode(
    length: int,
    dialogue: Sequence[Placed],
    *,
    music: Path | None = None,
    sfx: Sequence[Placed] = (),
    settings: MixSettings = MixSettings(),
) -> np.ndarray:
    """The episode's mix: float32 ``(length, 2)`` at 48 kHz. Unreadable files raise MediaError."""
    if length < 0:
        raise ValueError(f"episode length must not be negative, got {length}")
    decoded: dict[Path, np.ndarray] = {}
    speech = _bus(length, dialogue, decoded)
    out = speech + _bus(length, sfx, decoded)
    if music is not None and length > 0:
        bed = _music_bed(_decode(Path(music), decoded), length, settings.music_fade_out_s)
        bed *= ducking_gain(speech, settings)[:, None]
        out += bed
    return limit_peaks(out)


def ducking_gain(
    dialogue: np.ndarray, settings: MixSettings, sample_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """The music bed's gain per sample (linear, float32): ``music_gain_db`` where the dialogue is
    quiet, ``duck_db`` lower where its 10 ms RMS is above :data:`DUCK_THRESHOLD_DBFS`, joined by
    ramps that are straight in dB (down over ``attack_s`` before the dialogue, up over
    ``release_s`` after it and its ``hold_s``)."""
    x = np.asarray(dialogue, dtype=np.float32)
    mono = x.mean(axis=1) if x.ndim == 2 else x
    n = len(mono)
    block = max(1, round(sample_rate * _DETECT_S))
    blocks = -(-n // block)
    if blocks == 0:
        return np.zeros(0, np.float32)
    padded = np.zeros(blocks * block, np.float32)
    padded[:n] = mono
    power = np.mean(np.square(padded.reshape(blocks, block), dtype=np.float64), axis=1)
    audible = power > 10 ** (DUCK_THRESHOLD_DBFS / 10)
    index = np.arange(blocks)
    last_audible = np.maximum.accumulate(np.where(audible, index, -1))
    hold = round(settings.hold_s / _DETECT_S)
    held = ((last_audible >= 0) & (index - last_audible <= hold)).astype(np.float64)
    # A block's neighbours duck too, so the gain interpolated between block centres is fully
    # down over every sample of an audible block.
    held[1:] = np.maximum(held[1:], held[:-1].copy())
    held[:-1] = np.maximum(held[:-1], held[1:].copy())
    depth = _fall_no_faster(held, 1 / max(1.0, settings.release_s / _DETECT_S))
    depth = _fall_no_faster(depth[::-1], 1 / max(1.0, settings.attack_s / _DETECT_S))[::-1]
    centres = (index + 0.5) * block - 0.5
    gain_db = settings.music_gain_db + settings.duck_db * depth
    per_sample = np.interp(np.arange(n, dtype=np.float64), centres, gain_db)
    return np.power(10.0, per_sample / 20).astype(np.float32)


def limit_peaks(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """``audio`` (n, channels) with its peaks brought down to :data:`LIMIT_CEILING` by a smooth,
    look-ahead gain; audio that never goes past the ceiling comes back unchanged."""
    x = np.asarray(audio, dtype=np.float32)
    if len(x) == 0 or float(np.max(np.abs(x))) <= LIMIT_CEILING:
        return x
    block = max(1, round(sample_rate * _LIMIT_BLOCK_S))
    blocks = -(-len(x) // block)
    peaks = np.zeros(blocks * block, np.float32)
    peaks[: len(x)] = np.max(np.abs(x.reshape(len(x), -1)), axis=1)
    peak = np.maximum(peaks.reshape(blocks, block).max(axis=1), 1e-9)
    need_db = np.minimum(0.0, 20 * np.log10(LIMIT_CEILING / peak))
    # Each block's limit also binds its neighbours, so the gain between block centres (it is
    # interpolated) never exceeds what any sample there needs.
    widened = need_db.copy()
    widened[1:] = np.minimum(widened[1:], need_db[:-1])
    widened[:-1] = np.minimum(widened[:-1], need_db[1:])
    rise = _LIMIT_RELEASE_DB_PER_S * block / sample_rate
    gain_db = -_fall_no_faster(-widened, rise)
    gain_db = -_fall_no_faster(-gain_db[::-1], _LIMIT_ATTACK_DB_PER_S * block / sample_rate)[::-1]
    centres = (np.arange(blocks) + 0.5) * block - 0.5
    gain = np.power(10.0, np.interp(np.arange(len(x)), centres, gain_db) / 20)
    out = x * gain.astype(np.float32).reshape(-1, *([1] * (x.ndim - 1)))
    return np.clip(out, -1.0, 1.0, out=out)


def _fall_no_faster(values: np.ndarray, step: float) -> np.ndarray:
    """``values`` raised where needed so that from one item to the next they drop by at most
    ``step``: out[i] = max over j <= i of values[j] - (i - j) * step."""
    slope = np.arange(len(values)) * step
    return np.maximum.accumulate(values + slope) - slope


def _bus(length: int, placed: Sequence[Placed], decoded: dict[Path, np.ndarray]) -> np.ndarray:
    """The ``placed`` files summed into a (length, 2) float32 buffer."""
    out = np.zeros((length, 2), np.float32)
    for item in placed:
        audio = _decode(Path(item.path), decoded)
        if item.length is not None:
            audio = audio[: max(0, item.length)]
        skip = max(0, -item.start)
        at = max(0, item.start)
        n = min(len(audio) - skip, length - at)
        if n > 0:
            gain = np.float32(10 ** (item.gain_db / 20))
            out[at : at + n] += audio[skip : skip + n] * gain
    return out


def _decode(path: Path, decoded: dict[Path, np.ndarray]) -> np.ndarray:
    """``path`` as float32 (n, 2) at 48 kHz, decoded once per mix."""
    if path not in decoded:
        decoded[path] = _stereo_48k(path)
    return decoded[path]


def _stereo_48k(path: Path) -> np.ndarray:
    """Our own 16-bit WAVs are read directly (fast); anything else goes through ffmpeg."""
    if path.suffix.lower() == ".wav":
        try:
            samples, rate = read_wav(path)
        except MediaError:
            pass
        else:
            if samples.ndim == 1:
                samples = np.repeat(samples[:, None] * np.float32(_MONO_TO_STEREO), 2, axis=1)
            if samples.shape[1] == 2:
                return resample(samples, rate, SAMPLE_RATE) if rate != SAMPLE_RATE else samples
    return read_audio(path, sample_rate=SAMPLE_RATE, channels=2)


def _music_bed(music: np.ndarray, length: int, fade_out_s: float) -> np.ndarray:
    """``music`` looped (joined by a short equal-power crossfade) or cut to ``length`` samples,
    with a half-cosine fade to silence over the last ``fade_out_s``."""
    n = len(music)
    if n == 0:
        return np.zeros((length, 2), np.float32)
    if n >= length:
        bed = music[:length].copy()
    else:
        join = min(round(SAMPLE_RATE * _LOOP_CROSSFADE_S), n // 4)
        t = (np.arange(join, dtype=np.float32) + 0.5) / max(join, 1)
        fade_in = np.sin(0.5 * np.pi * t)[:, None]
        fade_out = np.cos(0.5 * np.pi * t)[:, None]
        seam = music[n - join :] * fade_out + music[:join] * fade_in
        repeat = np.concatenate([seam, music[join : n - join]])  # each pass after the first
        passes = -(-(length - (n - join)) // len(repeat))
        bed = np.concatenate([music[: n - join], *([repeat] * passes)])[:length]
    fade = min(length, round(fade_out_s * SAMPLE_RATE))
    if fade > 0:
        t = np.arange(1, fade + 1, dtype=np.float32) / fade
        bed[length - fade :] *= (0.5 + 0.5 * np.cos(np.pi * t))[:, None]
    return bed
