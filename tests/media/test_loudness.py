"""Loudness normalization against the real ffmpeg: two-pass loudnorm to -14 LUFS / -1 dBTP, AAC
48 kHz stereo of an exact length, silence, unreadable input, and no partial file on failure.
Outputs are checked with ffmpeg's ebur128 meter and PyAV, never with our own code."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from studio.media.audio import write_wav
from studio.media.ffmpeg import MediaError
from studio.media.loudness import (
    Loudness,
    LoudnessTarget,
    encode_normalized,
    integrated_loudness,
    measure,
)

RATE = 48000


def programme(seconds: float, seed: int = 1) -> np.ndarray:
    """Programme-like stereo sound peaking at 1.0: low-passed noise and a chord, with loud and
    soft passages and short pauses."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    walk = np.cumsum(rng.standard_normal((n + 8, 2)), axis=0)
    noise = (walk[8:] - walk[:-8]) / 8  # an 8-tap moving average: a gentle low-pass
    chord = np.sin(2 * np.pi * 220 * t) + 0.5 * np.sin(2 * np.pi * 330 * t + 1)
    chord += 0.3 * np.sin(2 * np.pi * 880 * t)
    level = np.where(t % 5 < 2.5, 1.0, 0.3) * np.where(t % 2 < 1.7, 1.0, 0.05)
    sound = (0.6 * noise + chord[:, None] * [1.0, 0.8]) * level[:, None]
    return sound / np.max(np.abs(sound))


def quiet_mix() -> np.ndarray:
    """About -30 LUFS, with one hit near full scale: a linear gain would clip it, so loudnorm
    has to limit."""
    sound = 0.055 * programme(12)
    sound[3 * RATE : 3 * RATE + 200] += 0.9 * np.sin(np.arange(200) / 3)[:, None]
    return sound


def loud_mix() -> np.ndarray:
    """About -6 LUFS, squashed, peaks just under full scale."""
    return 0.99 * np.tanh(1.6 * programme(12, seed=2))


def audio_stream(path: Path) -> tuple[str, str | None, int, int, float]:
    """(codec, profile, rate, channels, seconds) of the file's audio stream, read by PyAV."""
    with av.open(str(path)) as container:
        s = container.streams.audio[0]
        assert s.duration is not None
        cc = s.codec_context
        return cc.name, cc.profile, cc.sample_rate, cc.channels, float(s.duration * s.time_base)


