"""What a request makes, in the words of the Jobs panel: a take, a keyframe, a voice clip, a
lip-sync, a character reference still or the assistant's suggestions. Read from the request's
kind and its target."""

from __future__ import annotations

from studio.core.request import Request, RequestKind
from studio.core.targets import ReferenceTarget

_MAKES = {
    RequestKind.IMAGE: "keyframe",  # a still, held for the shot's duration as its take
    RequestKind.VIDEO: "take",
    RequestKind.TTS: "voice",
    RequestKind.LIPSYNC: "lip-sync",
    RequestKind.ASSIST: "suggestions",  # the assistant's answers about an episode
    RequestKind.TRANSLATE: "translation",  # an episode's dialogue in a target language
}


def makes(request: Request) -> str:
    """ "take", "keyframe", "voice", "lip-sync", "reference" (a still of a character) or
    "suggestions"."""
    if isinstance(request.target, ReferenceTarget):
        return "reference"
    return _MAKES.get(request.kind, request.kind.value)
