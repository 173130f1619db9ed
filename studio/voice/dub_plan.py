"""Which translated lines to dub and with which voice: one :class:`VoiceRequest` per line, its
``variant`` the target language.

A character keeps their voice across languages where the backend allows: with espeak-ng (which
speaks every language it knows) the language's voice with the character's own variant
(``en-us+f3`` becomes ``es+f3``); with Kokoro the character's voice when it speaks the language,
else Kokoro's first voice of it; where Kokoro has no voice of the language, espeak-ng, with a
note. A line whose translation (or voice) changed since it was dubbed is dubbed again; a line
not translated yet is not dubbed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from studio.core.kinds import Backend
from studio.core.model import Project, Shot, ShotKind
from studio.core.request import VoiceRequest
from studio.core.translations import LineState, TranslatedLine, find_language
from studio.voice.delivery import spoken_text
from studio.voice.plan import ESPEAK_MODEL, VoiceChoice, line_request


def dub_requests(
    project: Project,
    shots: Iterable[Shot],
    tag: str,
    choice: VoiceChoice | None = None,
    *,
    force: bool = False,
    approved_only: bool = False,
) -> tuple[list[VoiceRequest], list[str]]:
    """Requests for the translated lines of ``shots`` in the target language ``tag`` (all of
    them with ``force``, else those not dubbed yet or changed since; only approved ones with
    ``approved_only``) and notes for the user. ValueError when ``tag`` is not a target or
    espeak-ng has no voice for it."""
    language = find_language(project, tag)
    choice = choice or VoiceChoice()
    requests: list[VoiceRequest] = []
    fallback: set[str] = set()
    for shot in shots:
        if shot.kind is not ShotKind.DIALOGUE:
            continue
        for index in range(len(shot.dialogue)):
            translated = language.lines.get((shot.id, index))
            if translated is None or not spoken_text(translated.text):
                continue
            if approved_only and translated.state is not LineState.APPROVED:
                continue
            request = dub_request(project, shot, translated, language.tag, choice)
            if request is None:
                continue
            if request.backend == Backend.ESPEAK and _asked_kokoro(project, shot, index, choice):
                fallback.add(request.character)
            done = translated.voice.request if translated.voice is not None else None
            if force or done != request:
                requests.append(request)
    notes = [
        f"{name} speaks with Kokoro, which has no {language.tag} voice: espeak-ng dubs them"
        for name in sorted(fallback)
    ]
    return requests, notes


def dub_request(
    project: Project, shot: Shot, translated: TranslatedLine, tag: str, choice: VoiceChoice
) -> VoiceRequest | None:
    """The request that speaks ``translated`` in ``tag`` with its character's voice in that
    language (see the module); None when the source line says nothing."""
    source = line_request(project, shot, translated.line, choice)
    if source is None:
        return None
    text = spoken_text(translated.text)
    if source.backend == Backend.KOKORO and _kokoro_prefix(tag):
        prefix = _kokoro_prefix(tag)
        voice = source.voice if source.voice.startswith(prefix) else ""
        return replace(source, text=text, language=tag, voice=voice, variant=tag)
    variant = source.voice.partition("+")[2] if source.backend == Backend.ESPEAK else ""
    voice = espeak_voice(tag) + (f"+{variant}" if variant else "")
    return replace(source, text=text, language=tag, backend=Backend.ESPEAK, model=ESPEAK_MODEL,
                   model_hash="", voice=voice, variant=tag)  # fmt: skip


def espeak_voice(tag: str) -> str:
    """espeak-ng's voice for the language ``tag``; ValueError when it has none."""
    from studio.voice.espeak import SpeechError, voice_for_language

    try:
        return voice_for_language(tag)
    except SpeechError as exc:
        raise ValueError(f"{exc}: its lines cannot be dubbed") from None


def _kokoro_prefix(tag: str) -> str:
    from studio.voice.kokoro_tts import voice_prefix

    return voice_prefix(tag)


def _asked_kokoro(project: Project, shot: Shot, index: int, choice: VoiceChoice) -> bool:
    character = project.character(shot.dialogue[index].character)
    own = character.voice.backend if character is not None else ""
    return (choice.backend or own) == Backend.KOKORO