def decoded(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        frames = [f.to_ndarray() for f in container.decode(audio=0)]
    return np.concatenate(frames, axis=1)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize(
    ("mix", "seconds", "level"),
    [
        (quiet_mix, 15, (-33, -27)),  # 12 s of sound padded with silence to 15 s
        (loud_mix, Fraction(240240, 30000), (-9, -3)),  # cut to 8.008 s (240 frames at 29.97)
    ],
    ids=["quiet-padded", "loud-cut"],
)
def test_normalizes_to_the_target_as_aac_48k_stereo_of_the_exact_length(
    tmp_path, mix, seconds, level
):
    source, out = tmp_path / "mix.wav", tmp_path / "episode.m4a"
    write_wav(source, mix(), RATE)
    before, _ = integrated_loudness(source)
    assert level[0] < before < level[1]  # the input really is quiet / loud

    measured = encode_normalized(source, out, seconds)

    assert measured.integrated == pytest.approx(before, abs=1)  # pass 1, of the source
    lufs, peak = integrated_loudness(out)
    assert lufs == pytest.approx(-14, abs=1)
    assert peak <= -1 + 0.1  # aimed under -1 by the AAC headroom
    codec, profile, rate, channels, duration = audio_stream(out)
    assert (codec, profile, rate, channels) == ("aac", "LC", 48000, 2)
    assert duration == pytest.approx(float(seconds), abs=0.05)
    assert leftovers(tmp_path) == []


def test_a_silent_mix_is_encoded_silent_without_loudnorm(tmp_path):
    source, out = tmp_path / "silence.wav", tmp_path / "episode.m4a"
    write_wav(source, np.zeros(3 * RATE, np.float32), RATE)  # mono, too: it comes out stereo
    seconds = Fraction(120120, 30000)  # 4.004 s

    measured = encode_normalized(source, out, seconds)

    assert measured.silent
    codec, _, rate, channels, duration = audio_stream(out)
    assert (codec, rate, channels) == ("aac", 48000, 2)
    assert duration == pytest.approx(float(seconds), abs=0.05)
    assert np.max(np.abs(decoded(out))) < 1e-4


def test_measure_reads_loudnorms_first_pass(tmp_path):
    source = tmp_path / "mix.wav"
    write_wav(source, loud_mix()[: 4 * RATE], RATE)
    m = measure(source)
    lufs, peak = integrated_loudness(source)
    assert m.integrated == pytest.approx(lufs, abs=1)  # loudnorm gates a little differently
    assert m.true_peak == pytest.approx(peak, abs=0.5)
    assert m.threshold < m.integrated
    assert not m.silent


def test_a_file_that_is_not_sound_is_refused_by_name_and_the_old_output_kept(tmp_path):
    notes, out = tmp_path / "notes.txt", tmp_path / "episode.m4a"
    notes.write_text("INT. KITCHEN - NIGHT\nShe turns.\n" * 20)
    out.write_bytes(b"the last export")
    with pytest.raises(MediaError, match=r"notes\.txt"):
        encode_normalized(notes, out, 5)
    assert out.read_bytes() == b"the last export"
    assert leftovers(tmp_path) == []
    with pytest.raises(MediaError, match="no such file"):
        measure(tmp_path / "gone.wav")


def test_a_missing_folder_gives_an_error_naming_the_output(tmp_path):
    source = tmp_path / "mix.wav"
    write_wav(source, loud_mix()[: 2 * RATE], RATE)
    with pytest.raises(MediaError, match=r"could not write episode\.m4a: .*No such file"):
        encode_normalized(source, tmp_path / "gone" / "episode.m4a", 2)
    assert not (tmp_path / "gone").exists()


@pytest.mark.skipif(os.name != "posix", reason="folder modes are POSIX")
def test_a_read_only_folder_gives_an_error_and_no_file(tmp_path):
    source, folder = tmp_path / "mix.wav", tmp_path / "export"
    write_wav(source, loud_mix()[: 2 * RATE], RATE)
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user writes to read-only folders anyway (root)")
        with pytest.raises(MediaError, match=r"episode\.m4a"):
            encode_normalized(source, folder / "episode.m4a", 2)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX file-size limit")
def test_a_file_system_that_refuses_the_size_gives_an_error_and_no_file(tmp_path):
    source, folder = tmp_path / "mix.wav", tmp_path / "export"
    write_wav(source, loud_mix(), RATE)
    folder.mkdir()
    # a real refusal: a child process under a 20 kB file-size limit (EFBIG / SIGXFSZ)
    script = textwrap.dedent(
        """
        import resource, sys
        from pathlib import Path
        from studio.media.ffmpeg import MediaError
        from studio.media.loudness import encode_normalized
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, hard))
        try:
            encode_normalized(Path(sys.argv[1]), Path(sys.argv[2]), 10)
        except MediaError as e:
            print(e)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(source), str(folder / "episode.m4a")],
        capture_output=True, text=True, timeout=120, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert "could not write episode.m4a" in run.stdout
    assert "too large" in run.stdout
    assert list(folder.iterdir()) == []


def test_bad_targets_and_lengths_are_refused(tmp_path):
    with pytest.raises(ValueError, match="true peak"):
        LoudnessTarget(true_peak=2.0)
    with pytest.raises(ValueError, match="integrated"):
        LoudnessTarget(integrated=-3.0)
    with pytest.raises(ValueError, match="seconds"):
        encode_normalized(tmp_path / "mix.wav", tmp_path / "out.m4a", 0)
    assert Loudness(float("-inf"), float("-inf"), 0.0, -70.0).silent
