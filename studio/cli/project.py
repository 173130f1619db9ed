"""Project commands: ``new``, ``import``, ``shots``, ``info`` and ``demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import CliError, add_command, failing, open_for_reading, print_json
from studio.core.model import Project, Shot
from studio.core.script.script_format import FORMATS

SCRIPT_REL = "script/script.fountain"


def register(sub: Any) -> None:
    p = add_command(
        sub, "new", cmd_new, "create a project from a script (Fountain, Final Draft, text)"
    )
    p.add_argument("project", help="project folder (NAME or NAME.mdstudio)")
    p.add_argument("--script", required=True, help="script file (.fountain, .fdx or .txt)")
    _format_option(p)
    p.add_argument("--fps", default="30", help="frame rate: 30, 25, 24 or 24000/1001 (30)")
    p.add_argument("--title", help="project title (default: the script's title page)")
    p.add_argument("--language", default="", metavar="CODE",
                   help="dialogue language: en, zh, … (default: detected per line)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = add_command(
        sub, "import", cmd_import, "re-import an edited script, keeping shot ids and takes"
    )
    p.add_argument("project", help="project folder")
    p.add_argument("script", help="script file (.fountain, .fdx or .txt)")
    _format_option(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = add_command(sub, "shots", cmd_shots, "list the shots of the breakdown")
    p.add_argument("project", help="project folder")
    p.add_argument("--episode", type=int, metavar="N", help="only episode N (1-based)")
    p.add_argument("--json", action="store_true", help="print a JSON list of shots")

    p = add_command(
        sub, "info", cmd_info, "summarise a project: episodes, shots, durations, characters"
    )
    p.add_argument("project", help="project folder")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = add_command(sub, "demo", cmd_demo, "build the demo project from the bundled sample script")
    p.add_argument("dir", nargs="?", default="demo", help="where to put it (./demo)")
    p.add_argument("--model", help="an installed image model to render with (default: animatic)")
    p.add_argument(
        "--no-export", action="store_true", help="leave episode 1 unexported (the slowest step)"
    )


def _format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="how the script is written: fountain, fdx (Final Draft), cn (Chinese: 第1集, "
        "1-1 日 内 客厅, 林晓：台词), plain (NAME: line) or auto (by suffix and content; auto)",
    )


def cmd_new(args: argparse.Namespace) -> int:
    from studio.app.new_project import new_from_script
    from studio.core.store import resolve_root
    from studio.core.time import FrameRate

    root = resolve_root(args.project)
    try:
        FrameRate.parse(args.fps)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    project, report = new_from_script(root, args.script, fmt=args.format, fps=args.fps,
                                      title=args.title or "", language=args.language)  # fmt: skip
    summary = project_summary(project)
    if args.json:
        print_json({"project": str(root), **summary, "import": vars(report)})
    else:
        print(f"Created {root}: {_counts(summary)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from studio.core.script.importer import apply_script, read_script_text
    from studio.core.store import open_project, resolve_root

    text = read_script_text(args.script, args.format)
    with open_project(resolve_root(args.project)) as folder:
        folder.autosave()  # the state before the import stays recoverable
        project = folder.project
        report = apply_script(project, text)
        project.script = project.script or SCRIPT_REL
        folder.write_text(project.script, text)
        folder.save()
    if args.json:
        print_json({"project": str(folder.root), "import": vars(report)})
    else:
        print(f"Imported {Path(args.script).name}: {report.summary()}")
    return 0


def cmd_shots(args: argparse.Namespace) -> int:
    project = open_for_reading(args.project)
    records = shot_records(project, args.episode)
    if args.json:
        print_json(records)
    else:
        print(shots_table(records, project))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    project = open_for_reading(args.project)
    summary = project_summary(project)
    if args.json:
        print_json(summary)
    else:
        print(info_text(summary))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from studio.app.planner import Choice, shot_requests
    from studio.cli.generate import describe_take
    from studio.cli.running import run_requests
    from studio.core.kinds import ANIMATIC_MODEL
    from studio.core.resources import SAMPLE_SCRIPT, resource
    from studio.core.script.importer import apply_script, read_script_text
    from studio.core.store import PROJECT_SUFFIX, open_project

    script = resource(SAMPLE_SCRIPT)
    root = Path(args.dir) / f"{script.stem}{PROJECT_SUFFIX}"
    text = read_script_text(script)
    if (root / "project.json").exists():
        with open_project(root) as folder:
            report = apply_script(folder.project, text)
            folder.write_text(folder.project.script or SCRIPT_REL, text)
            folder.save()
        print(f"Demo project {root} re-imported: {report.summary()}")
    else:
        project = Project(title="", script=SCRIPT_REL)
        apply_script(project, text)
        _create_with_script(root, project, text)
        print(f"Demo project created: {root}")
    with open_project(root) as folder:
        project = folder.project
        todo = [
            (scene, shot)
            for ep in project.episodes
            for scene in ep.scenes
            for shot in scene.shots
            if not shot.takes
        ]
        choice = Choice(model=args.model or "")
        requests = failing(shot_requests, project, todo, choice)
        print(f"Generating {len(todo)} shots with {args.model or ANIMATIC_MODEL}…", flush=True)
        made, failures = run_requests(folder, requests, describe_take(folder), quiet=False)
        failures += _voice_demo(folder)
    if not args.no_export:
        failures += _export_demo(root, project)
    print(f"{len(made)} takes made under {root / 'takes'}\n")
    print(info_text(project_summary(project)))
    print()
    print(shots_table(shot_records(project, None), project))
    for line in failures:
        print(f"studio: error: {line}", file=sys.stderr)
    return 1 if failures else 0


def _voice_demo(folder: Any) -> list[str]:
    """Speak every line not voiced yet, lip-sync each voiced shot's take, mix each episode."""
    from studio.app.planner import line_requests, lipsync_requests, voice_choice
    from studio.cli.voice import lipsync_takes, voice_lines, voiced_sources
    from studio.media.episode_mix import mix_episode_file

    project = folder.project
    requests = line_requests(project, project.shots(), voice_choice())
    print(f"Voicing {len(requests)} dialogue lines…", flush=True)
    _, failures = voice_lines(folder, requests, quiet=False)
    todo = [
        (shot, take)
        for shot, take in voiced_sources(list(project.shots()))
        if not any(t.source_take == take.id for t in shot.takes)
    ]
    print(f"Lip-syncing {len(todo)} shots…", flush=True)
    syncs, skipped = lipsync_requests(project, todo)
    failures += skipped
    failures += lipsync_takes(folder, syncs, approve=True, quiet=False)[1]
    for episode in project.episodes:
        mix, warnings = mix_episode_file(folder, episode)
        failures += warnings
        print(f"Episode {episode.number} sound: {folder.root / mix}")
    return failures


