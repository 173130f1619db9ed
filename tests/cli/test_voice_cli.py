"""``studio voice``, ``lipsync`` and ``mix`` end to end on a real project: espeak-ng speaks,
the animatic's mouths follow the phonemes, and the episode's sound is mixed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from studio.core.speech_timing import Mark, SpeechTiming
from studio.core.store import open_project
from studio.core.time import FrameRate
from studio.engine.backends.animatic import figure_layout
from studio.media.ffmpeg import probe, read_frames
from studio.voice.visemes import mouth_track, openness

pytestmark = pytest.mark.slow

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
(whispering)
I'm just here for a delivery.

ETHAN
Then deliver it, and go.

@林晚
你去哪儿了？
"""


def studio(*args: object, models: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if models is not None:
        env["STUDIO_MODELS_DIR"] = str(models)
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def voiced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    tmp = tmp_path_factory.mktemp("voice")
    (tmp / "glass.fountain").write_text(SCRIPT, encoding="utf-8")
    assert studio("new", tmp / "Glass", "--script", tmp / "glass.fountain").returncode == 0
    root = tmp / "Glass.mdstudio"
    assert studio("generate", root).returncode == 0
    result = studio("voice", root, "--json")
    assert result.returncode == 0, result.stderr
    return root, json.loads(result.stdout)


def test_each_line_is_a_48k_wav_with_its_words_and_phonemes(voiced) -> None:
    root, lines = voiced
    assert [(e["character"], e["line"]) for e in sorted(lines, key=lambda e: e["character"])] == [
        ("ETHAN", 0), ("MAYA", 0), ("林晚", 0),
    ]  # fmt: skip
    for entry in lines:
        with wave.open(str(root / entry["path"])) as w:
            assert (w.getframerate(), w.getnchannels()) == (48000, 1)
            assert w.getnframes() == entry["samples"]
            audio = np.frombuffer(w.readframes(w.getnframes()), np.int16)
        timing = SpeechTiming.from_json(json.loads((root / entry["timing"]).read_text()))
        assert timing.samples == entry["samples"] and timing.sample_rate == 48000
        assert entry["phonemes"] and entry["phonemes"][-1][1] <= entry["samples"]
        for start, end, _ in entry["words"]:  # every word is heard where it is said to be
            assert np.abs(audio[start:end].astype(float)).max() > 1000
    english = {e["character"]: [w[2] for w in e["words"]] for e in lines}
    assert english["ETHAN"] == ["Then", "deliver", "it", "and", "go"]
    assert " ".join(english["MAYA"]) == "I'm just here for a delivery"  # "for a": one word


def test_dialogue_shots_last_as_long_as_their_audio(voiced) -> None:
    root, lines = voiced
    with open_project(root, read_only=True) as folder:
        project = folder.project
        for entry in lines:
            shot = project.find_shot(entry["shot"])
            end = project.fps.seconds(shot.duration_frames) * 48000
            assert shot.voice[0].start > 0 and entry["start"] + entry["samples"] < end
            assert end - (entry["start"] + entry["samples"]) < 48000  # a short tail, no more
        whisper = project.find_shot(next(e["shot"] for e in lines if e["character"] == "MAYA"))
        assert whisper.voice[0].request.whisper


def test_unchanged_lines_are_not_voiced_again(voiced) -> None:
    root, _ = voiced
    result = studio("voice", root, "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_lipsync_redraws_the_animatic_mouth_on_the_phonemes(voiced) -> None:
    root, lines = voiced
    result = studio("lipsync", root, "--episode", "1", "--json")
    assert result.returncode == 0, result.stderr
    made = json.loads(result.stdout)
    assert sorted(t["shot"] for t in made) == sorted(e["shot"] for e in lines)
    with open_project(root, read_only=True) as folder:
        project = folder.project
    ethan = next(e for e in lines if e["character"] == "ETHAN")
    take = next(t for t in made if t["shot"] == ethan["shot"])
    shot = project.find_shot(take["shot"])
    synced = shot.take(take["id"])
    assert synced.source_take == take["source_take"] and shot.take(synced.source_take).media
    info = probe(root / take["path"])
    assert (info.fps, info.frames, info.has_audio) == ("30/1", shot.duration_frames, True)
    # How dark the mouth is in each frame follows the expected openness, frame for frame.
    source = shot.take(synced.source_take).request
    assert synced.request.source_request == source
    figure = figure_layout(source)[0]
    measured = [_mouth_darkness(f, figure) for f in read_frames(root / take["path"])]
    marks = [Mark(a + ethan["start"], b + ethan["start"], t) for a, b, t in ethan["phonemes"]]
    expected = openness(mouth_track(marks, 48000, FrameRate(30), shot.duration_frames))
    assert np.corrcoef(measured, expected)[0, 1] > 0.9
    closed = [i for i, v in enumerate(expected) if v == 0.0]
    low, span = min(measured), max(measured) - min(measured)
    assert closed and max(measured[i] for i in closed) < low + 0.1 * span  # shut where silent


def _mouth_darkness(frame: np.ndarray, figure) -> float:
    """Lip and mouth pixels (red, not the grey ink) around where the mouth is drawn (the camera
    moves a little)."""
    (mx, my), (mw, mh) = figure.mouth_center, figure.mouth_size
    x0, x1 = int(mx - 1.6 * mw), int(mx + 1.6 * mw)
    y0, y1 = int(my - 1.6 * mh), int(my + 2.2 * mh)
    region = frame[max(y0, 0) : y1, max(x0, 0) : x1].astype(int)
    red, green = region[..., 0], region[..., 1]
    return float(((red - green > 25) & (red < 160)).sum())


def tone(path: Path, hz: int, seconds: float) -> Path:
    """A sine encoded by ffmpeg itself (mp3/m4a by the name), as a user's file would be."""
    from studio.media.ffmpeg import ffmpeg_exe

    source = f"sine=frequency={hz}:duration={seconds}:sample_rate=44100"
    cmd = [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", source, str(path)]
    subprocess.run(cmd, check=True)
    return path


def band_rms(audio: np.ndarray, hz: float, rate: int = 48000) -> float:
    """The level of one frequency in ``audio`` (mono), by a windowed FFT."""
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    bins = np.fft.rfftfreq(len(audio), 1 / rate)
    return float(spectrum[np.abs(bins - hz) < 15].max())


def test_mix_writes_the_episode_sound_with_music_ducked_and_effects(voiced, tmp_path) -> None:
    root, _ = voiced
    music, sting = tone(tmp_path / "bed.mp3", 150, 2.0), tone(tmp_path / "sting.m4a", 5000, 0.3)
    with open_project(root, read_only=True) as folder:
        project = folder.project
        episode = project.episode(1)
        first = next(episode.shots())
    args = ["--music", music, "--music-gain", "-10", "--sfx", f"{first.id}={sting}:-3", "--json"]
    result = studio("mix", root, "--episode", "1", *args)
    assert result.returncode == 0, result.stderr
    path = root / json.loads(result.stdout)["path"]
    with open_project(root, read_only=True) as folder:
        episode = folder.project.episode(1)
        shots = list(episode.shots())
    assert episode.music is not None and episode.music.gain_db == -10.0
    assert (root / episode.music.path).is_file() and shots[0].sfx[0].gain_db == -3.0
    seconds = project.fps.seconds(episode.duration_frames())
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels()) == (48000, 2)
        assert w.getnframes() == round(seconds * 48000)
        mix = np.frombuffer(w.readframes(w.getnframes()), np.int16).reshape(-1, 2)
    mono = mix.mean(axis=1) / 32768
    assert band_rms(mono[: 48000 // 4], 5000) > 10 * band_rms(mono[48000:], 5000)  # the sting
    # The bed is ducked under dialogue: compare it inside a spoken line and in the action shot.
    at = 0
    for shot in shots:
        if shot.voice:
            clip = shot.voice[0]
            start = round(project.fps.seconds(at) * 48000) + clip.start + 4800
            spoken = mono[start : start + 24000]
            break
        at += shot.duration_frames
    quiet = mono[
        round(project.fps.seconds(4) * 48000) : round(project.fps.seconds(4) * 48000) + 24000
    ]
    assert band_rms(quiet, 150) > 2.5 * band_rms(spoken, 150)


def test_lipsync_without_voice_says_so(tmp_path: Path) -> None:
    (tmp_path / "s.fountain").write_text(SCRIPT, encoding="utf-8")
    studio("new", tmp_path / "P", "--script", tmp_path / "s.fountain", "--language", "zh")
    root = tmp_path / "P.mdstudio"
    assert json.loads(studio("info", root, "--json").stdout)["language"] == "zh"
    assert studio("generate", root, "--episode", "1").returncode == 0
    takes = json.loads(studio("takes", root, "--json").stdout)
    take = next(t for t in takes if t["shot"] != takes[0]["shot"])
    result = studio("lipsync", root, "--take", take["id"])
    assert result.returncode == 1
    assert "has no voiced dialogue: run `studio voice` first" in result.stderr


def test_neural_backends_without_their_models_say_so(voiced, tmp_path: Path) -> None:
    root, _ = voiced
    empty = tmp_path / "models"
    empty.mkdir()
    voice = studio("voice", root, "--backend", "kokoro", models=empty)
    assert voice.returncode == 1
    assert "no usable Kokoro voice model is installed (installed: none)" in voice.stderr
    sync = studio("lipsync", root, "--episode", "1", "--backend", "musetalk", "--model", "mt",
                  models=empty)  # fmt: skip
    assert sync.returncode == 1
    assert "no usable MuseTalk model named 'mt' is installed (installed: none)" in sync.stderr
