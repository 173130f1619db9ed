"""``studio export``: episodes rendered as the vertical MP4s that ship; ``studio export-setup``:
what the export takes from the project (label text, producer, cover frames, crop focus)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.cli.common import CliError, add_command, print_json, warn
from studio.cli.export_interactive import check_interactive
from studio.cli.export_languages import add_language_arguments, export_one, export_targets

if TYPE_CHECKING:
    from studio.media.c2pa_sign import SigningKey

CAPTION_MODES = ("burn", "sidecar", "both", "none")


def register(sub: Any) -> None:
    p = add_command(sub, "export", cmd_export, "render episodes as vertical MP4s for delivery")
    p.add_argument("project", help="project folder")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--episode", type=int, metavar="N", help="episode N")
    which.add_argument("--all-episodes", action="store_true", help="every episode of the season")
    p.add_argument("--preset", default="shorts", metavar="shorts|draft|FILE",
                   help="delivery preset, or a preset file (JSON); default shorts")  # fmt: skip
    p.add_argument("--out", metavar="FILE", help="the MP4 to write (one episode; default "
                   "exports/<title>-epNN.mp4 in the project)")  # fmt: skip
    p.add_argument("--captions", choices=CAPTION_MODES, help="default: the preset's (both)")
    p.add_argument("--otio", action="store_true", help="also write an OpenTimelineIO file")
    p.add_argument("--interchange", action="append", default=[], metavar="FILE",
                   help="also write the timeline to FILE: .otio, .edl or .xml (FCP 7)")  # fmt: skip
    p.add_argument("--approved-only", action="store_true",
                   help="refuse an episode with shots not approved")  # fmt: skip
    p.add_argument("--no-cover", action="store_true", help="do not write a cover image")
    p.add_argument("--label", metavar="TEXT", help="the visible AI label's text for this export")
    p.add_argument("--no-labels", action="store_true",
                   help="no AI-content label or metadata (the law may require them)")  # fmt: skip
    p.add_argument(
        "--sign",
        action="store_true",
        help="sign with C2PA (STUDIO_C2PA_CERT and STUDIO_C2PA_KEY name the key)",
    )
    p.add_argument("--interactive", metavar="OUT_DIR",
                   help="a branching episode (--episode N) as a package that plays offline in "
                   "a browser: OUT_DIR/index.html, one MP4 per segment")  # fmt: skip
    p.add_argument("--choice-seconds", type=float, metavar="S",
                   help="with --interactive: show the choices over each segment's last S "
                   "seconds (default 5)")  # fmt: skip
    p.add_argument("--choice-timeout", type=float, metavar="S",
                   help="with --interactive: the viewer has S seconds to choose, then the "
                   "default option plays (default 10)")  # fmt: skip
    add_language_arguments(p)
    p.add_argument("--json", action="store_true", help="print the files written as JSON")

    p = add_command(sub, "export-setup", cmd_setup, "set what exports take from the project")
    p.add_argument("project", help="project folder")
    p.add_argument("--label", metavar="TEXT", help='visible AI label ("" = by language)')
    p.add_argument("--producer", metavar="NAME", help="producer named in the AI metadata")
    p.add_argument("--episode", type=int, metavar="N", help="the episode for --cover-frame")
    p.add_argument("--cover-frame", metavar="FRAME",
                   help="frame of the episode for its cover image ('auto' to let the export "
                   "choose)")  # fmt: skip
    p.add_argument("--shot", metavar="ID", help="the shot for --focus")
    p.add_argument("--focus", metavar="X,Y",
                   help="what to keep when the take is cropped to 9:16 (0..1 each; 0.5,0.5 "
                   "is the centre)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the settings as JSON")


def cmd_export(args: argparse.Namespace) -> int:
    from studio.core.resources import resources_dir
    from studio.core.store import open_project, resolve_root
    from studio.media.episode_export import ExportOptions
    from studio.media.export_plan import ExportError
    from studio.media.ffmpeg import MediaError
    from studio.media.presets import PresetError, load_preset

    if args.out and args.all_episodes:
        raise CliError("--out names one file: use it with --episode")
    check_interactive(args)
    try:
        preset = load_preset(args.preset)
    except PresetError as exc:
        raise CliError(str(exc)) from None
    options = ExportOptions(
        preset=preset, captions=args.captions or "", labels=not args.no_labels,
        label_text=args.label or "", approved_only=args.approved_only, cover=not args.no_cover,
        otio=args.otio, signing=_signing(args.sign), resources=resources_dir(),
    )  # fmt: skip
    if args.no_labels:
        warn("exporting without the AI-content label: some markets require it")
    root = resolve_root(args.project)
    with open_project(root, read_only=True) as folder:
        for problem in folder.problems:
            warn(problem)
        project = folder.project
    tags = export_targets(args, project)
    if args.interactive:
        from studio.cli.export_interactive import export_package

        return export_package(args, root, project, options, _Bar(args.episode, quiet=args.json))
    numbers = [e.number for e in project.episodes] if args.all_episodes else [args.episode]
    if not numbers:
        raise CliError("the project has no episodes")
    many = args.all_episodes or len(tags) > 1
    written, failed = [], []
    for number, tag in ((n, t) for n in numbers for t in tags):
        bar = _Bar(number, quiet=args.json, language=tag)
        out = Path(args.out).expanduser() if args.out else None
        name = f"episode {number}" + (f" in {tag}" if tag else "")
        try:
            result = export_one(root, project, number, tag, out, options, args, bar.show)
            files = {kind: str(path) for kind, path in result.files.items()}
            for target in args.interchange:
                path = _interchange(result.plan, args.all_episodes, target, tag)
                files[path.suffix.lstrip(".")] = str(path)
        except (ExportError, MediaError) as exc:
            bar.end()
            if not many:
                raise CliError(str(exc)) from None
            warn(f"{name}: {exc}")
            failed.append(name)
            continue
        bar.end()
        for message in result.warnings:
            warn(message)
        written.append({
            "episode": number, "language": tag or project.language, "files": files,
            "frames": result.frames, "fps": result.fps,
            "segments_encoded": result.segments_encoded,
            "segments_reused": result.segments_reused,
        })  # fmt: skip
        if not args.json:
            print(f"{name}: {files['video']}  ({result.segments_encoded} shots "
                  f"encoded, {result.segments_reused} reused)")  # fmt: skip
    if args.json:
        print_json(written)
    if failed:
        raise CliError(f"{', '.join(failed)} not exported (see above)")
    return 0


def _signing(wanted: bool) -> SigningKey | None:
    if not wanted:
        return None
    from studio.media.c2pa_sign import (
        SigningError,
        c2pa_available,
        check_key,
        signing_key_from_env,
    )

    if not c2pa_available():
        raise CliError("--sign needs c2pa-python: pip install c2pa-python")
    try:
        key = signing_key_from_env()
        if key is None:
            raise CliError("--sign: set STUDIO_C2PA_CERT (PEM chain) and STUDIO_C2PA_KEY (PEM key)")
        check_key(key)
    except SigningError as exc:
        raise CliError(str(exc)) from None
    return key


def _interchange(plan: Any, per_episode: bool, target: str, tag: str = "") -> Path:
    """The exported episode's timeline written to ``target`` (``-epNN`` added per episode,
    ``-TAG`` for a target language)."""
    from studio.media.export_plan import ExportError
    from studio.media.otio_export import InterchangeError, write_interchange

    path = Path(target).expanduser()
    if per_episode:
        path = path.with_name(f"{path.stem}-ep{plan.number:02d}{path.suffix}")
    if tag:
        path = path.with_name(f"{path.stem}-{tag}{path.suffix}")
    try:
        return write_interchange(plan, path)
    except InterchangeError as exc:
        raise ExportError(str(exc)) from None


_SHARES = {  # stage: (where it starts, its part of the whole)
    "plan": (0.0, 0.02), "video": (0.02, 0.88), "audio": (0.9, 0.05), "join": (0.95, 0.04),
    "extras": (0.99, 0.01), "package": (0.9, 0.1), "done": (1.0, 0.0),
}  # fmt: skip


class _Bar:
    """A progress bar on stderr: ``episode 1 [#######.......]  52%  video  shot sh-1a2b``."""

    WIDTH = 28

    def __init__(self, episode: int, quiet: bool, language: str = "") -> None:
        self.live = sys.stderr.isatty() and not quiet
        self.quiet = quiet
        self.episode = f"{episode} {language}".strip()
        self.stage = ""

    def show(self, event: Any) -> None:
        if self.quiet:
            return
        share = _SHARES.get(event.stage, (0.99, 0.0))
        done = share[0] + share[1] * (event.done / event.total if event.total else 1)
        filled = round(done * self.WIDTH)
        line = (f"episode {self.episode} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                f"{done:4.0%}  {event.stage}  {event.message}")  # fmt: skip
        if self.live:
            sys.stderr.write("\r\033[K" + line[:120])
            sys.stderr.flush()
        elif event.stage != self.stage:
            print(line[:120], file=sys.stderr)
        self.stage = event.stage

    def end(self) -> None:
        if self.live:
            sys.stderr.write("\n")


def cmd_setup(args: argparse.Namespace) -> int:
    from studio.core.store import open_project, resolve_root

    with open_project(resolve_root(args.project)) as folder:
        project = folder.project
        if args.label is not None:
            project.label = args.label.strip()
        if args.producer is not None:
            project.producer = args.producer.strip()
        if args.cover_frame is not None:
            if args.episode is None:
                raise CliError("--cover-frame needs --episode")
            episode = _episode(project, args.episode)
            episode.cover_frame = _frame(args.cover_frame, episode.duration_frames())
        if args.focus is not None:
            if args.shot is None:
                raise CliError("--focus needs --shot")
            try:
                shot = project.find_shot(args.shot)
            except KeyError:
                raise CliError(f"no shot {args.shot} in this project") from None
            shot.focus = _focus(args.focus)
        folder.save()
        settings = {
            "label": project.label, "producer": project.producer,
            "cover_frames": {str(e.number): e.cover_frame for e in project.episodes},
            "focus": {s.id: list(s.focus) for s in project.shots() if s.focus != (0.5, 0.5)},
        }  # fmt: skip
    if args.json:
        print_json(settings)
    else:
        print(f"label: {settings['label'] or '(by language)'}")
        print(f"producer: {settings['producer'] or '(none)'}")
    return 0


def _episode(project: Any, number: int) -> Any:
    try:
        return project.episode(number)
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None


def _frame(text: str, frames: int) -> int | None:
    if text == "auto":
        return None
    if not text.isdigit() or int(text) >= frames:
        raise CliError(f"--cover-frame must be 'auto' or a frame from 0 to {frames - 1}")
    return int(text)


def _focus(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise CliError(f"--focus must be X,Y (e.g. 0.5,0.3), not {text!r}") from None
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise CliError(f"--focus values must be from 0 to 1, got {text}")
    return (x, y)
