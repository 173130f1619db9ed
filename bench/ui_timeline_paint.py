"""How long the shot timeline takes to paint a whole season.

The season is one episode of 600 shots (30 scenes of 20; 45–120 frames each, about 7 minutes at
30 fps) — the timeline shows one episode, so this is the worst case: every shot can be on screen
at once. Shots cycle through the five states; each has one or two dialogue lines (captions), half
of them voiced (waveforms of real WAVs), and the finished takes are real MP4s (thumbnails). The
timeline is 1920 px wide; before timing, the thumbnails and waveforms are made and cached.

For 1, 5 and all 600 shots across the width, the view is moved over the season (a different
stretch each run) and the canvas repainted: ``paint`` is the paintEvent's own time, ``repaint``
the whole synchronous repaint (wall clock, and the GUI thread's CPU time, which other
processes on a busy machine do not inflate). Goal: under 16 ms. Reports; does not assert.

    .venv/bin/python bench/ui_timeline_paint.py [--runs 200] [--width 1920]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.core.model import (  # noqa: E402
    DialogueLine,
    Episode,
    Project,
    Scene,
    Shot,
    ShotKind,
    Take,
    TakeState,
)
from studio.core.store import create_project  # noqa: E402
from studio.core.voicing import SAMPLE_RATE, VoiceClip  # noqa: E402
from studio.media.audio import write_wav  # noqa: E402
from studio.media.ffmpeg import VideoWriter  # noqa: E402
from studio.ui.session import Session  # noqa: E402
from studio.ui.theme import apply_dark_theme  # noqa: E402
from studio.ui.timeline import timeline_layout as tl  # noqa: E402
from studio.ui.timeline.timeline import TimelineView  # noqa: E402

SHOTS = 600
VIDEOS, WAVS = 4, 3


def write_media(root: Path) -> None:
    for n in range(VIDEOS):
        with VideoWriter(root / "takes" / f"take{n}.mp4", 108, 192) as video:
            frame = np.full((192, 108, 3), (60 * n, 200 - 40 * n, 90), np.uint8)
            for _ in range(3):
                video.write(frame)
    t = np.arange(2 * SAMPLE_RATE) / SAMPLE_RATE
    for n in range(WAVS):
        speech = np.sin(2 * np.pi * (150 + 50 * n) * t) * np.abs(np.sin(2 * np.pi * 2.5 * t))
        write_wav(root / "audio" / f"line{n}.wav", 0.7 * speech)


def make_shot(i: int, rng: np.random.Generator) -> Shot:
    frames = int(rng.integers(45, 121))
    media = f"takes/take{i % VIDEOS}.mp4"
    takes = [
        [],
        [Take(f"t{i}", state=TakeState.RUNNING)],
        [Take(f"t{i}", media=media, state=TakeState.DONE)],
        [Take(f"t{i}", media=media, state=TakeState.APPROVED)],
        [Take(f"t{i}", media=media, state=TakeState.DONE)],
    ][i % 5]
    lines = [DialogueLine("MARA", f"Line {i}: where were you last night?")]
    if i % 3 == 0:
        lines.append(DialogueLine("JON", "Nowhere you would know."))
    voice = []
    if i % 2 == 0:
        samples = min(2 * SAMPLE_RATE, frames * SAMPLE_RATE // 30 - 4800)
        voice = [VoiceClip(0, "MARA", f"audio/line{i % WAVS}.wav", "", 4800, samples)]
    return Shot(f"sh-{i:04d}", ShotKind.DIALOGUE, f"Shot {i}: Mara at the window", frames,
                dialogue=lines, takes=takes, voice=voice, changed=i % 5 == 4)  # fmt: skip


def build(root: Path) -> None:
    rng = np.random.default_rng(7)
    shots = [make_shot(i, rng) for i in range(SHOTS)]
    scenes = [Scene(f"INT. ROOM {n}", n + 1, shots=shots[n * 20 : n * 20 + 20]) for n in range(30)]
    project = Project("Bench season", episodes=[Episode(1, "Season", scenes)])
    create_project(root, project).close()
    write_media(root)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else 0


def measure(app: QApplication, view: TimelineView, visible: int, runs: int) -> tuple[list, ...]:
    canvas = view.canvas
    starts = list(canvas.starts)
    positions = [round(k * (SHOTS - visible) / max(1, runs - 1)) for k in range(runs)]

    def show(first: int) -> None:
        span = starts[first + visible] - starts[first]
        ppf = (canvas.view.width - 2 * tl.LEFT) / span
        canvas.set_view(ppf, starts[first] * ppf)

    for first in positions:  # warm: thumbnails and waveforms made and cached
        show(first)
        canvas.repaint()
    while view.media.busy():
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    paints, repaints, cpu = [], [], []
    for first in positions:
        show(first)
        began, began_cpu = time.perf_counter(), time.thread_time()
        canvas.repaint()
        repaints.append(time.perf_counter() - began)
        cpu.append(time.thread_time() - began_cpu)
        paints.append(canvas.paint_seconds)
    return paints, repaints, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--width", type=int, default=1920)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    apply_dark_theme(app)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "season.mdstudio"
        build(root)
        session = Session()
        session.open(root)
        view = TimelineView(session)
        view.resize(args.width, 240)
        view.show()
        app.processEvents()
        platform = os.environ.get("QT_QPA_PLATFORM", "")
        print(f"{SHOTS} shots, {session.duration()} frames, canvas {view.canvas.width()} px wide, "
              f"{args.runs} repaints each, QT_QPA_PLATFORM={platform}")  # fmt: skip
        print("visible   paint p50/p95 ms   repaint p50/p95 ms   repaint cpu p50/p95 ms")
        for visible in (1, 5, SHOTS):
            times = measure(app, view, visible, args.runs)
            ms = [f"{1000 * percentile(t, 50):6.2f} {1000 * percentile(t, 95):6.2f}" for t in times]
            print(f"{visible:7d}   {ms[0]:>16}   {ms[1]:>18}   {ms[2]:>22}")
        view.close()
        session.close()


if __name__ == "__main__":
    main()
