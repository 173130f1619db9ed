"""``studio voice``, ``studio lipsync`` and ``studio mix``: dialogue spoken, mouths matched,
the episode's sound mixed."""

from __future__ import annotations

import argparse
from typing import Any

from studio.app.results import Recorded
from studio.cli.common import CliError, add_command, failing, print_json, warn
from studio.cli.running import report, run_requests
from studio.core.kinds import LIPSYNC_BACKENDS, VOICE_BACKENDS, Backend


def register(sub: Any) -> None:
    p = add_command(sub, "voice", cmd_voice, "speak the dialogue lines of shots (offline TTS)")
    p.add_argument("project", help="project folder")
    p.add_argument("--episode", type=int, metavar="N", help="only episode N")
    p.add_argument("--shot", action="append", metavar="ID", help="only this shot (repeatable)")
    p.add_argument(
        "--backend",
        choices=list(VOICE_BACKENDS),
        help="every character with this backend (default: each character's own)",
    )
    p.add_argument("--model", help="the Kokoro model's name (see `studio models list`)")
    p.add_argument("--force", action="store_true", help="voice lines again even if unchanged")
    p.add_argument("--language", metavar="TAG",
                   help="dub the lines translated into this target language (machine, edited "
                   "and approved ones) instead of the source's")  # fmt: skip
    p.add_argument("--approved-only", action="store_true",
                   help="with --language: only the approved translations")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print each voiced line as JSON")

    p = add_command(sub, "lipsync", cmd_lipsync, "make lip-synced takes of dialogue shots")
    p.add_argument("project", help="project folder")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--take", action="append", metavar="ID", help="this take (repeatable)")
    which.add_argument(
        "--episode",
        type=int,
        metavar="N",
        help="the approved (else latest) take of each voiced shot of episode N",
    )
    p.add_argument(
        "--backend",
        choices=list(LIPSYNC_BACKENDS),
        default=Backend.VISEME,
        help="viseme (built in, CPU) or musetalk (weights in the models folder)",
    )
    p.add_argument("--model", help="the MuseTalk model's name (default: the installed one)")
    p.add_argument(
        "--approve",
        action="store_true",
        help="approve each new take whose source take was approved",
    )
    p.add_argument("--language", metavar="TAG",
                   help="lip-sync to the lines dubbed in this target language: the take its "
                   "export shows (the approved take stays the source's)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the new takes as JSON")

    p = add_command(sub, "mix", cmd_mix, "mix an episode's dialogue, music and effects")
    p.add_argument("project", help="project folder")
    p.add_argument("--episode", type=int, metavar="N", required=True, help="episode N")
    p.add_argument("--music", metavar="FILE", help="set the episode's music bed (copied in)")
    p.add_argument("--music-gain", type=float, metavar="DB", help="music bed level (dB)")
    p.add_argument("--no-music", action="store_true", help="remove the music bed")
    p.add_argument("--sfx", action="append", default=[], metavar="SHOT=FILE[:DB]",
                   help="add a sound effect at a shot's start (copied in; repeatable)")  # fmt: skip
    p.add_argument("--clear-sfx", action="append", default=[], metavar="SHOT",
                   help="remove a shot's sound effects")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the mix file as JSON")


def cmd_voice(args: argparse.Namespace) -> int:
    from studio.app.planner import line_requests, voice_choice
    from studio.app.selection import select_shots
    from studio.core.store import open_project, resolve_root

    choice = failing(voice_choice, args.backend or "", args.model or "")
    if args.language:
        from studio.cli.dub import dub_lines

        return dub_lines(args, choice)
    if args.approved_only:
        raise CliError("--approved-only goes with --language")
    with open_project(resolve_root(args.project)) as folder:
        shots = [shot for _, shot in failing(select_shots, folder.project, args.episode, args.shot)]
        requests = line_requests(folder.project, shots, choice, force=args.force)
        made, failures = voice_lines(folder, requests, quiet=args.json)
    skipped = "" if requests or not shots else " (all lines already voiced; --force redoes)"
    return report(made, failures, "{n} line{s} voiced" + skipped, args.json)


def voice_lines(folder: Any, requests: list[Any], *, quiet: bool) -> tuple[list[dict], list[str]]:
    """Run voice requests and record each line as it comes (saved at once); the lines as
    ``studio voice --json`` prints them, sorted, and the failures."""
    import json

    from studio.core.speech_timing import SpeechTiming
    from studio.voice.recording import clip_json

    def describe(recorded: Recorded) -> dict[str, Any]:
        shot = folder.project.find_shot(recorded.shot_id)
        clip = next(c for c in shot.voice if c.media == recorded.item)
        timing = json.loads(folder.resolve(clip.timing).read_text(encoding="utf-8"))
        return clip_json(clip, shot, SpeechTiming.from_json(timing))

    made, failures = run_requests(folder, requests, describe, quiet=quiet)
    made.sort(key=lambda e: (e["shot"], e["line"]))
    return made, failures


