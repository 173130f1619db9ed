"""Voice and lip-sync speed on this CPU: what a newcomer's demo and a season's batch cost.

(a) TTS real-time factor of the built-in espeak-ng backend: seconds of work per second of
    speech, for English and Chinese lines, through the backend as the worker runs it
    (synthesis, trimming, resampling to 48 kHz, writing the WAV). Goal ≤ 0.05.
(b) Lip-sync throughput of the built-in viseme backend on footage at 720×1280: a real photo of a
    face, moving a little, as a 24 fps take synced to a spoken line at 30 fps (decode, conform,
    face tracking, mouth warp, encode with the sound), beside a bare decode + encode of the same
    frames with the same settings. Goal ≥ 30 frames/s. Also the animatic redraw.

Reports; does not assert.

    .venv/bin/python bench/voice.py [--runs 5] [--seconds 6]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from studio.core.kinds import Backend  # noqa: E402
from studio.core.request import (  # noqa: E402
    CameraMotion,
    ImageRequest,
    LipSyncRequest,
    Request,
    ShotBrief,
    SpokenLine,
    VideoRequest,
    VoiceRequest,
)
from studio.core.speech_timing import SpeechTiming  # noqa: E402
from studio.engine.backends.base import RunContext  # noqa: E402
from studio.media.ffmpeg import VideoWriter, read_frames  # noqa: E402
from studio.voice.lipsync import PRESET, VisemeBackend  # noqa: E402
from studio.voice.tts_backends import EspeakBackend  # noqa: E402

LINES = {
    "en": [
        "I'm just here for a delivery.",
        "You should have stayed in the rain, Maya. Nobody would have found you there.",
        "One year. You play my fiancée, I give you back your father's company.",
        "Why me?",
    ],
    "zh": ["你去哪儿了？我找了你一整夜。", "一年。你假装我的未婚妻，我把你父亲的公司还给你。"],
}


def context(root: Path, output: Path) -> RunContext:
    return RunContext(root, root / "models", output, None, lambda *a: None, lambda: False)


def tts(root: Path, runs: int) -> dict[str, float]:
    backend, out = EspeakBackend(), {}
    for language, lines in LINES.items():
        work = heard = 0.0
        for run in range(runs):
            for i, text in enumerate(lines):
                request = VoiceRequest(
                    shot_id="sh-1", line=i, character="A", text=text, language=language
                )
                start = time.perf_counter()
                rendered = backend.run(request, context(root, root / f"l{run}-{i}.wav"))
                work += time.perf_counter() - start
                heard += rendered.facts["timing"]["samples"] / 48000
        out[language] = work / heard
    return out


def speak(root: Path, seconds: float) -> SpokenLine:
    text = " ".join(LINES["en"]) * max(1, round(seconds / 10))
    wav = root / "line.wav"
    rendered = EspeakBackend().run(
        VoiceRequest(shot_id="sh-1", line=0, character="A", text=text), context(root, wav)
    )
    timing = SpeechTiming.from_json(rendered.facts["timing"])
    (root / "line.json").write_text(json.dumps(timing.to_json()))
    return SpokenLine("line.wav", "line.json", 4800, "A")


def footage(root: Path, frames: int) -> str:
    """A 720×1280 take at 24 fps: the astronaut's face, drifting a few pixels (a slow push)."""
    import cv2
    from skimage import data

    face = cv2.resize(data.astronaut(), (720, 720))
    with VideoWriter(root / "src.mp4", 720, 1280, "24/1", preset=PRESET) as writer:
        for i in range(frames):
            canvas = np.full((1280, 720, 3), 40, np.uint8)
            dy = 240 + i // 6
            canvas[dy : dy + 720] = np.roll(face, i // 8, axis=1)
            writer.write(canvas)
    return "src.mp4"


def bare(root: Path, frames: int) -> float:
    """Decode the take and encode it again, same settings and sound: the floor for (b)."""
    start = time.perf_counter()
    with VideoWriter(
        root / "bare.mp4", 720, 1280, "30/1", preset=PRESET, audio=root / "line.wav"
    ) as w:
        for i, frame in enumerate(read_frames(root / "src.mp4")):
            w.write(frame)
            if i + 1 == frames:
                break
    return time.perf_counter() - start


def lipsync(root: Path, line: SpokenLine, frames: int, source: Request, media: str) -> float:
    request = LipSyncRequest(
        shot_id="sh-1", source_take="tk-1", source_media=media, source_request=source,
        lines=(line,), frames=frames,
    )  # fmt: skip
    start = time.perf_counter()
    VisemeBackend().run(request, context(root, root / "synced.mp4"))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0, help="length of the synced shot")
    args = parser.parse_args()
    frames = round(args.seconds * 30)
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        root = Path(tmp)
        rtf = tts(root, args.runs)
        line = speak(root, args.seconds)
        media = footage(root, round(args.seconds * 24) + 1)
        animatic = ImageRequest(
            shot_id="sh-1", backend=Backend.ANIMATIC, camera_motion=CameraMotion.PUSH_IN,
            brief=ShotBrief(heading="INT. LOBBY", characters=("A",), dialogue=("A: hi",)),
        )  # fmt: skip
        video = VideoRequest(shot_id="sh-1", backend=Backend.DIFFUSERS)
        floor, synced, drawn = [], [], []
        for _ in range(args.runs):
            floor.append(bare(root, frames))
            synced.append(lipsync(root, line, frames, video, media))
            drawn.append(lipsync(root, line, frames, animatic, media))
    f, s, d = (statistics.median(x) for x in (floor, synced, drawn))
    print("(a) TTS real-time factor, espeak-ng backend → 48 kHz WAV (goal ≤ 0.05)")
    print("| language | seconds of work per second of speech |\n|---|---|")
    for language, value in rtf.items():
        print(f"| {language} | {value:.4f} |")
    print(f"\n(b) lip-sync of {frames} frames at 30 fps (median of {args.runs}; goal ≥ 30 fps)")
    print("| run | seconds | frames/s | × bare |\n|---|---|---|---|")
    print(f"| bare decode + encode, 720×1280 | {f:.2f} | {frames / f:.1f} | 1.00 |")
    print(f"| viseme lip-sync on footage, 720×1280 | {s:.2f} | {frames / s:.1f} | {s / f:.2f} |")
    print(f"| viseme redraw of an animatic, 576×1024 | {d:.2f} | {frames / d:.1f} | {d / f:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
