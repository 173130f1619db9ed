"""Which lines to voice and how: one :class:`VoiceRequest` per spoken dialogue line.

Each character speaks with their own voice (``Character.voice``). A character with no voice set
gets a stable espeak-ng variant of their own, female or male by their description when it says,
so two characters never sound alike by default. A line whose request is unchanged since it was
voiced is not voiced again, nor is a line with the user's own recording (a clip with no request:
a sound file dropped on the line), unless forced.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from studio.core.kinds import Backend
from studio.core.model import Character, Project, Shot, ShotKind
from studio.core.request import VoiceRequest
from studio.voice.delivery import delivery_of, detect_language, spoken_text

ESPEAK_MODEL = "espeak-ng"
_FEMALE = re.compile(r"\b(she|her|woman|girl|mother|daughter|sister|wife|queen|lady|heiress)\b|女")
_MALE = re.compile(r"\b(he|his|him|man|boy|father|son|brother|husband|king|lord)\b|男")
_ESPEAK_VOICES = {"en": "en-us", "zh": "cmn", "ja": "ja", "ko": "ko"}


@dataclass(frozen=True, slots=True)
class VoiceChoice:
    """A project-wide override of every character's backend (``studio voice --backend``)."""

    backend: str = ""  # "" = each character's own
    model: str = ""  # the Kokoro model's registry name
    model_hash: str = ""


def voice_requests(
    project: Project,
    shots: Iterable[Shot],
    choice: VoiceChoice = VoiceChoice(),
    *,
    force: bool = False,
) -> list[VoiceRequest]:
    """Requests for the spoken lines of ``shots`` (all of them with ``force``, else only those
    not voiced yet or changed since)."""
    requests = []
    for shot in shots:
        if shot.kind is not ShotKind.DIALOGUE:
            continue
        done = {clip.line: clip.request for clip in shot.voice}
        for index, _line in enumerate(shot.dialogue):
            request = line_request(project, shot, index, choice)
            if request is None:
                continue
            recorded = index in done and done[index] is None  # the user's own recording
            if force or (done.get(index) != request and not recorded):
                requests.append(request)
    return requests


def line_request(
    project: Project, shot: Shot, index: int, choice: VoiceChoice = VoiceChoice()
) -> VoiceRequest | None:
    """The request for line ``index`` of ``shot``; None when the line says nothing."""
    line = shot.dialogue[index]
    text = spoken_text(line.text)
    if not text:
        return None
    character = project.character(line.character) or Character(line.character)
    settings = character.voice
    language = settings.language or project.language or detect_language(text)
    backend = choice.backend or settings.backend or Backend.ESPEAK
    delivery = delivery_of(line.parenthetical)
    own = (
        settings.voice if backend == (settings.backend or Backend.ESPEAK) else ""
    )  # their voice fits
    if backend == Backend.ESPEAK:
        model, model_hash = ESPEAK_MODEL, ""
        voice = own or default_espeak_voice(character, language)
    else:
        model = choice.model or settings.model
        model_hash = choice.model_hash
        voice = own
    return VoiceRequest(
        shot_id=shot.id,
        line=index,
        character=line.character,
        text=text,
        delivery=line.parenthetical,
        backend=backend,
        model=model,
        model_hash=model_hash,
        voice=voice,
        language=language,
        rate=round(settings.rate * delivery.rate, 4),
        pitch=round(settings.pitch * delivery.pitch, 4),
        volume=round(settings.volume * delivery.volume, 4),
        whisper=delivery.whisper,
    )


def default_espeak_voice(character: Character, language: str) -> str:
    """A stable espeak-ng voice for a character: the language's voice and a variant (``+f3``,
    ``+m2``) chosen by their description's gender words, else by their name."""
    base = _ESPEAK_VOICES.get(language, language or "en-us")
    digest = int(hashlib.sha256(character.name.encode("utf-8")).hexdigest(), 16)
    description = character.description.lower()
    if _FEMALE.search(description):
        female = True
    elif _MALE.search(description):
        female = False
    else:
        female = digest % 2 == 0
    pick = digest >> 8  # other bits than the ones that chose the gender
    variant = f"f{1 + pick % 4}" if female else f"m{1 + pick % 6}"
    return f"{base}+{variant}"