def cmd_lipsync(args: argparse.Namespace) -> int:
    from studio.app.planner import lipsync_requests
    from studio.core.store import open_project, resolve_root

    if args.model and args.backend != Backend.MUSETALK:
        raise CliError("--model is for --backend musetalk")
    if args.language:
        from studio.cli.dub import dub_lipsync

        return dub_lipsync(args)
    with open_project(resolve_root(args.project)) as folder:
        project = folder.project
        pairs = _sources(project, args)
        requests, skipped = failing(
            lipsync_requests, project, pairs, args.backend, args.model or ""
        )
        if skipped and args.take:
            raise CliError(skipped[0])
        for line in skipped:
            warn(line)
        made, failures = lipsync_takes(folder, requests, approve=args.approve, quiet=args.json)
    return report(made, failures, "{n} lip-synced take{s} made", args.json)


def lipsync_takes(
    folder: Any, requests: list[Any], *, approve: bool, quiet: bool
) -> tuple[list[dict], list[str]]:
    """Run lip-sync requests; each new take is recorded (and, with ``approve``, approved
    where its source was) and saved at once."""
    from studio.core.model import TakeState

    def describe(recorded: Recorded) -> dict[str, Any]:
        shot = folder.project.find_shot(recorded.shot_id)
        take = shot.take(recorded.item)
        if approve and shot.approved_take == take.source_take:
            shot.approve(take.id)
        return {
            "id": take.id,
            "shot": shot.id,
            "path": take.media,
            "source_take": take.source_take,
            "approved": take.state is TakeState.APPROVED,
        }

    return run_requests(folder, requests, describe, quiet=quiet)


def _shot_in(shots: dict[str, Any], shot_id: str, episode: int) -> Any:
    if shot_id not in shots:
        raise CliError(f"no shot {shot_id} in episode {episode}")
    return shots[shot_id]


def _file_and_gain(text: str, spec: str) -> tuple[str, float]:
    """``FILE`` or ``FILE:DB`` (a file name may hold colons: the gain is the part after the
    last one, when it is a number)."""
    if not text:
        raise CliError(f"--sfx {spec!r}: expected SHOT=FILE[:DB]")
    file, _, gain = text.rpartition(":")
    try:
        return (file, float(gain)) if file else (text, 0.0)
    except ValueError:
        return text, 0.0


def _sources(project: Any, args: argparse.Namespace) -> list[tuple[Any, Any]]:
    """(shot, take) pairs to lip-sync: the named takes, or each voiced shot's approved (else
    latest finished) take of the episode."""
    from studio.app.selection import find_take, select_shots

    if args.take:
        return [failing(find_take, project, take_id) for take_id in args.take]
    shots = failing(select_shots, project, args.episode, None)
    return voiced_sources([shot for _, shot in shots])


def voiced_sources(shots: list[Any]) -> list[tuple[Any, Any]]:
    """Each voiced shot with the take to lip-sync: its approved, else latest finished take."""
    from studio.voice.recording import lipsync_source

    pairs = []
    for shot in shots:
        if not shot.voice:
            continue
        take = lipsync_source(shot)
        if take is None:
            warn(f"shot {shot.id} has no take to lip-sync: generate one first")
            continue
        pairs.append((shot, take))
    return pairs


def cmd_mix(args: argparse.Namespace) -> int:
    from studio.core.store import open_project, resolve_root
    from studio.media.episode_mix import add_sfx, mix_episode_file, set_music

    with open_project(resolve_root(args.project)) as folder:
        try:
            episode = folder.project.episode(args.episode)
        except KeyError as exc:
            raise CliError(str(exc.args[0])) from None
        if args.no_music:
            episode.music = None
        elif args.music:
            set_music(folder, episode, args.music)
        shots = {shot.id: shot for shot in episode.shots()}
        for shot_id in args.clear_sfx:
            _shot_in(shots, shot_id, episode.number).sfx.clear()
        for spec in args.sfx:
            shot_id, _, rest = spec.partition("=")
            file, gain = _file_and_gain(rest, spec)
            add_sfx(folder, _shot_in(shots, shot_id, episode.number), file, gain)
        if args.music_gain is not None:
            if episode.music is None:
                raise CliError(f"episode {episode.number} has no music bed (use --music FILE)")
            episode.music.gain_db = args.music_gain
        folder.save()
        path, warnings = mix_episode_file(folder, episode)
    for line in warnings:
        warn(line)
    if args.json:
        print_json({"episode": episode.number, "path": path})
    else:
        print(path)
    return 0