def _export_demo(root: Path, project: Project) -> list[str]:
    """Episode 1 exported as it would ship; the failures, as lines."""
    from studio.core.resources import resources_dir
    from studio.media.episode_export import ExportOptions, export_episode
    from studio.media.export_plan import ExportError
    from studio.media.ffmpeg import MediaError

    print("Exporting episode 1 (1080×1920)…", flush=True)
    try:
        result = export_episode(root, project, 1, options=ExportOptions(resources=resources_dir()))
    except (ExportError, MediaError) as exc:
        return [f"episode 1 not exported: {exc}"]
    print(f"Episode 1: {result.files['video']}")
    return []


def _create_with_script(root: Path, project: Project, text: str) -> None:
    """A new project folder holding ``text`` as its script (the app's, as ``new`` makes it)."""
    from studio.app.new_project import create_with_script

    create_with_script(root, project, text)


def shot_records(project: Project, episode: int | None) -> list[dict[str, Any]]:
    """The shots as plain dicts (the ``studio shots --json`` format)."""
    if episode is not None:
        try:
            episodes = [project.episode(episode)]
        except KeyError as exc:
            raise CliError(exc.args[0]) from None
    else:
        episodes = project.episodes
    return [
        _shot_record(shot, ep.number, scene.index, scene.heading)
        for ep in episodes
        for scene in ep.scenes
        for shot in scene.shots
    ]


