"""Audio files against the real ffmpeg: decoding compressed formats, WAV in and out, resampling."""

from __future__ import annotations

import errno
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from studio.media.audio import SAMPLE_RATE, read_audio, read_wav, resample, write_wav
from studio.media.ffmpeg import MediaError, ffmpeg_exe


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def tone_file(path: Path, codec: str, rate: int, seconds: float = 3, hz: int = 440) -> Path:
    source = f"sine=frequency={hz}:duration={seconds}:sample_rate={rate}"
    ffmpeg("-f", "lavfi", "-i", source, "-c:a", codec, str(path))
    return path


def peak_hz(signal: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return float(np.argmax(spectrum) * rate / len(signal))


def sine(hz: float, n: int, rate: int) -> np.ndarray:
    return np.sin(2 * np.pi * hz * np.arange(n) / rate)


@pytest.mark.parametrize(
    ("name", "codec", "rate"),
    [
        ("tone.mp3", "libmp3lame", 44100),
        ("tone.m4a", "aac", 44100),
        ("tone.wav", "pcm_s16le", 22050),
        ("tone.flac", "flac", 32000),
    ],
)
def test_decodes_any_format_at_48k_with_the_right_length_and_pitch(tmp_path, name, codec, rate):
    audio = read_audio(tone_file(tmp_path / name, codec, rate))
    assert audio.dtype == np.float32
    assert audio.shape[1] == 2
    assert abs(len(audio) - 3 * SAMPLE_RATE) <= SAMPLE_RATE // 100  # within 10 ms
    assert peak_hz(audio[:, 0], SAMPLE_RATE) == pytest.approx(440, abs=1)
    assert np.allclose(audio[:, 0], audio[:, 1])  # a mono file lands in both channels
    # ffmpeg's sine source is at 1/8 full scale; a mono file is centred at -3 dB each side
    assert np.max(np.abs(audio)) == pytest.approx(0.125 * np.sqrt(0.5), rel=0.1)


def test_decodes_the_sound_of_a_video_at_the_asked_rate_and_channels(tmp_path):
    clip = tmp_path / "take.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=2:size=64x48:rate=25",
           "-f", "lavfi", "-i", "sine=frequency=1000:duration=2", "-shortest",
           "-c:v", "libx264", "-c:a", "aac", str(clip))  # fmt: skip
    audio = read_audio(clip, sample_rate=16000, channels=1)
    assert audio.shape[1] == 1
    assert abs(len(audio) - 2 * 16000) <= 16000 // 50
    assert peak_hz(audio[:, 0], 16000) == pytest.approx(1000, abs=1)


def test_a_video_without_sound_says_so(tmp_path):
    clip = tmp_path / "silent.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=64x48", "-c:v", "libx264", str(clip))
    with pytest.raises(MediaError, match=r"^silent\.mp4 has no audio stream$"):
        read_audio(clip)


def test_a_missing_or_broken_file_gives_the_reason(tmp_path):
    with pytest.raises(MediaError, match="no such file"):
        read_audio(tmp_path / "gone.wav")
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio at all " * 100)
    with pytest.raises(MediaError, match=r"broken\.mp3: .*Invalid data") as caught:
        read_audio(broken)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("channels", [1, 2])
def test_wav_round_trip(tmp_path, channels):
    rng = np.random.default_rng(7)
    audio = rng.uniform(-0.9, 0.9, size=(4800, channels)).astype(np.float32)
    path = tmp_path / "line.wav"
    write_wav(path, audio[:, 0] if channels == 1 else audio, 24000)
    back, rate = read_wav(path)
    assert rate == 24000
    assert back.dtype == np.float32
    assert back.shape == ((4800,) if channels == 1 else (4800, 2))
    assert np.max(np.abs(back.reshape(4800, -1) - audio)) <= 1 / 32768
    # ffmpeg reads the same file as the same samples
    again = read_audio(path, sample_rate=24000, channels=channels)
    assert np.max(np.abs(again - audio)) <= 1 / 32768


def test_a_single_column_is_written_as_mono_and_loud_samples_are_clipped(tmp_path):
    path = tmp_path / "loud.wav"
    write_wav(path, np.array([[1.5], [-2.0], [0.5], [np.nan]]))
    back, rate = read_wav(path)
    assert rate == SAMPLE_RATE
    assert back.shape == (4,)
    assert back == pytest.approx([32767 / 32768, -1.0, 0.5, 0.0])


