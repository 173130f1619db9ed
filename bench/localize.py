"""Localization on this CPU with the embedded default path: a 30-shot episode taken from its
source language to an exported second language, step by step, and per-line machine translation
with a tiny model; scaled to a 60-episode season (goal: one extra language within 48 hours of
machine time on one workstation).

The episode: 30 shots (20 dialogue lines of two characters, 10 action shots), its source made
first and not counted (animatic takes, espeak-ng voices, CPU lip-sync). Then, each step as a
user runs it (the `studio` command, a fresh process, the worker started as it would be), timed:

1. table: `studio translations export` (XLIFF), the translator's work filled in here, `import`;
2. voice: `studio voice --language es` (espeak-ng's Spanish voice for each character);
3. lip-sync: `studio lipsync --episode 1 --language es` (the CPU viseme lip-sync);
4. export: `studio export --episode 1 --language es` (burned captions, dubbed audio, label).

Machine translation: `studio translate --to pt` with a tiny random-weight M2M100 built here (its
per-line time is the pipeline's overhead, not a real model's; a real OPUS-MT model on a CPU adds
roughly 0.1-0.5 s a line, which the report shows beside it). Reports; does not assert.

    .venv/bin/python bench/localize.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "engine")]

LINES = [
    ("You lied to me.", "Me mentiste."),
    ("I had no choice.", "No tenía otra opción."),
    ("Where is the money?", "¿Dónde está el dinero?"),
    ("Gone. All of it.", "Se fue. Todo."),
    ("Then we are finished.", "Entonces hemos terminado."),
    ("Wait. Listen to me.", "Espera. Escúchame."),
    ("Why should I?", "¿Por qué debería?"),
    ("Because I know who took it.", "Porque sé quién lo tomó."),
    ("Tell me his name.", "Dime su nombre."),
    ("Not here. Not now.", "Aquí no. Ahora no."),
]
SEASON = 60
GOAL_HOURS = 48


def script() -> str:
    parts = ["Title: Glass\n\n# Episode 1\n"]
    for n in range(10):
        parts.append(f"\nINT. LOBBY {n + 1} - NIGHT\n\nRain runs down the glass, beat {n + 1}.\n")
        for who, (line, _) in zip(
            ("MAYA", "ETHAN"), LINES[n * 2 % 10 : n * 2 % 10 + 2], strict=False
        ):
            parts.append(f"\n{who}\n{line}\n")
    return "".join(parts)


def studio(models: Path, *args: object) -> float:
    env = {**os.environ, "STUDIO_MODELS_DIR": str(models), "PYTHONIOENCODING": "utf-8"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "studio", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=REPO)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"studio {' '.join(map(str, args))} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def fill(table: Path) -> int:
    """The translator's work: every unit's target, from :data:`LINES`."""
    spanish = dict(LINES)
    text = table.read_text("utf-8")
    count = 0

    def target(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"{m.group(0)}\n        <target>{spanish[m.group(1)]}</target>"

    text = re.sub(r"<source>([^<]*)</source>", target, text)
    table.write_text(text.replace('state="initial"', 'state="translated"'), "utf-8")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the project in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        models = work / "models"
        (work / "glass.fountain").write_text(script(), "utf-8")
        studio(models, "new", work / "Glass", "--script", work / "glass.fountain",
               "--language", "en")  # fmt: skip
        root = work / "Glass.mdstudio"
        source = {
            "generate": studio(models, "generate", root, "--episode", "1"),
            "voice": studio(models, "voice", root, "--episode", "1"),
            "lipsync": studio(models, "lipsync", root, "--episode", "1"),
        }
        studio(models, "languages", root, "--add", "es,pt")
        table = work / "es.xlf"
        steps = {"table": studio(models, "translations", "export", root, "--to", "es", table)}
        filled = fill(table)
        steps["table"] += studio(models, "translations", "import", root, table)
        steps["voice"] = studio(models, "voice", root, "--episode", "1", "--language", "es")
        steps["lip-sync"] = studio(models, "lipsync", root, "--episode", "1", "--language", "es")
        steps["export"] = studio(models, "export", root, "--episode", "1", "--language", "es")
        from tiny_translation import save_tiny_m2m100

        save_tiny_m2m100(models / "m2m100-tiny")
        translate = studio(models, "translate", root, "--to", "pt")

    print(f"30-shot episode, {filled} dialogue lines (source made first: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in source.items()) + ")")  # fmt: skip
    total = sum(steps.values())
    for name, seconds in steps.items():
        print(f"  {name:<9} {seconds:7.1f} s")
    print(f"  {'total':<9} {total:7.1f} s per episode, from table to exported second language")
    season = total * SEASON / 3600
    print(f"season of {SEASON} episodes: {season:.1f} h of machine time (goal <= {GOAL_HOURS} h: "
          f"{'met' if season <= GOAL_HOURS else 'not met'})")  # fmt: skip
    per_line = translate / filled
    print(f"machine translation, tiny M2M100: {translate:.1f} s for {filled} lines = "
          f"{per_line:.2f} s a line (a process and a worker started included); a season of "
          f"{SEASON * filled} lines at 0.5 s a line more for a real model adds "
          f"{SEASON * filled * 0.5 / 3600:.1f} h")  # fmt: skip


if __name__ == "__main__":
    main()
