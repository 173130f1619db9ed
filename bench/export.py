"""What shipping an episode costs beside a bare encode, and what changing one shot costs.

The bench project (built through the real ``studio`` command: ``new`` from a generated Fountain
script of 15 scenes, ``voice`` with espeak-ng, ``generate`` with the animatic backend) is one
episode of 30 shots, about 90 s, at the shorts size 1080×1920, 30 fps. Then, side by side:

- bare: ONE ffmpeg command reading the 30 exported takes, each fitted as the export fits it
  (setpts, lanczos scale to bt709, crop at the shot's focus, setsar, fps, tpad clone) and trimmed
  to its frames, joined by the concat filter, with the episode mix (a WAV made beforehand, not
  timed) as AAC 192 kb/s 48 kHz stereo; exactly ``x264_output_options`` and ``+faststart``.
  No captions, no label, no loudness normalization, no cover: the floor.
- full: ``export_episode`` with a cold segment cache, preset shorts, default options (captions
  burned and sidecar, labels, cover).
- re-export: one shot's focus changed (``studio export-setup --shot --focus``), then exported
  again with the warm cache (one segment encoded).

Goals: (a) full ≤ 1.10 × bare; (b) re-export ≤ 0.10 × full. Reports; does not assert.

    .venv/bin/python bench/export.py [--repeat 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import ffmpeg  # ffmpeg-python, as studio.media.segments builds its commands

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from studio.core.store import open_project  # noqa: E402
from studio.core.voicing import SAMPLE_RATE  # noqa: E402
from studio.media.audio import write_wav  # noqa: E402
from studio.media.episode_export import (  # noqa: E402
    CACHE,
    ExportEvent,
    ExportOptions,
    export_episode,
)
from studio.media.episode_mix import episode_mixdown  # noqa: E402
from studio.media.export_plan import EpisodePlan, plan_episode  # noqa: E402
from studio.media.ffmpeg import ffmpeg_exe, probe, run_ffmpeg  # noqa: E402
from studio.media.fit import fit  # noqa: E402
from studio.media.presets import PRESETS  # noqa: E402
from studio.media.segments import x264_output_options  # noqa: E402

PRESET = PRESETS["shorts"]
FULL_GOAL, REEXPORT_GOAL = 1.10, 0.10

ACTIONS = [
    "Rain hammers the glass while Maya waits by the front desk.",
    "Ethan steps out of the elevator and straightens his cuff.",
    "A courier bike lies on its side in the flooded street.",
    "The lobby lights flicker and the night guard looks up.",
    "Maya pulls an envelope from her soaked canvas bag.",
    "Wind pulls at the laundry lines strung across the roof.",
    "Ethan leans on the railing above the sleeping city.",
    "A phone buzzes twice on the concrete ledge and goes dark.",
    "Steam rises from the kitchen as the cooks shout orders.",
    "Maya ties her apron and slips past the head chef.",
    "The boardroom doors swing open onto twelve silent faces.",
    "Ethan drops a folder on the table and sits down.",
    "Snow falls on the empty square outside the old bank.",
    "Maya reads the contract under a streetlamp, lips moving.",
    "The car pulls up, and the rear window slides down.",
]
LINES = [
    ("MAYA", "I am only here for a delivery, so please sign right here."),
    ("ETHAN", "Then deliver it quickly, and go back out into the rain."),
    ("MAYA", "Somebody ran me off the road, and you know exactly who."),
    ("ETHAN", "Nobody in this building would ever bother with a courier."),
    ("MAYA", "This letter has your name on it, and my father's seal."),
    ("ETHAN", "You came back again, and I still do not know why."),
    ("MAYA", "Because you owe me an answer, and I will wait for it."),
    ("ETHAN", "That message was never meant for you to read, Maya."),
    ("MAYA", "Table six sent back the soup, and the chef is furious."),
    ("ETHAN", "Tell him the owner is eating tonight, and smile nicely."),
    ("MAYA", "I am not here to take notes for any of you today."),
    ("ETHAN", "One year, you play my fiancee, and I return the company."),
    ("MAYA", "My father built that bank with his own two hands, Ethan."),
    ("ETHAN", "Sign it, and the debts disappear before the spring comes."),
    ("MAYA", "Open the door, because I am finally ready to talk now."),
]


@dataclass
class Run:
    seconds: float
    encoded: int  # segments encoded
    reused: int  # segments taken from the cache
    video: Path
    stages: dict[str, float]  # seconds in each stage: plan, video, audio, join, extras


def fountain() -> str:
    """One episode of 15 scenes: an action line and a line of dialogue each (30 shots)."""
    parts = ["Title: Export Bench\n\n# Episode 1\n"]
    for k, (action, (who, said)) in enumerate(zip(ACTIONS, LINES, strict=True)):
        place = "INT." if k % 2 == 0 else "EXT."
        parts.append(f"{place} PLACE {k + 1} - NIGHT\n\n{action}\n\n{who}\n{said}\n")
    return "\n".join(parts)


def studio(*args: object) -> None:
    """``studio ARGS`` in a fresh process, as a user runs it; SystemExit with its stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        capture_output=True, text=True, cwd=REPO, timeout=1800,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"studio {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def build(folder: Path) -> Path:
    """The bench project in ``folder`` (made unless already there); its root."""
    root = folder / "Bench.mdstudio"
    if (root / "project.json").is_file():
        print(f"reusing {root}")
        return root
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "bench.fountain"
    script.write_text(fountain(), encoding="utf-8")
    start = time.perf_counter()
    studio("new", folder / "Bench", "--script", script)
    studio("voice", root)  # first: dialogue shots take their voiced length, takes then match it
    studio("generate", root)
    print(f"built {root} in {time.perf_counter() - start:.0f} s (new, voice, generate)")
    return root


