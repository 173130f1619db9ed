"""How fast a big project opens and saves.

Builds a project of 100 episodes x 40 shots x 3 takes (4,000 shots, 12,000 takes with
realistic generation requests, every media file present) in a temporary folder, then times
``open_project`` and ``ProjectFolder.save`` (median of 5 runs each) against the targets.
Reports; does not assert (exit status 0). ``--scale 3`` triples the shots per episode.

    .venv/bin/python bench/project_scale.py
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.core.atomic import write_atomic
from studio.core.kinds import Backend
from studio.core.model import (
    Character,
    DialogueLine,
    Episode,
    Project,
    Scene,
    Shot,
    ShotKind,
    Take,
    TakeState,
)
from studio.core.paths import check_project
from studio.core.request import ShotBrief, VideoRequest
from studio.core.store import create_project, open_project

EPISODES, SCENES, SHOTS_PER_SCENE, TAKES = 100, 4, 10, 3
RUNS = 5
OPEN_TARGET_S, SAVE_TARGET_S = 1.0, 0.3
STATES = (TakeState.APPROVED, TakeState.DONE, TakeState.REJECTED)


def request(n: int, shot_id: str) -> VideoRequest:
    """A generation request as a real one is (its JSON has 21 keys)."""
    return VideoRequest(
        shot_id=shot_id,
        backend=Backend.DIFFUSERS,
        model="Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
        model_hash=f"{n * 2654435761 % 2**64:016x}" * 4,
        prompt=(
            "Rain-soaked neon street at night, close-up on ELENA as she turns to MARCO, "
            f"tears mixing with rain, cinematic lighting, shallow depth of field, shot {n}"
        ),
        negative_prompt="blurry, low quality, watermark, text, extra fingers",
        seed=1_000_003 * n % 2**31,
        steps=30,
        guidance=5.5,
        width=480,
        height=832,
        frames=81,
        fps="16/1",
        scheduler="UniPCMultistepScheduler",
        references=("characters/elena.png", "characters/marco.png"),
        brief=ShotBrief("EXT. NEON STREET - NIGHT", "Elena turns.", "close-up", ("ELENA",)),
    )


def build_project(scenes_per_episode: int) -> Project:
    episodes, n = [], 0
    for e in range(1, EPISODES + 1):
        scenes = []
        for s in range(1, scenes_per_episode + 1):
            shots = []
            for _ in range(SHOTS_PER_SCENE):
                n += 1
                shot_id = f"sh-{n:08x}"
                takes = [
                    Take(
                        id=f"tk-{n:08x}{t}",
                        media=f"takes/{shot_id}/tk-{n:08x}{t}.mp4",
                        request=request(n * TAKES + t, shot_id),
                        state=STATES[t % len(STATES)],
                        notes="hands look wrong" if t == 2 else "",
                        gpu_seconds=41.5 + t,
                        created="2025-03-01T10:00:00+00:00",
                    )
                    for t in range(TAKES)
                ]
                shots.append(
                    Shot(
                        id=shot_id,
                        kind=ShotKind.DIALOGUE,
                        description="Elena turns to face Marco under the dripping awning.",
                        duration_frames=96,
                        source_lines=(n * 3, n * 3 + 2),
                        framing="close-up",
                        characters=["ELENA", "MARCO"],
                        dialogue=[DialogueLine("ELENA", "You said you would come back.")],
                        takes=takes,
                    )
                )
            scenes.append(Scene(heading=f"EXT. NEON STREET - NIGHT {s}", index=s, shots=shots))
        episodes.append(Episode(number=e, title=f"Episode {e}", scenes=scenes))
    cast = [Character("ELENA", "lead"), Character("MARCO", "the one who left")]
    return Project(title="Rain", characters=cast, episodes=episodes)


def write_media(root: Path, project: Project) -> int:
    """An empty file for every take: present for the checks, without 36,000 blocks of I/O."""
    count = 0
    for shot in project.shots():
        (root / "takes" / shot.id).mkdir(parents=True, exist_ok=True)
        for take in shot.takes:
            os.close(os.open(root / take.media, os.O_WRONLY | os.O_CREAT, 0o644))
            count += 1
    return count


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(root: Path) -> dict[str, list[float]]:
    """Each run opens the project, edits it, saves, edits again and saves again."""
    runs: dict[str, list[float]] = {}
    for _ in range(RUNS):
        start = time.perf_counter()
        with open_project(root) as opened:
            runs.setdefault("open", []).append(time.perf_counter() - start)
            if opened.problems:
                raise SystemExit(f"unexpected problems: {opened.problems[:3]}")
            opened.project.episodes[0].title = "Edited"
            runs.setdefault("save", []).append(timed(opened.save))
            opened.project.find_shot("sh-00000001").approve("tk-000000012")
            runs.setdefault("save again", []).append(timed(opened.save))
            # The parts that the disk decides, timed alone.
            copy = root / "copy.json"
            runs.setdefault("write", []).append(
                timed(partial(write_atomic, copy, (root / "project.json").read_bytes()))
            )
            copy.unlink()
            runs.setdefault("paths", []).append(timed(lambda: check_project(root, opened.project)))
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="multiply the shots per episode")
    scenes = SCENES * max(parser.parse_args().scale, 1)
    with tempfile.TemporaryDirectory(prefix="mdstudio-bench-") as tmp:
        root = Path(tmp) / "Scale.mdstudio"
        t0 = time.perf_counter()
        project = build_project(scenes)
        create_project(root, project).close()
        t1 = time.perf_counter()
        files = write_media(root, project)
        t2 = time.perf_counter()
        runs = measure(root)
        size = (root / "project.json").stat().st_size
        lines = (root / "project.json").read_bytes().count(b"\n")

    shots = EPISODES * scenes * SHOTS_PER_SCENE
    print(f"project: {EPISODES} episodes, {shots:,} shots, {shots * TAKES:,} takes, ", end="")
    print(f"{files:,} media files")
    print(f"setup:   model and project.json {t1 - t0:.1f} s, media files {t2 - t1:.1f} s")
    print(f"machine: {platform.python_implementation()} {platform.python_version()}, ", end="")
    print(f"{os.cpu_count()} CPUs, {platform.machine()}")
    print()
    print(f"{'figure':<40}{'median':>9}{'min':>9}{'target':>9}{'ratio':>7}  verdict")
    for key, name, target in (
        ("open", "open", OPEN_TARGET_S),
        ("paths", f"  of it: checking {files:,} media paths", None),
        ("save", "first save after open (one edit)", SAVE_TARGET_S),
        ("save again", "next save (one more edit)", SAVE_TARGET_S),
        ("write", f"  of each: writing {size / 1e6:.0f} MB + fsync", None),
    ):
        median, least = statistics.median(runs[key]), min(runs[key])
        row = f"{name:<40}{median:>7.3f} s{least:>7.3f} s"
        if target is not None:
            verdict = "PASS" if median <= target else "OVER"
            row += f"{target:>7.2f} s{median / target:>7.2f}  {verdict}"
        print(row)
    print(f"{'project.json':<40}{size / 1e6:>6.2f} MB  ({lines:,} lines)")
    print(f"(median and min of {RUNS} runs; verdicts on the median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
