"""The episode mix from real files: placement, ducking, SFX cuts, the looped bed, the limiter."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

import studio.media.mix as mix_module
from studio.media.audio import SAMPLE_RATE, write_wav
from studio.media.ffmpeg import MediaError, ffmpeg_exe
from studio.media.mix import MixSettings, Placed, ducking_gain, mix_episode

SR = SAMPLE_RATE
CENTRE = np.sqrt(0.5)  # a mono file sits at -3 dB in each channel


def tone(hz: float, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    return amplitude * np.sin(2 * np.pi * hz * np.arange(round(seconds * SR)) / SR)


def noise(seconds: float, amplitude: float = 0.3, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.standard_normal(round(seconds * SR)) * amplitude, -1, 1)


def wav(path: Path, audio: np.ndarray, rate: int = SR) -> Path:
    write_wav(path, audio, rate)
    return path


def as_stored(audio: np.ndarray) -> np.ndarray:
    """``audio`` as a 16-bit WAV holds it."""
    return np.clip(np.round(audio * 32768), -32768, 32767) / 32768


def level_at(signal: np.ndarray, hz: float, start_s: float, window_s: float = 0.1) -> float:
    """The amplitude of the ``hz`` component over a window (whole cycles), by lock-in."""
    a = round(start_s * SR)
    part = signal[a : a + round(window_s * SR)]
    t = (a + np.arange(len(part))) / SR
    return 2 * abs(np.mean(part * np.exp(-2j * np.pi * hz * t)))


def db(x: float) -> float:
    return 20 * np.log10(x)


def test_dialogue_lands_at_its_sample(tmp_path):
    line = noise(0.5)
    path = wav(tmp_path / "line.wav", line)
    out = mix_episode(2 * SR, [Placed(path, 12345)])
    assert out.shape == (2 * SR, 2) and out.dtype == np.float32
    score = np.fft.irfft(np.fft.rfft(out[:, 0], 4 * SR) * np.conj(np.fft.rfft(line, 4 * SR)))
    assert int(np.argmax(score)) == 12345
    heard = out[12345 : 12345 + len(line)]
    expected = as_stored(line) * CENTRE
    assert np.allclose(heard[:, 0], expected, atol=1e-6)
    assert np.array_equal(heard[:, 0], heard[:, 1])
    assert not out[:12345].any() and not out[12345 + len(line) :].any()


def test_gain_and_stereo_files_and_other_rates(tmp_path):
    left, right = tone(300, 0.5, 0.4), tone(700, 0.5, 0.2)
    stereo = wav(tmp_path / "stereo.wav", np.stack([left, right], axis=1))
    slow = wav(tmp_path / "tts.wav", tone(1000, 0.5, 0.4)[::2], 24000)  # a 24 kHz line
    out = mix_episode(SR, [Placed(stereo, 0, gain_db=-6.0), Placed(slow, SR // 2)])
    assert level_at(out[:, 0], 300, 0.1) == pytest.approx(0.4 * 10 ** (-6 / 20), rel=1e-3)
    assert level_at(out[:, 1], 700, 0.1) == pytest.approx(0.2 * 10 ** (-6 / 20), rel=1e-3)
    assert level_at(out[:, 1], 300, 0.1) < 1e-4  # channels stay apart
    assert level_at(out[:, 0], 1000, 0.7) == pytest.approx(0.4 * CENTRE, rel=1e-3)


def test_compressed_files_decode_too_and_once_per_mix(tmp_path, monkeypatch):
    sfx = tmp_path / "door.mp3"
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", "sine=frequency=2000:duration=0.3", "-c:a", "libmp3lame", str(sfx)],
        check=True,
    )  # fmt: skip
    calls: list[Path] = []
    real = mix_module.read_audio

    def counted(path: Path, **kwargs: int) -> np.ndarray:
        calls.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(mix_module, "read_audio", counted)
    out = mix_episode(2 * SR, [], sfx=[Placed(sfx, k * SR // 2) for k in range(4)])
    assert calls == [sfx]
    for k in range(4):
        assert level_at(out[:, 0], 2000, k / 2 + 0.1) == pytest.approx(0.125 * CENTRE, rel=0.05)


def test_music_ducks_under_dialogue_and_comes_back(tmp_path):
    settings = MixSettings()
    speech = wav(tmp_path / "line.wav", tone(3000, 1.0, 0.3))
    music = wav(tmp_path / "bed.wav", np.stack([tone(200, 6.0)] * 2, axis=1))
    out = mix_episode(5 * SR, [Placed(speech, SR)], music=music, settings=settings)
    bed = out[:, 0]
    before, during = db(level_at(bed, 200, 0.4) / 0.5), db(level_at(bed, 200, 1.3) / 0.5)
    after = db(level_at(bed, 200, 2.0 + settings.hold_s + settings.release_s + 0.05) / 0.5)
    assert before == pytest.approx(settings.music_gain_db, abs=0.05)
    assert during == pytest.approx(settings.music_gain_db + settings.duck_db, abs=0.05)
    assert after == pytest.approx(settings.music_gain_db, abs=0.05)
    assert db(level_at(bed, 3000, 1.3) / 0.3) == pytest.approx(-3.01, abs=0.05)  # speech as is


def test_ducking_is_down_when_speech_starts_and_moves_smoothly():
    settings = MixSettings(attack_s=0.1, hold_s=0.2, release_s=0.5)
    speech = np.zeros(4 * SR)
    speech[SR : 2 * SR] = tone(500, 1.0, 0.1)
    speech[round(2.1 * SR) : round(2.5 * SR)] = tone(500, 0.4, 0.1)  # after a short pause
    gain_db = 20 * np.log10(ducking_gain(speech, settings))
    low = settings.music_gain_db + settings.duck_db
    assert gain_db[: round(0.85 * SR)] == pytest.approx(settings.music_gain_db, abs=1e-4)
    assert gain_db[SR : round(2.5 * SR)] == pytest.approx(low, abs=1e-4)  # the pause is held
    ramp = gain_db[round(0.9 * SR) : SR]
    assert np.all(np.diff(ramp) <= 1e-6) and ramp[0] > ramp[-1] + 5  # going down before
    release_end = 2.5 + settings.hold_s + settings.release_s + 0.02
    assert gain_db[round(release_end * SR) :] == pytest.approx(settings.music_gain_db, abs=1e-4)
    steepest = settings.duck_db / settings.attack_s / SR  # dB per sample on the way down
    assert np.min(np.diff(gain_db)) >= 1.2 * steepest  # no steps, only ramps
    assert np.max(np.diff(gain_db)) <= 1.2 * -settings.duck_db / settings.release_s / SR


def test_quiet_dialogue_does_not_duck():
    murmur = tone(500, 1.0, 10 ** (-50 / 20) * np.sqrt(2))  # RMS -50 dBFS, under -40
    gain = ducking_gain(murmur, MixSettings(music_gain_db=0.0))
    assert gain == pytest.approx(1.0)
    assert ducking_gain(np.zeros((0, 2)), MixSettings()).shape == (0,)


def test_sfx_stops_at_its_length_and_a_negative_start_cuts_its_head(tmp_path):
    hit = noise(1.0, seed=3)
    path = wav(tmp_path / "hit.wav", hit)
    out = mix_episode(SR, [], sfx=[Placed(path, SR // 2, length=SR // 4)])
    played = out[SR // 2 : SR // 2 + SR // 4, 0]
    assert np.allclose(played, as_stored(hit[: SR // 4]) * CENTRE, atol=1e-6)
    assert not out[: SR // 2].any() and not out[SR // 2 + SR // 4 :].any()

    early = mix_episode(SR // 2, [Placed(path, -1000)])
    expected = as_stored(hit[1000 : 1000 + SR // 2]) * CENTRE
    assert np.allclose(early[:, 0], expected, atol=1e-6)


def test_a_short_bed_loops_to_the_end_and_fades_out(tmp_path):
    bed = noise(1.0, amplitude=0.2, seed=5)
    music = wav(tmp_path / "bed.wav", np.stack([bed, bed], axis=1))
    settings = MixSettings(music_gain_db=0.0, music_fade_out_s=0.0)
    out = mix_episode(round(3.5 * SR), [], music=music, settings=settings)[:, 0]
    chunk = out[round(2.3 * SR) : round(2.4 * SR)]  # from the third pass
    score = np.correlate(bed, chunk, mode="valid")
    assert np.max(score) / np.sum(chunk**2) == pytest.approx(1.0, abs=0.01)
    rms = [np.sqrt(np.mean(out[round(s * SR) : round((s + 0.4) * SR)] ** 2)) for s in (0, 1.5, 3)]
    assert rms == pytest.approx([0.2] * 3, rel=0.1)

    faded = mix_episode(4 * SR, [], music=music, settings=MixSettings(music_gain_db=0.0))[:, 0]
    steady = [np.sqrt(np.mean(faded[round(s * SR) : round((s + 0.05) * SR)] ** 2)) for s in (
        2.0, 2.7, 3.2, 3.6, 3.94)]  # fmt: skip
    assert steady[0] == pytest.approx(0.2, rel=0.15)
    assert steady == sorted(steady, reverse=True)
    assert steady[2] == pytest.approx(0.2 * 0.5, rel=0.3)  # mid-fade, half the amplitude
    assert np.max(np.abs(faded[-100:])) < 0.01


def test_loud_inputs_never_clip_and_quiet_ones_pass_untouched(tmp_path):
    shout = wav(tmp_path / "shout.wav", np.clip(noise(1.0, amplitude=2.0), -1, 1))
    bang = wav(tmp_path / "bang.wav", np.stack([np.ones(SR // 2)] * 2, axis=1))
    bed = wav(tmp_path / "bed.wav", np.stack([tone(100, 4.0, 1.0)] * 2, axis=1))
    loud = mix_episode(
        4 * SR,
        [Placed(shout, SR // 2, gain_db=6.0)],
        music=bed,
        sfx=[Placed(bang, SR, gain_db=6.0)],
        settings=MixSettings(music_gain_db=0.0, music_fade_out_s=0.0),
    )
    assert np.max(np.abs(loud)) <= 1.0
    assert np.max(np.abs(loud[SR : 2 * SR])) > 0.9  # limited, not turned down wholesale
    quiet = wav(tmp_path / "quiet.wav", tone(440, 1.0, 0.5))
    plain = mix_episode(SR, [Placed(quiet, 0)])
    assert np.allclose(plain[:, 0], as_stored(tone(440, 1.0, 0.5)) * CENTRE)


def test_an_empty_episode_is_silence_of_its_length():
    out = mix_episode(SR + 7, [])
    assert out.shape == (SR + 7, 2) and out.dtype == np.float32 and not out.any()
    assert mix_episode(0, []).shape == (0, 2)
    with pytest.raises(ValueError, match="negative"):
        mix_episode(-1, [])


def test_a_missing_file_is_a_media_error(tmp_path):
    with pytest.raises(MediaError, match=r"gone\.mp3: no such file"):
        mix_episode(SR, [], music=tmp_path / "gone.mp3")
