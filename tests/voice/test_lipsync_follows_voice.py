"""The built-in lip-sync on a real photograph opens the mouth with the voice, where the shot
plays it.

A portrait (scikit-image's astronaut) becomes a still take through the app's own import, a line is
spoken by espeak-ng and placed in the shot after its head, the real lip-sync runs, and the result is
measured frame by frame against the voice as the shot places it: the change in the mouth region
follows the voice's loudness, and frames where nothing is heard (the head, the pauses, the tail)
keep the photo's closed mouth.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from studio.app.footage import import_footage
from studio.core.model import DialogueLine, Shot, ShotKind
from studio.core.request import VoiceRequest
from studio.core.speech_timing import SpeechTiming
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE, VoiceClip
from studio.engine.backends.base import RunContext
from studio.media.audio import read_wav
from studio.media.ffmpeg import VideoWriter, read_frames
from studio.voice.face import track_mouths
from studio.voice.lipsync import VisemeBackend
from studio.voice.lipsync_request import lipsync_request
from studio.voice.mouth_warp import mouth_region
from studio.voice.placement import place_lines
from studio.voice.tts_backends import EspeakBackend

pytestmark = pytest.mark.slow
FPS = FrameRate(30)
LINE = "Where were you last night? We waited for hours, and nobody called."
SILENT = 1 / 30  # a frame quieter than this share of the loudest frame's RMS is silence (-30 dB)


def context(root: Path, output: Path) -> RunContext:
    return RunContext(root, root / "models", output, None, lambda *a: None, lambda: False)


def frame_rms(samples: np.ndarray, frames: int) -> np.ndarray:
    """The RMS of each 1/30 s of ``samples`` (48 kHz, from the shot's first sample)."""
    per = SAMPLE_RATE // 30
    padded = np.zeros(frames * per)
    padded[: min(len(samples), len(padded))] = samples[: len(padded)]
    return np.sqrt((padded.reshape(frames, per) ** 2).mean(axis=1))


@pytest.fixture(scope="module")
def synced(tmp_path_factory) -> dict:
    """A voiced shot of the astronaut's photo, lip-synced as the app does it."""
    root = tmp_path_factory.mktemp("project")
    photo = data.astronaut()
    still = root / "astronaut.mp4"
    with VideoWriter(still, photo.shape[1], photo.shape[0], str(FPS)) as writer:
        for _ in range(30):
            writer.write(photo)
    shot = Shot("sh-1", ShotKind.DIALOGUE, "", 30, dialogue=[DialogueLine("EILEEN", LINE)])
    take = import_footage(root, shot, still)

    wav = root / "audio/sh-1/line1.wav"
    wav.parent.mkdir(parents=True)
    voice = VoiceRequest(shot_id="sh-1", line=0, character="EILEEN", text=LINE)
    timing = SpeechTiming.from_json(EspeakBackend().run(voice, context(root, wav)).facts["timing"])
    (root / "audio/sh-1/line1.json").write_text(json.dumps(timing.to_json()))
    media, timing_path = "audio/sh-1/line1.wav", "audio/sh-1/line1.json"
    shot.voice = [VoiceClip(0, "EILEEN", media, timing_path, 0, timing.samples)]
    assert place_lines(shot, FPS) == []
    clip = shot.voice[0]
    assert clip.start > 0  # the line sits after the shot's head

    request = lipsync_request(shot, take, str(FPS))
    out = root / "takes/sh-1/tk-sync.mp4"
    VisemeBackend().run(request, context(root, out))
    frames = list(read_frames(out))
    assert len(frames) == shot.duration_frames

    source = next(iter(read_frames(root / take.media)))
    x0, y0, x1, y1 = mouth_region(track_mouths([source])[0], source.shape)
    mouth = source[y0:y1, x0:x1].astype(float)
    change = np.array([np.abs(f[y0:y1, x0:x1].astype(float) - mouth).mean() for f in frames])

    samples, rate = read_wav(wav)
    assert rate == SAMPLE_RATE
    placed = np.concatenate([np.zeros(clip.start), samples])  # where the shot places the line
    return {
        "change": change,
        "rms": frame_rms(placed, len(frames)),
        "unplaced_rms": frame_rms(samples, len(frames)),
        "head": clip.start * 30 // SAMPLE_RATE,  # whole frames before the line
        "tail": -(-(clip.end * 30) // SAMPLE_RATE),  # the first frame after it
    }


def test_the_mouth_opens_with_the_voice_where_the_shot_places_it(synced) -> None:
    change, rms = synced["change"], synced["rms"]
    r = np.corrcoef(change, rms)[0, 1]
    assert r > 0.5, f"mouth change vs voice loudness: r = {r:.2f}"
    # Measured against the voice as if it began at frame 0, the match falls apart: the mouth
    # follows the line where the shot plays it, after the head.
    unplaced = np.corrcoef(change, synced["unplaced_rms"])[0, 1]
    assert unplaced < r - 0.3, (r, unplaced)


def test_the_mouth_stays_closed_where_nothing_is_heard(synced) -> None:
    change, rms = synced["change"], synced["rms"]
    head, tail = synced["head"], synced["tail"]
    assert head >= 5 and len(change) - tail >= 10  # a head and a tail to check
    floor = np.median(np.concatenate([change[:head], change[tail:]]))  # the re-encode alone
    speaking = np.percentile(change[rms > 0.3 * rms.max()], 90) - floor
    assert speaking > 5.0  # the open mouth is plain to see
    silent = rms < SILENT * rms.max()
    pauses = silent[head:tail]
    assert pauses.sum() >= 2, "the line should pause between its sentences"
    assert silent[:head].all() and silent[tail:].all()  # the head and the tail are silence
    excess = change[silent] - floor
    where = np.flatnonzero(silent)
    assert excess.max() < 0.1 * speaking, dict(zip(where, excess.round(1), strict=True))
