"""Dubbed lines made to fit their shots at export: a line up to 1.15x longer than its slot
(:mod:`studio.app.dub_fit`) is heard sped up that much, its pitch kept
(:func:`studio.media.tempo.speed_up`), its word timing scaled to match.

The faster copies live in the export's cache folder (``tempo/``, named by the clip and the
speed, so they are made once); the project's own clips are not touched: the language view's
shots are pointed at the copies.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from fractions import Fraction
from pathlib import Path

from studio.app.dub_fit import fit_report
from studio.app.language_view import LanguageView
from studio.core.atomic import write_atomic
from studio.core.model import Project
from studio.core.speech_timing import SpeechTiming
from studio.core.voicing import VoiceClip
from studio.media.audio import read_wav
from studio.media.episode_export import inside_project
from studio.media.export_plan import ExportError
from studio.media.ffmpeg import MediaError
from studio.media.tempo import faster_timing, speed_up


def fit_dubs(
    root: Path, project: Project, view: LanguageView, number: int, folder: str
) -> list[str]:
    """Speed up the dubbed lines of episode ``number`` that need it, in the view (copies under
    ``folder``, relative to ``root``); what was done, one sentence each. ExportError when a
    clip cannot be read or written."""
    report = fit_report(project, view.tag, number)
    dubbed = [line for line in report.lines if line.dubbed]
    faster = [line for line in dubbed if line.verdict == "speed-up"]
    for line in faster:
        shot = view.project.find_shot(line.shot)
        shot.voice = [
            _faster(root, clip, line.speed, folder) if clip.line == line.line else clip
            for clip in shot.voice
        ]
    notes = []
    if faster:
        top = max(float(line.speed) for line in faster)
        notes.append(
            f"{len(faster)} dubbed lines in {view.tag} sped up to fit their shots "
            f"(up to {top:.2f}x)"
        )
    over = [line for line in dubbed if line.verdict == "does not fit"]
    if over:
        named = ", ".join(f"{line.shot} line {line.line + 1}" for line in over[:4])
        notes.append(
            f"{len(over)} dubbed lines in {view.tag} run past their slot ({named}): see "
            f"`studio translations fit`"
        )
    return notes


def _faster(root: Path, clip: VoiceClip, speed: Fraction, folder: str) -> VoiceClip:
    source = root / clip.media
    try:
        stat = source.stat()
    except OSError:
        raise ExportError(f"cannot read the dubbed line {clip.media}") from None
    key = f"{clip.media}|{stat.st_size}|{stat.st_mtime_ns}|{speed}"
    stem = f"{folder}/tempo/{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    wav, timing = inside_project(root, f"{stem}.wav"), inside_project(root, f"{stem}.json")
    try:
        wav.parent.mkdir(parents=True, exist_ok=True)
        samples = len(read_wav(wav)[0]) if wav.is_file() else speed_up(source, wav, speed)
        rel_timing = ""
        if clip.timing and (root / clip.timing).is_file():
            raw = json.loads((root / clip.timing).read_text(encoding="utf-8"))
            scaled = faster_timing(SpeechTiming.from_json(raw), speed, samples)
            write_atomic(timing, json.dumps(scaled.to_json()).encode())
            rel_timing = f"{stem}.json"
    except (OSError, ValueError, MediaError) as exc:
        raise ExportError(f"cannot speed up the dubbed line {clip.media}: {exc}") from None
    return dataclasses.replace(clip, media=f"{stem}.wav", timing=rel_timing, samples=samples)
