"""Where each kind of job writes its files, and how its result is recorded in the project.

One place for the window (and any caller that runs mixed jobs through one executor): a shot's
picture becomes a take, a spoken line a voice clip (of its shot, or of its translation when the
request's ``variant`` is a target language), a lip-sync a take linked to its source, and
a character reference still a candidate for the bible, and the assistant's answers a file of
suggestions in ``assist/`` (the project itself is not changed), and a machine translation lines
of a target language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from studio.app.assistant import read_suggestion
from studio.app.machine_translation import record_translation
from studio.app.references import candidates_folder
from studio.core.paths import resolve_inside
from studio.core.request import LipSyncRequest, Request, VoiceRequest
from studio.core.result import TakeResult
from studio.core.store import ProjectFolder
from studio.core.take_record import record_take
from studio.core.targets import ReferenceTarget
from studio.core.text_requests import AssistRequest, TranslateRequest
from studio.engine.jobs import Job
from studio.engine.process_executor import take_outputs
from studio.voice.recording import record_lipsync, record_voice, voice_outputs


@dataclass(frozen=True)
class Recorded:
    """What a finished job added: ``what`` is "take", "voice", "reference", "suggestion" (the
    assistant's answers: ``item`` is their file) or "translation" (lines of a target language)."""

    what: str
    shot_id: str = ""  # the shot (take, voice), or "" for a reference
    item: str = ""  # the take id, the voiced line's WAV, or the candidate still
    character: str = ""  # a reference's character
    notes: list[str] = field(default_factory=list)  # warnings for the user
    request: Request | None = None  # the request it was made from


def job_outputs(folder: ProjectFolder) -> Callable[[Job, str], tuple[str, str]]:
    """The ``outputs`` function of an executor running any kind of job for the project open
    in ``folder`` (read when each job starts: the project may be replaced meanwhile)."""

    def outputs(job: Job, take_id: str) -> tuple[str, str]:
        media, keyframe = _outputs(job, take_id)
        for rel in (media, keyframe):
            if rel:
                resolve_inside(folder.root, rel)  # ValueError: it would be written outside
        return media, keyframe

    def _outputs(job: Job, take_id: str) -> tuple[str, str]:
        request = job.request
        match request.target:
            case ReferenceTarget(name):
                character = folder.project.character(name)
                if character is None:
                    raise ValueError(f"no character {name}")
                where = candidates_folder(character)
                return f"{where}/{take_id}.mp4", f"{where}/{take_id}.png"
        if isinstance(request, VoiceRequest):
            return voice_outputs(job, take_id)
        return take_outputs(job, take_id)

    return outputs


def record_result(folder: ProjectFolder, job: Job, take_id: str, result: TakeResult) -> Recorded:
    """Store a finished job's result in the open project (the caller saves). KeyError or
    ValueError when its shot or character is gone."""
    request = job.request
    match request.target:
        case ReferenceTarget(name):
            (folder.root / result.media).unlink(missing_ok=True)  # only the still is a reference
            return Recorded("reference", item=result.keyframe, character=name, request=request)
    if isinstance(request, AssistRequest):
        read_suggestion(folder.root, result.media)  # SuggestionError: the job fails with it
        return Recorded("suggestion", item=result.media, request=request)
    if isinstance(request, TranslateRequest):
        done = record_translation(folder.project, folder.root, result.media)
        return Recorded("translation", item=result.media, notes=done.notes(), request=request)
    if isinstance(request, VoiceRequest):
        clip, notes = record_voice(folder, request, result)
        return Recorded("voice", request.shot_id, clip.media, notes=notes, request=request)
    if isinstance(request, LipSyncRequest):
        take = record_lipsync(folder, request, take_id, result)
    else:
        take = record_take(folder.project, request, take_id, result)
    return Recorded("take", request.shot_id, take.id, request=request)