def test_read_wav_refuses_other_formats_with_a_reason(tmp_path):
    narrow, wide = tmp_path / "u8.wav", tmp_path / "s24.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=0.1", "-c:a", "pcm_u8", str(narrow))
    ffmpeg("-f", "lavfi", "-i", "sine=duration=0.1", "-c:a", "pcm_s24le", str(wide))
    with pytest.raises(MediaError, match=r"^u8\.wav is not a 16-bit PCM WAV file: 8-bit"):
        read_wav(narrow)
    with pytest.raises(MediaError, match=r"^s24\.wav is not a 16-bit PCM WAV file"):
        read_wav(wide)
    text = tmp_path / "notes.wav"
    text.write_text("hello")
    with pytest.raises(MediaError, match=r"notes\.wav is not a 16-bit PCM WAV file"):
        read_wav(text)
    with pytest.raises(MediaError, match="no such file"):
        read_wav(tmp_path / "gone.wav")


def test_a_full_disk_leaves_the_old_wav_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "line.wav"
    write_wav(path, np.zeros(100))
    before = path.read_bytes()
    real_write, room = os.write, [1000]

    def write(fd: int, data: bytes) -> int:
        if room[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = real_write(fd, bytes(data[: room[0]]))
        room[0] -= n
        return n

    with monkeypatch.context() as m:
        m.setattr(os, "write", write)
        with pytest.raises(MediaError, match=r"^could not write line\.wav: no space left"):
            write_wav(path, np.full(48000, 0.5))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["line.wav"]


@pytest.mark.parametrize(("source", "target"), [(22050, 48000), (24000, 48000), (44100, 48000)])
def test_upsampling_keeps_a_tone_exact(source, target):
    y = resample(sine(1000, 3 * source, source).astype(np.float32), source, target)
    assert y.dtype == np.float32
    assert len(y) == 3 * target
    inner = slice(target // 50, -target // 50)  # away from the edges, where the tone starts
    expected = sine(1000, len(y), target)
    assert np.max(np.abs(y[inner] - expected[inner])) < 1e-4
    amplitude = np.sqrt(2 * np.mean(y[inner] ** 2))
    assert amplitude == pytest.approx(1.0, rel=0.01)
    assert peak_hz(y, target) == pytest.approx(1000, abs=0.5)


def test_downsampling_removes_what_the_new_rate_cannot_hold():
    above = sine(11500, 48000, 48000).astype(np.float32)  # would alias to 10550 Hz at 22050
    below = sine(9000, 48000, 48000).astype(np.float32)
    inner = slice(500, -500)
    out_above = resample(above, 48000, 22050)
    out_below = resample(below, 48000, 22050)
    assert len(out_above) == len(out_below) == 22050
    assert np.sqrt(np.mean(out_above[inner] ** 2)) < 1e-4  # below -80 dB
    assert np.sqrt(2 * np.mean(out_below[inner] ** 2)) == pytest.approx(1.0, rel=0.01)


def test_resampling_keeps_channels_apart():
    stereo = np.stack([sine(500, 24000, 24000), sine(2000, 24000, 24000)], axis=1)
    y = resample(stereo, 24000, 48000)
    assert y.shape == (48000, 2)
    assert peak_hz(y[:, 0], 48000) == pytest.approx(500, abs=2)
    assert peak_hz(y[:, 1], 48000) == pytest.approx(2000, abs=2)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 147, 1001, 22051])
@pytest.mark.parametrize(("source", "target"), [(22050, 48000), (48000, 22050), (24000, 48000)])
def test_resampled_length_is_rounded_exactly(n, source, target):
    y = resample(np.ones(n, np.float32), source, target)
    assert len(y) == round(n * target / source)


def test_resampling_a_spoken_line_is_fast():
    line = np.random.default_rng(0).standard_normal(3 * 22050).astype(np.float32) * 0.1
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        resample(line, 22050, 48000)
        best = min(best, time.perf_counter() - start)
    assert best < 0.025  # about 2 ms here; lenient for a loaded machine
