"""``studio pacing``: hook, turns, cliffhanger, shot lengths and caption speed per episode.

Flags are findings, not errors: the command exits 0 whatever it finds; a project, episode or
preset it cannot read is an error (exit 1).
"""

from __future__ import annotations

import argparse
from typing import Any

from studio.cli.common import CliError, add_command, failing, print_json
from studio.core.pacing import EpisodePacing


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "pacing",
        cmd_pacing,
        "pacing per episode: hook, longest stretch without a turn, cliffhanger, shot lengths, "
        "caption speed",
    )
    p.add_argument("project", help="project folder")
    p.add_argument("--episode", type=int, metavar="N", help="only this episode")
    p.add_argument(
        "--preset",
        metavar="FILE",
        help="thresholds (JSON) over the default and the project's pacing.json",
    )
    p.add_argument("--json", action="store_true", help="print the findings as JSON")


def cmd_pacing(args: argparse.Namespace) -> int:
    from studio.app.pacing import load_pacing_preset, project_pacing
    from studio.core.store import open_project, resolve_root

    root = resolve_root(args.project)
    with open_project(root, read_only=True) as folder:
        project, root = folder.project, folder.root
    preset = failing(load_pacing_preset, root, args.preset)
    results = failing(project_pacing, project, root, preset, args.episode)
    if not results:
        raise CliError("the project has no episodes (import a script first)")
    if args.json:
        print_json([r.to_json() for r in results])
    else:
        print("\n\n".join(_text(r) for r in results))
    return 0


def _text(r: EpisodePacing) -> str:
    from studio.cli.table import clip, render
    from studio.core.titles import episode_name

    p = r.preset
    head = f"{episode_name(r.number, r.title, ' — ')}  ({_sec(r.seconds)})"
    gap = r.longest_gap
    ending = clip(", ".join(f"{t.kind} {t.detail} at {_sec(t.seconds)}" for t in r.ending), 50)
    share = r.sound_off_share
    rows = [
        ["hook", _sec(r.hook) + (f" ({r.hook_source})" if r.hook_source else ""),
         f"≤ {p.hook_max_seconds:g} s", _mark(r.hook_flag)],
        ["longest stretch without a turn",
         "-" if gap is None else f"{_sec(gap.seconds)} ({_sec(gap.start)}–{_sec(gap.end)})",
         f"≤ {p.turn_gap_max_seconds:g} s", _mark(bool(r.long_gaps))],
        ["turns", str(len(r.turns)), "", ""],
        [f"unresolved in final {p.final_window_seconds:g} s", ending or "none", "",
         _mark(r.ending_flag)],
        ["shot length median", _sec(r.shot_median), "", ""],
        ["shot length 95th percentile", _sec(r.shot_p95), "", ""],
        ["cuts per minute", _num(r.cuts_per_minute), "", ""],
        ["caption characters/s (max)", _num(r.max_cps), f"≤ {p.caption_cps_max:g}",
         _mark(bool(r.fast_lines))],
        ["sound-off readability",
         "-" if share is None else f"{float(share):.0%} ({r.captioned_lines}/{r.dialogue_lines})",
         "", _mark(share is not None and share < 1)],
    ]  # fmt: skip
    out = [head, render(["CHECK", "VALUE", "TARGET", "FLAG"], rows)]
    flags = r.flags()
    out.append("Flags:\n" + "\n".join(f"  - {f}" for f in flags) if flags else "No flags.")
    return "\n".join(out)


def _mark(flag: bool) -> str:
    return "FLAG" if flag else "ok"


def _sec(value: Any) -> str:
    return "-" if value is None else f"{float(value):.1f} s"


def _num(value: Any) -> str:
    return "-" if value is None else f"{float(value):.1f}"
