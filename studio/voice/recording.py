"""Results of voice and lip-sync jobs, recorded in the project.

A voiced line becomes the shot's :class:`VoiceClip` for that line (its timing JSON written
beside the WAV), the lines are placed and the shot's duration follows. A lip-synced take is a
new take of its shot that names the take it came from. A request with a ``variant`` is for a
target language: its result goes to the translation (:mod:`studio.voice.dubbing`).
"""

from __future__ import annotations

import json
from typing import Any

from studio.core.model import Shot, Take, TakeState, now_iso
from studio.core.request import LipSyncRequest, VoiceRequest
from studio.core.result import TakeResult
from studio.core.speech_timing import SpeechTiming
from studio.core.store import ProjectFolder
from studio.core.take_record import record_take
from studio.core.translations import find_language
from studio.core.voicing import VoiceClip
from studio.engine.jobs import Job
from studio.voice.dubbing import record_dub, record_dub_take
from studio.voice.placement import place_lines


def voice_outputs(job: Job, job_take_id: str) -> tuple[str, str]:
    """Where a voiced line's WAV goes: ``audio/<shot>/line<N>-<id>.wav``, a dubbed one's
    ``audio/<tag>/<shot>/…`` (a new name for each voicing, so a player holding the old file is
    never disturbed)."""
    request = job.request
    suffix = job_take_id.rpartition("-")[2]
    folder = f"audio/{request.variant}" if request.variant else "audio"  # a dub: by language
    return f"{folder}/{request.shot_id}/line{request.line + 1}-{suffix}.wav", ""


def record_voice(
    folder: ProjectFolder, request: VoiceRequest, result: TakeResult
) -> tuple[VoiceClip, list[str]]:
    """Store the voiced line in its shot (replacing an older voicing of the same line), or a
    dubbed line in its translation (:func:`~studio.voice.dubbing.record_dub`: the shot is not
    touched); the clip and any placement warnings. The caller saves."""
    project = folder.project
    shot = project.find_shot(request.shot_id)
    if request.variant:
        find_language(project, request.variant)  # ValueError before any file is written
    timing = SpeechTiming.from_json(result.rendered.facts.get("timing"), "timing")
    timing_path = result.media.rsplit(".", 1)[0] + ".json"
    folder.write_text(timing_path, json.dumps(timing.to_json(), ensure_ascii=False) + "\n")
    clip = VoiceClip(
        line=request.line,
        character=request.character,
        media=result.media,
        timing=timing_path,
        start=0,
        samples=timing.samples,
        request=request,
        created=now_iso(),
    )
    if request.variant:
        return clip, record_dub(project, request, clip)
    shot.voice = [c for c in shot.voice if c.line != request.line] + [clip]
    return clip, place_lines(shot, project.fps)


def lipsync_source(shot: Shot) -> Take | None:
    """The take to lip-sync: the approved one, else the newest usable one; a take that is
    itself a lip-sync is replaced by its source, so a shot is re-mouthed from its picture."""
    if shot.approved_take:
        take: Take | None = shot.take(shot.approved_take)
    else:
        usable = (TakeState.DONE, TakeState.STARRED)
        done = [t for t in shot.takes if t.state in usable and t.media]
        take = done[-1] if done else None
    if take is not None and take.source_take:
        take = next((t for t in shot.takes if t.id == take.source_take), take)
    return take


def record_lipsync(
    folder: ProjectFolder, request: LipSyncRequest, take_id: str, result: TakeResult
) -> Take:
    """The lip-synced take, added to its shot and linked to its source (and, for a target
    language, named by the shot's translated lines). The caller saves."""
    if request.variant:
        find_language(folder.project, request.variant)  # ValueError: the language is gone
    take = record_take(folder.project, request, take_id, result)
    take.source_take = request.source_take
    if request.variant:
        record_dub_take(folder.project, request, take)
    return take


def clip_json(clip: VoiceClip, shot: Shot, timing: SpeechTiming) -> dict[str, Any]:
    """What ``studio voice --json`` prints for one line."""
    return {
        "shot": shot.id,
        "line": clip.line,
        "character": clip.character,
        "path": clip.media,
        "timing": clip.timing,
        "start": clip.start,
        "samples": clip.samples,
        "sample_rate": timing.sample_rate,
        "words": [m.to_json() for m in timing.words],
        "phonemes": [m.to_json() for m in timing.phonemes],
    }