def _shot_record(shot: Shot, episode: int, scene: int, heading: str) -> dict[str, Any]:
    return {
        "id": shot.id,
        "episode": episode,
        "scene": scene,
        "scene_heading": heading,
        "kind": shot.kind.value,
        "description": shot.description,
        "framing": shot.framing,
        "characters": list(shot.characters),
        "dialogue": [line.to_json() for line in shot.dialogue],
        "duration_frames": shot.duration_frames,
        "duration_locked": shot.duration_locked,
        "source_lines": list(shot.source_lines),
        "changed": shot.changed,
        "takes": [{"id": t.id, "state": t.state.value, "media": t.media} for t in shot.takes],
        "approved_take": shot.approved_take,
    }


def shots_table(records: list[dict[str, Any]], project: Project) -> str:
    from studio.cli.table import clip, render

    rows = []
    for r in records:
        if r["dialogue"]:
            what = " / ".join(f"{d['character']}: {d['text']}" for d in r["dialogue"])
        else:
            what = r["description"]
        seconds = float(project.fps.seconds(r["duration_frames"]))
        lines = r["source_lines"]
        rows.append(
            [
                f"{r['episode']}.{r['scene']}",
                r["id"],
                r["kind"] + ("*" if r["changed"] else ""),
                f"{seconds:5.1f}s",
                f"{lines[0]}-{lines[1]}" if lines[0] != lines[1] else str(lines[0]),
                f"{len(r['takes'])}",
                clip(what, 64),
            ]
        )
    return render(["EP.SC", "SHOT", "KIND", "DUR", "LINES", "TAKES", "CONTENT"], rows)


def project_summary(project: Project) -> dict[str, Any]:
    episodes = []
    for ep in project.episodes:
        frames = ep.duration_frames()
        episodes.append(
            {
                "number": ep.number,
                "title": ep.title,
                "scenes": len(ep.scenes),
                "shots": sum(len(s.shots) for s in ep.scenes),
                "duration_frames": frames,
                "duration": project.fps.clock(frames),
            }
        )
    frames = sum(e["duration_frames"] for e in episodes)
    return {
        "title": project.title,
        "fps": str(project.fps),
        "language": project.language,
        "resolution": [project.width, project.height],
        "episodes": episodes,
        "shots": sum(e["shots"] for e in episodes),
        "duration_frames": frames,
        "duration": project.fps.clock(frames),
        "characters": [c.name for c in project.characters],
        "archived_shots": len(project.archived_shots),
    }


def info_text(summary: dict[str, Any]) -> str:
    from studio.cli.table import clip, render

    head = (
        f"{summary['title']}  ·  {summary['resolution'][0]}×{summary['resolution'][1]} at "
        f"{summary['fps']} fps  ·  {_counts(summary)}"
    )
    rows = [
        [str(e["number"]), clip(e["title"], 40), str(e["scenes"]), str(e["shots"]), e["duration"]]
        for e in summary["episodes"]
    ]
    table = render(["EP", "TITLE", "SCENES", "SHOTS", "DURATION"], rows)
    cast = ", ".join(summary["characters"]) or "none"
    return f"{head}\n\n{table}\n\nCharacters: {cast}"


def _counts(summary: dict[str, Any]) -> str:
    n = len(summary["episodes"])
    return (
        f"{n} episode{'s' * (n != 1)}, {summary['shots']} shots, "
        f"{len(summary['characters'])} characters, {summary['duration']} in all"
    )