def mix_wav(root: Path, out: Path) -> None:
    """The episode mix as the export makes it, before loudness normalization."""
    with open_project(root, read_only=True) as folder:
        project = folder.project
        audio, _ = episode_mixdown(root, project.fps, project.episode(1))
    write_wav(out, audio, SAMPLE_RATE)


def bare_command(plan: EpisodePlan, wav: Path, out: Path) -> list[str]:
    """One ffmpeg command: every take fitted, conformed and trimmed, concatenated, with the mix."""
    rate = PRESET.rate(plan.fps)
    starts = [cut.start for cut in plan.cuts] + [plan.frames]
    bounds = [round(plan.fps.seconds(s) * rate.fraction) for s in starts]
    parts = []
    for k, cut in enumerate(plan.cuts):
        info = probe(cut.media)
        g = fit((info.width, info.height), (PRESET.width, PRESET.height), cut.focus)
        parts.append(
            ffmpeg.input(str(cut.media))
            .video.filter("setpts", "PTS-STARTPTS")
            .filter("scale", g.scaled_width, g.scaled_height, flags="lanczos",
                    out_color_matrix="bt709", out_range="tv")
            .filter("crop", g.width, g.height, g.x, g.y)
            .filter("setsar", "1")
            .filter("fps", fps=str(rate))
            .filter("tpad", stop_mode="clone", stop=-1)
            .filter("trim", end_frame=bounds[k + 1] - bounds[k])
            .filter("setpts", "PTS-STARTPTS")
        )  # fmt: skip
    video = ffmpeg.concat(*parts, v=1, a=0).filter("format", "yuv420p")
    audio = ffmpeg.input(str(wav)).audio
    sound = {"c:a": "aac", "b:a": f"{PRESET.audio_bitrate}k", "ar": SAMPLE_RATE, "ac": 2}
    stream = ffmpeg.output(
        video, audio, str(out), f="mp4", movflags="+faststart", **{"frames:v": bounds[-1]},
        **sound, **x264_output_options(PRESET, rate),
    )  # fmt: skip
    return ["-loglevel", "error", *ffmpeg.compile(stream, cmd=ffmpeg_exe())[1:]]


def time_bare(args: list[str]) -> float:
    start = time.perf_counter()
    run_ffmpeg(args, "encode the bare episode")
    return time.perf_counter() - start


def time_export(root: Path, *, cold: bool) -> Run:
    """One export of episode 1 (the cache emptied first when ``cold``)."""
    if cold:
        shutil.rmtree(root / CACHE / f"episode-1-{PRESET.name}", ignore_errors=True)
    stages: dict[str, float] = {}

    def on_event(event: ExportEvent) -> None:
        stages.setdefault(event.stage, time.perf_counter())

    start = time.perf_counter()
    with open_project(root, read_only=True) as folder:
        result = export_episode(
            root, folder.project, 1, options=ExportOptions(preset=PRESET), on_event=on_event
        )
    end = time.perf_counter()
    marks = [*sorted(stages.items(), key=lambda item: item[1]), ("end", end)]
    spent = {a: tb - ta for (a, ta), (_, tb) in itertools.pairwise(marks) if a != "done"}
    return Run(end - start, result.segments_encoded, result.segments_reused,
               result.files["video"], spent)  # fmt: skip


