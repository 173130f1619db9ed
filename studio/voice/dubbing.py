"""Dubbing: a project's dialogue spoken in a target language, and its picture lip-synced to it.

A dubbed line is the :class:`VoiceClip` of its :class:`TranslatedLine` (``TranslatedLine.voice``),
its WAV and timing under ``audio/<tag>/<shot>/``; the shot's own clips, placement and duration
are the source's and are not touched. A shot's dubbed lines start where its source lines do
(or, in a shot not voiced in the source, where :mod:`studio.voice.placement` would put them),
and one speaker's lines never overlap: a longer line pushes the next one later (the export
speeds up a line that no longer fits, :mod:`studio.app.dub_tempo`).

A shot lip-synced to a language is one new take of the shot, linked to the source take it was
made from like any lip-sync and named by every translated line of that shot
(``TranslatedLine.take``); the shot's approved take stays the source's.
"""

from __future__ import annotations

from studio.core.kinds import Backend
from studio.core.model import Project, Shot, Take
from studio.core.request import LipSyncRequest, VoiceRequest
from studio.core.translations import Language, find_language
from studio.core.voicing import SAMPLE_RATE, VoiceClip
from studio.voice.lipsync_request import lipsync_request
from studio.voice.placement import GAP_S, HEAD_S


def record_dub(project: Project, request: VoiceRequest, clip: VoiceClip) -> list[str]:
    """Store ``clip`` as the dub of its translated line (replacing an older one) and place the
    shot's dubbed lines; a note when the shot's lip-sync in the language was made for an older
    dub. KeyError or ValueError when the shot, the language or the translation is gone. The
    caller saves."""
    shot = project.find_shot(request.shot_id)
    language = find_language(project, request.variant)
    translated = language.lines.get((shot.id, request.line))
    if translated is None:
        raise ValueError(
            f"line {request.line + 1} of shot {shot.id} has no {language.tag} translation any more"
        )
    redub = translated.voice is not None and bool(translated.take)
    translated.voice = clip
    place_dubs(shot, language)
    if not redub:
        return []
    return [
        f"shot {shot.id}: its {language.tag} lip-sync was made for an older dub; "
        f"`studio lipsync --language {language.tag}` makes it again"
    ]


def place_dubs(shot: Shot, language: Language) -> None:
    """Set the start of each dubbed line of ``shot`` (see the module)."""
    source = {clip.line: clip.start for clip in shot.voice}
    dual = len({line.character for line in shot.dialogue}) > 1
    head, gap = round(HEAD_S * SAMPLE_RATE), round(GAP_S * SAMPLE_RATE)
    earliest = head
    for index in range(len(shot.dialogue)):
        translated = language.lines.get((shot.id, index))
        clip = None if translated is None else translated.voice
        if clip is None:
            continue
        start = source.get(index, head)
        clip.start = start if dual else max(start, earliest)
        earliest = clip.end + gap


def is_dubbed(shot: Shot, language: Language) -> bool:
    """Whether a line of ``shot`` is dubbed in ``language`` (it can be lip-synced to it)."""
    for index in range(len(shot.dialogue)):
        translated = language.lines.get((shot.id, index))
        if translated is not None and translated.voice is not None:
            return True
    return False


def dub_lipsync_request(
    shot: Shot,
    take: Take,
    language: Language,
    fps: str,
    backend: str = Backend.VISEME,
    model: str = "",
    model_hash: str = "",
) -> LipSyncRequest:
    """The request that re-mouths ``take`` to ``shot``'s lines as heard in ``language``: each
    dubbed line, and the source voice of a line not dubbed; ValueError saying why it cannot
    be made (no line dubbed, no usable video)."""
    source = {clip.line: clip for clip in shot.voice}
    heard: list[VoiceClip] = []
    dubbed = 0
    for index in range(len(shot.dialogue)):
        translated = language.lines.get((shot.id, index))
        if translated is not None and translated.voice is not None:
            heard.append(translated.voice)
            dubbed += 1
        elif index in source:
            heard.append(source[index])
    if not dubbed:
        raise ValueError(
            f"shot {shot.id} has no line dubbed in {language.tag}: "
            f"run `studio voice --language {language.tag}` first"
        )
    return lipsync_request(
        shot, take, fps, backend, model, model_hash, heard=heard, variant=language.tag
    )


def record_dub_take(project: Project, request: LipSyncRequest, take: Take) -> None:
    """Name ``take`` as the shot's picture in the request's language on each of the shot's
    translated lines. KeyError or ValueError when the shot or the language is gone."""
    shot = project.find_shot(request.shot_id)
    language = find_language(project, request.variant)
    for index in range(len(shot.dialogue)):
        translated = language.lines.get((shot.id, index))
        if translated is not None:
            translated.take = take.id
