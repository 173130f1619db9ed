"""Audio files: decode anything ffmpeg reads, write and read 16-bit WAV, resample in numpy.

Samples are float32 in -1..1, shaped ``(n,)`` (mono) or ``(n, channels)``. The project's rate is
48 kHz (:data:`SAMPLE_RATE`); speech synthesizers answer at 22050 or 24000 Hz and
:func:`resample` brings their output up, band-limited, without scipy.
"""

from __future__ import annotations

import io
import math
import subprocess
import tempfile
import wave
from fractions import Fraction
from pathlib import Path

import numpy as np

from studio.core.atomic import describe, write_atomic
from studio.media.ffmpeg import NO_WINDOW, MediaError, ffmpeg_exe, ffmpeg_reason

SAMPLE_RATE = 48000

_FULL_SCALE = 32768.0  # 16-bit PCM: -32768..32767 stands for -1.0..(1 - 1/32768)
_PASSBAND = 0.92  # resampling keeps everything below this fraction of the lower Nyquist
_PAD_TRANSITIONS = 30  # zero padding against wrap-around, in periods of the transition band


def read_audio(path: Path, *, sample_rate: int = SAMPLE_RATE, channels: int = 2) -> np.ndarray:
    """The first audio stream of ``path`` (wav, mp3, m4a, flac, an mp4's sound...) as float32
    ``(n, channels)`` at ``sample_rate``, decoded by ffmpeg. A mono file read as stereo is
    centred at -3 dB each side (ffmpeg's constant-power upmix).

    Raises MediaError, with ffmpeg's own reason, when the file is missing, has no audio stream or
    cannot be decoded.
    """
    if sample_rate <= 0 or channels <= 0:
        raise ValueError(f"sample rate and channels must be positive: {sample_rate}, {channels}")
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p}: no such file")
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(p),
           "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", str(channels), "-ar", str(sample_rate),
           "-c:a", "pcm_f32le", "-f", "f32le", "-"]  # fmt: skip
    with tempfile.TemporaryFile() as stderr:
        try:
            run = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                timeout=600, creationflags=NO_WINDOW,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as e:
            raise MediaError(f"could not read audio from {p.name}: {e}") from e
        if run.returncode != 0:
            stderr.seek(0)
            if b"matches no streams" in stderr.read(65536):
                raise MediaError(f"{p.name} has no audio stream")
            reason = ffmpeg_reason(run.returncode, stderr)
            raise MediaError(f"could not read audio from {p.name}: {reason}")
    frames = len(run.stdout) // (4 * channels)
    data = np.frombuffer(run.stdout, dtype="<f4", count=frames * channels)
    return data.astype(np.float32).reshape(frames, channels)


def write_wav(path: Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Write ``audio`` as a 16-bit PCM WAV (mono for ``(n,)`` or ``(n, 1)``), clipped to -1..1.

    The file appears whole or not at all: a full disk raises MediaError and leaves any old file
    as it was.
    """
    a = np.asarray(audio, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[1] == 0:
        raise ValueError(f"audio must be (n,) or (n, channels), got shape {a.shape}")
    if sample_rate <= 0:
        raise ValueError(f"sample rate must be positive, got {sample_rate}")
    pcm = np.clip(np.rint(np.nan_to_num(a) * _FULL_SCALE), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(a.shape[1])
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    try:
        write_atomic(Path(path), buffer.getvalue())
    except OSError as e:
        raise MediaError(f"could not write {Path(path).name}: {describe(e)}") from e


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV as float32 ``(n,)`` (mono) or ``(n, channels)``, and its sample rate.

    Anything else (another sample format, not a WAV, missing) raises MediaError; use
    :func:`read_audio` for those.
    """
    p = Path(path)
    try:
        with wave.open(str(p), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except FileNotFoundError:
        raise MediaError(f"{p}: no such file") from None
    except (wave.Error, EOFError) as e:
        raise MediaError(f"{p.name} is not a 16-bit PCM WAV file: {e}") from None
    except OSError as e:
        raise MediaError(f"could not read {p.name}: {describe(e)}") from None
    if width != 2:
        raise MediaError(f"{p.name} is not a 16-bit PCM WAV file: {8 * width}-bit samples")
    frames = len(raw) // (2 * channels)
    pcm = np.frombuffer(raw, dtype="<i2", count=frames * channels)
    samples = (pcm.astype(np.float32) / np.float32(_FULL_SCALE)).reshape(frames, channels)
    return (samples[:, 0].copy() if channels == 1 else samples), rate


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """``samples`` (``(n,)`` or ``(n, channels)``) from one rate to another, band-limited.

    The spectrum is cut at 92% of the lower Nyquist frequency with a raised-cosine edge, so
    nothing above the new Nyquist aliases when going down; zero padding keeps the end of the
    signal from wrapping onto its start. Returns float32 with ``round(n * to / from)`` samples.
    """
    if from_rate <= 0 or to_rate <= 0:
        raise ValueError(f"sample rates must be positive: {from_rate} -> {to_rate}")
    x = np.asarray(samples, dtype=np.float32)
    n = x.shape[0]
    out_n = round(Fraction(n * to_rate, from_rate))
    if from_rate == to_rate:
        return x.copy()
    if n == 0 or out_n == 0:
        return np.zeros((out_n, *x.shape[1:]), np.float32)
    g = math.gcd(from_rate, to_rate)
    down, up = from_rate // g, to_rate // g
    nyquist = min(from_rate, to_rate) / 2
    transition_hz = (1 - _PASSBAND) * nyquist
    pad = math.ceil(from_rate * _PAD_TRANSITIONS / transition_hz)
    # The padded lengths in and out hold whole periods of the rate ratio, and the count of
    # periods has only factors 2, 3 and 5, so both FFTs are fast and the sample grids line up.
    periods = _smooth_at_least(-(-(n + pad) // down))
    size_in, size_out = down * periods, up * periods
    spectrum = np.fft.rfft(x, n=size_in, axis=0)
    kept = min(size_in, size_out) // 2 + 1
    taper = _taper(kept, from_rate / size_in, nyquist, transition_hz)
    shape = (size_out // 2 + 1, *x.shape[1:])
    out_spectrum = np.zeros(shape, dtype=spectrum.dtype)
    out_spectrum[:kept] = spectrum[:kept] * taper.reshape(-1, *([1] * (x.ndim - 1)))
    y = np.fft.irfft(out_spectrum, n=size_out, axis=0)[:out_n]
    y *= size_out / size_in
    return y.astype(np.float32, copy=False)


def _taper(bins: int, hz_per_bin: float, nyquist: float, transition_hz: float) -> np.ndarray:
    """1 in the passband, a raised-cosine fall to 0 at ``nyquist``, per rfft bin."""
    freq = np.arange(bins) * hz_per_bin
    edge = np.clip((freq - (nyquist - transition_hz)) / transition_hz, 0.0, 1.0)
    return (0.5 + 0.5 * np.cos(np.pi * edge)).astype(np.float32)


def _smooth_at_least(m: int) -> int:
    """The smallest number >= ``m`` whose only prime factors are 2, 3 and 5."""
    best = 1 << max(0, (m - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            need = -(-m // p35)  # p35 * 2**e >= m
            best = min(best, p35 << max(0, (need - 1).bit_length()))
            p35 *= 3
        p5 *= 5
    return best
