"""The names requests and the models folder share: which backend runs a request, and what kind
of model an installed one is. Both are stored as their plain string values (in ``jobs.json``, a
take's request, ``studio models --json``)."""

from __future__ import annotations

from enum import StrEnum


class Backend(StrEnum):
    """The backend that runs a request (the worker loads it by this name)."""

    ANIMATIC = "animatic"  # built in, no weights: draws the shot's panel
    DIFFUSERS = "diffusers"  # a diffusers pipeline from the models folder
    ESPEAK = "espeak"  # built-in speech (espeak-ng)
    KOKORO = "kokoro"  # a neural voice (Kokoro-82M)
    VISEME = "viseme"  # built-in lip-sync: mouths moved by visemes
    MUSETALK = "musetalk"  # a neural lip-sync model (MuseTalk)
    LANGUAGE_MODEL = "language-model"  # a chat model through transformers: the assistant
    TRANSLATION_MODEL = "translation-model"  # a sequence-to-sequence translation model


ANIMATIC_MODEL = Backend.ANIMATIC.value  # the animatic's model name: it has no weights
PICTURE_BACKENDS = (Backend.ANIMATIC, Backend.DIFFUSERS)  # what makes takes and references
VOICE_BACKENDS = (Backend.ESPEAK, Backend.KOKORO)
LIPSYNC_BACKENDS = (Backend.VISEME, Backend.MUSETALK)
ASSIST_BACKENDS = (Backend.LANGUAGE_MODEL,)
TRANSLATE_BACKENDS = (Backend.TRANSLATION_MODEL,)


class ModelKind(StrEnum):
    """What an installed model makes (:mod:`studio.engine.registry` tells it from its files)."""

    TEXT_TO_IMAGE = "text-to-image"
    IMAGE_TO_VIDEO = "image-to-video"
    TEXT_TO_VIDEO = "text-to-video"
    LORA = "lora"
    IP_ADAPTER = "ip-adapter"
    TTS = "tts"  # a neural voice: Kokoro-82M
    LIPSYNC = "lipsync"  # a neural lip-sync model: MuseTalk
    CHAT = "chat"  # a causal language model with a chat template: the assistant
    TRANSLATION = "translation"  # a sequence-to-sequence model: Marian (OPUS-MT), M2M100, NLLB
    UNKNOWN = "unknown"


# The kinds of diffusers pipeline that make a shot's take.
PIPELINE_KINDS = (ModelKind.TEXT_TO_IMAGE, ModelKind.IMAGE_TO_VIDEO, ModelKind.TEXT_TO_VIDEO)
