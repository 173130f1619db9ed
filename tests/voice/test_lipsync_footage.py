"""The built-in lip-sync on footage: a photograph of a real person as a 16 fps take, synced to a
spoken line at the project's 30 fps. Mouth movements land within one frame of the phonemes over
the whole shot (no drift from the rate change), and a take with no face is left alone."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from studio.core.request import LipSyncRequest, SpokenLine, VideoRequest, VoiceRequest
from studio.core.speech_timing import Mark, SpeechTiming
from studio.core.time import FrameRate
from studio.engine.backends.base import BackendError, RunContext
from studio.media.ffmpeg import VideoWriter, probe, read_frames
from studio.voice.face import track_mouths
from studio.voice.lipsync import VisemeBackend
from studio.voice.mouth_warp import mouth_region
from studio.voice.tts_backends import EspeakBackend
from studio.voice.visemes import mouth_track, openness

pytestmark = pytest.mark.slow
START = 9600  # the line starts 0.2 s into the shot
FRAMES = 150  # 5 s at 30 fps


def context(root: Path, output: Path) -> RunContext:
    return RunContext(root, root / "models", output, None, lambda *a: None, lambda: False)


def still_take(root: Path, image: np.ndarray, seconds: float = 5.0) -> str:
    rel = "takes/sh-1/tk-src.mp4"
    (root / rel).parent.mkdir(parents=True)
    h, w = image.shape[:2]
    with VideoWriter(root / rel, w, h, "16/1") as writer:
        for _ in range(round(16 * seconds)):
            writer.write(image)
    return rel


def voice_line(root: Path, text: str) -> tuple[SpokenLine, SpeechTiming]:
    wav = root / "audio/sh-1/line1.wav"
    wav.parent.mkdir(parents=True)
    request = VoiceRequest(shot_id="sh-1", line=0, character="ANNA", text=text)
    rendered = EspeakBackend().run(request, context(root, wav))
    timing = SpeechTiming.from_json(rendered.facts["timing"])
    (root / "audio/sh-1/line1.json").write_text(json.dumps(timing.to_json()))
    return SpokenLine("audio/sh-1/line1.wav", "audio/sh-1/line1.json", START, "ANNA"), timing


def lipsync(root: Path, media: str, line: SpokenLine) -> tuple[LipSyncRequest, Path]:
    request = LipSyncRequest(
        shot_id="sh-1", source_take="tk-src", source_media=media,
        source_request=VideoRequest(shot_id="sh-1", backend="diffusers"), lines=(line,),
        frames=FRAMES,
    )  # fmt: skip
    return request, root / "takes/sh-1/tk-sync.mp4"


def test_mouth_follows_the_phonemes_within_a_frame_across_a_rate_change(tmp_path: Path) -> None:
    photo = data.astronaut()
    media = still_take(tmp_path, photo)
    line, timing = voice_line(tmp_path, "Bob, papa made a map. Mama, open the bottom box!")
    request, out = lipsync(tmp_path, media, line)
    rendered = VisemeBackend().run(request, context(tmp_path, out))
    assert (rendered.frames, rendered.fps) == (FRAMES, "30/1")
    info = probe(out)
    assert (info.fps, info.frames, info.has_audio) == ("30/1", FRAMES, True)

    box = track_mouths([photo])[0]
    x0, y0, x1, y1 = mouth_region(box, photo.shape)
    still = photo[y0:y1, x0:x1].astype(float).mean(axis=2)
    change = np.array(
        [
            np.abs(f[y0:y1, x0:x1].astype(float).mean(axis=2) - still).mean()
            for f in read_frames(out)
        ]
    )
    marks = [Mark(m.start + START, m.end + START, m.text) for m in timing.phonemes]
    expected = np.array(openness(mouth_track(marks, 48000, FrameRate(30), FRAMES)))
    assert np.corrcoef(change, expected)[0, 1] > 0.9

    # Every time the mouth should open or shut, the picture does so within one frame.
    measured_open = change > change.min() + 0.25 * (change.max() - change.min())
    expected_open = expected > 0.2
    events = np.flatnonzero(np.diff(expected_open.astype(int)))
    assert len(events) >= 8 and events[-1] > FRAMES * 0.6  # closures spread over the shot
    for e in events:
        window = measured_open[max(e - 1, 0) : e + 3]
        assert window.any() and not window.all(), f"no matching change near frame {e + 1}"


def test_a_take_with_no_face_is_left_alone(tmp_path: Path) -> None:
    media = still_take(tmp_path, data.coffee()[:400, :600], seconds=2.0)
    line, _ = voice_line(tmp_path, "Hello there.")
    request, out = lipsync(tmp_path, media, line)
    with pytest.raises(BackendError, match=r"^no lip-sync: no face found: .*left unchanged"):
        VisemeBackend().run(request, context(tmp_path, out))
    assert not out.exists()
    assert probe(tmp_path / media).frames == 32  # the source take is untouched