def change_focus(root: Path, shot_id: str) -> str:
    """Set another focus on ``shot_id`` through ``studio export-setup``; the new focus."""
    with open_project(root, read_only=True) as folder:
        shot = next(s for s in folder.project.episode(1).shots() if s.id == shot_id)
    focus = "0.7,0.5" if tuple(shot.focus) == (0.3, 0.5) else "0.3,0.5"
    studio("export-setup", root, "--shot", shot_id, "--focus", focus)
    return focus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (median)")
    parser.add_argument("--keep", type=Path, help="build the project here (or reuse it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = args.keep.resolve() if args.keep else Path(tmp)
        return bench(build(folder), Path(tmp), max(1, args.repeat))


def bench(root: Path, tmp: Path, repeat: int) -> int:
    with open_project(root, read_only=True) as folder:
        plan = plan_episode(root, folder.project, 1)
        kinds = {s.id: s.kind.value for s in folder.project.episode(1).shots()}
    seconds = float(plan.seconds)
    print(f"episode: {len(plan.cuts)} shots, {seconds:.2f} s, {plan.frames} frames at {plan.fps}")
    if len(plan.cuts) != 30 or not 85 <= seconds <= 95:
        print("note: the bench aims at 30 shots and 85–95 s; this project differs")
    first = probe(plan.cuts[0].media)
    print(f"takes: {first.width}×{first.height} (animatic) → {PRESET.width}×{PRESET.height}")
    wav, bare_out = tmp / "mix.wav", tmp / "bare.mp4"
    mix_wav(root, wav)
    command = bare_command(plan, wav, bare_out)
    changed = plan.cuts[len(plan.cuts) // 2].shot_id
    load = os.getloadavg()[0]
    bare: list[float] = []
    full: list[Run] = []
    again: list[Run] = []
    for r in range(repeat):  # alternate which goes first
        if r % 2 == 0:
            bare.append(time_bare(command))
            full.append(time_export(root, cold=True))
        else:
            full.append(time_export(root, cold=True))
            bare.append(time_bare(command))
        change_focus(root, changed)
        again.append(time_export(root, cold=False))
    print(f"\n{os.cpu_count()} CPU cores (load average {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after); preset shorts (x264 {PRESET.x264_preset}, "
          f"CRF {PRESET.crf}); median of {repeat} run{'s' * (repeat > 1)}")  # fmt: skip
    report(bare, full, again, probe(bare_out).frames)
    print(f"\nchanged shot: {changed} ({kinds[changed]}); segments encoded on re-export: "
          f"{', '.join(str(run.encoded) for run in again)} (expected 1)")  # fmt: skip
    return 0


def report(bare: list[float], full: list[Run], again: list[Run], bare_frames: int) -> None:
    """The table, where the export's time went, and the verdicts."""
    b = statistics.median(bare)
    f = statistics.median(run.seconds for run in full)
    a = statistics.median(run.seconds for run in again)
    frames = probe(full[-1].video).frames
    print("| run | seconds | × bare | × full | segments encoded / reused | frames |")
    print("|---|---|---|---|---|---|")
    print(f"| bare ffmpeg encode (one command) | {b:.1f} | 1.00 | {b / f:.2f} | – | "
          f"{bare_frames} |")  # fmt: skip
    for name, runs, s in (("full export, cold cache", full, f),
                          ("re-export, one shot's focus changed", again, a)):  # fmt: skip
        print(f"| {name} | {s:.1f} | {s / b:.2f} | {s / f:.3f} | "
              f"{runs[-1].encoded} / {runs[-1].reused} | {frames} |")  # fmt: skip
    if len(bare) > 1:
        each = [("bare", bare), ("full", [r.seconds for r in full]),
                ("re-export", [r.seconds for r in again])]  # fmt: skip
        print(
            "each run: " + "; ".join(f"{n} {', '.join(f'{x:.1f}' for x in xs)}" for n, xs in each)
        )
    print("\nwhere the time went (seconds, median):")
    print("| stage | full export | re-export |\n|---|---|---|")
    for stage in ("plan", "video", "audio", "join", "extras"):
        cold = statistics.median(run.stages.get(stage, 0.0) for run in full)
        warm = statistics.median(run.stages.get(stage, 0.0) for run in again)
        print(f"| {stage} | {cold:.2f} | {warm:.2f} |")
    verdict = {True: "met", False: "NOT met"}
    print(
        f"\n(a) full / bare = {f / b:.2f}  (goal ≤ {FULL_GOAL:.2f}: {verdict[f / b <= FULL_GOAL]})"
    )
    print(f"(b) re-export / full = {a / f:.3f}  (goal ≤ {REEXPORT_GOAL:.2f}: "
          f"{verdict[a / f <= REEXPORT_GOAL]})")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
