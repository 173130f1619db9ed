"""Offline speech from espeak-ng (the ``espeakng-loader`` wheel, bound with ctypes).

:func:`synthesize` speaks a line and says when each word and phoneme (IPA) is heard;
:func:`phonemize` gives the IPA of each word (Kokoro's G2P). Both read the same synthesis
events, so a word is paired with exactly the phonemes espeak-ng spoke for it: a number read as
several words ("42") stays one input word, and words espeak-ng speaks as one ("of the", Chinese
"你好") come back as one, written as in the input.

The library is process-global and not thread-safe: it is initialised lazily once and every call
holds one module lock. Empty or whitespace-only text gives zero samples and no marks (not an
error). Problems a user can hit (unknown voice, no library) raise :class:`SpeechError`.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.core.speech_timing import Mark, SpeechTiming
from studio.voice import espeak_ffi as ffi

_LOCK = threading.RLock()
_LANGUAGE_VOICES = {
    "en": "en-us",
    **dict.fromkeys(("zh", "zh-cn", "zh-hans", "zh-sg", "zh-tw", "zh-hant", "zh-cmn"), "cmn"),
    **dict.fromkeys(("zh-hk", "zh-yue", "zh-hant-hk"), "yue"),
}


class SpeechError(Exception):
    """A line espeak-ng cannot speak (unknown voice, bad text, library missing): one line for
    the user."""


@dataclass(frozen=True, slots=True)
class Speech:
    """One synthesized line: its audio and when each word and phoneme is heard."""

    samples: np.ndarray  # float32 mono in -1..1
    sample_rate: int  # espeak-ng's native rate (22050)
    timing: SpeechTiming  # words and phonemes (IPA) in samples at sample_rate


@dataclass(frozen=True, slots=True)
class _Voice:
    id: str  # usable in synthesize(), e.g. "en-us"
    identifier: str  # espeak-ng's, e.g. "gmw/en-US"
    languages: tuple[tuple[int, str], ...]  # (priority, code); lower priority is preferred
    speakable: bool  # its pronunciation dictionary is installed


def synthesize(
    text: str,
    *,
    voice: str = "en-us",
    rate: float = 1.0,
    pitch: float = 1.0,
    volume: float = 1.0,
    whisper: bool = False,
) -> Speech:
    """``text`` spoken by ``voice`` (a voice id or name from :func:`voices`, or a language code).

    ``rate``, ``pitch`` and ``volume`` multiply espeak-ng's defaults (175 words a minute, pitch
    50, volume 100) and are clamped to its ranges; ``whisper`` speaks with the whisper variant.
    """
    settings = {
        ffi.PARAM_RATE: _scaled("rate", rate, ffi.RATE_NORMAL, ffi.RATE_MINIMUM, ffi.RATE_MAXIMUM),
        ffi.PARAM_PITCH: _scaled("pitch", pitch, ffi.PITCH_NORMAL, 0, ffi.PITCH_MAXIMUM),
        ffi.PARAM_VOLUME: _scaled("volume", volume, ffi.VOLUME_NORMAL, 0, ffi.VOLUME_MAXIMUM),
    }
    line = _clean(text)
    with _LOCK:
        library = _library()
        pcm, events = _speak(library, line, voice, "whisper" if whisper else "", settings)
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
    words, phonemes = _marks(*ffi.read_events(line, events, len(samples)))
    timing = SpeechTiming(library.sample_rate, len(samples), words, phonemes)
    return Speech(samples, library.sample_rate, timing)


def phonemize(text: str, *, voice: str = "en-us") -> list[tuple[str, str]]:
    """The words of ``text`` with their IPA, in order: ``[("Hello", "həlˈoʊ"), ...]``.

    A number read as several words is one entry, the IPA of each spoken word joined by spaces.
    """
    line = _clean(text)
    normal = {
        ffi.PARAM_RATE: ffi.RATE_NORMAL,
        ffi.PARAM_PITCH: ffi.PITCH_NORMAL,
        ffi.PARAM_VOLUME: ffi.VOLUME_NORMAL,
    }
    with _LOCK:
        _, events = _speak(_library(), line, voice, "", normal)
    words, phonemes = ffi.read_events(line, events, 0)
    pairs = []
    for word in words:
        ipa = " ".join("".join(phonemes[i].ipa for i in part) for part in word.parts if part)
        if ipa and word.text:
            pairs.append((word.text, ipa))
    return pairs


def voices() -> list[tuple[str, str]]:
    """Each installed voice as (id usable in :func:`synthesize`, its main language code)."""
    return [(v.id, v.languages[0][1] if v.languages else v.id) for v in _voices() if v.speakable]


def voice_for_language(language: str) -> str:
    """The voice for a language code: "en" -> "en-us", "zh" / "zh-cn" / "cmn" -> "cmn",
    "fr-CA" -> "fr" (the best voice for the code, else for its parent language)."""
    code = language.strip().lower().replace("_", "-")
    table = [v for v in _voices() if v.speakable]
    while code:
        if code in _LANGUAGE_VOICES:
            return _LANGUAGE_VOICES[code]
        if any(v.id == code for v in table):
            return code
        ranked = sorted((p, v.id) for v in table for p, name in v.languages if name == code)
        if ranked:
            return ranked[0][1]
        code = code.rpartition("-")[0]
    raise SpeechError(f"espeak-ng has no voice for the language {language!r}")


def _marks(
    words: list[ffi.SpokenWord], phonemes: list[ffi.SpokenPhoneme]
) -> tuple[tuple[Mark, ...], tuple[Mark, ...]]:
    """Word and phoneme marks; a word lasts from its first phoneme to the end of its last,
    zero-length marks (and words with no phoneme heard) are dropped."""
    heard = [p.end > p.start for p in phonemes]
    word_marks = []
    for word in words:
        indices = [i for part in word.parts for i in part if heard[i]]
        if indices and word.text:
            start, end = phonemes[indices[0]].start, phonemes[indices[-1]].end
            word_marks.append(Mark(start, end, word.text))
    phoneme_marks = tuple(Mark(p.start, p.end, p.ipa) for p in phonemes if p.end > p.start)
    return tuple(word_marks), phoneme_marks


def _clean(text: str) -> str:
    return text.replace("\x00", " ")


def _scaled(name: str, factor: float, normal: int, low: int, high: int) -> int:
    try:
        value = float(factor)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise SpeechError(f"the speech {name} must be a number of 0 or more, not {factor!r}")
    return round(min(max(normal * value, low), high))


def _speak(
    library: ffi.EspeakLibrary, line: str, voice: str, variant: str, settings: dict[int, int]
) -> tuple[bytes, list[ffi.RawEvent]]:
    """Select the voice, set the parameters and synthesize (with ``_LOCK`` held)."""
    _select_voice(library, voice, variant)
    for parameter, value in settings.items():
        library.set_parameter(parameter, value)
    if not line.strip():
        return b"", []
    try:
        return library.synthesize(line)
    except OSError as error:
        raise SpeechError(f"espeak-ng could not speak {line[:40]!r}: {error}") from None


def _select_voice(library: ffi.EspeakLibrary, voice: str, variant: str) -> None:
    base, _, asked_variant = voice.strip().partition("+")
    variant = variant or asked_variant
    known_variant = (
        variant.replace("-", "").replace("_", "").isalnum()
        and (_data_path() / "voices" / "!v" / variant).is_file()
    )
    if variant and not known_variant:
        raise SpeechError(f"espeak-ng has no voice variant {variant!r} (voice {voice!r})")
    suffix = f"+{variant}" if variant else ""
    if not base or not library.set_voice(base + suffix):
        try:
            by_language = voice_for_language(base) if base else None
        except SpeechError:
            by_language = None
        if by_language is None or not library.set_voice(by_language + suffix):
            raise SpeechError(f"espeak-ng has no voice {voice!r}")
    current = library.current_voice()
    if any(v.identifier == current and not v.speakable for v in _voices()):
        raise SpeechError(f"espeak-ng's voice {voice!r} is installed without its dictionary")


@functools.cache
def _library() -> ffi.EspeakLibrary:
    """The initialised library (call with ``_LOCK`` held); it keeps the ctypes callback alive."""
    try:
        import espeakng_loader
    except ImportError:
        raise SpeechError(
            "espeak-ng is not available: espeakng-loader is not installed"
            " (pip install espeakng-loader)"
        ) from None
    try:
        return ffi.EspeakLibrary(
            espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
        )
    except (OSError, RuntimeError) as error:
        raise SpeechError(f"espeak-ng could not be loaded: {error}") from None


@functools.cache
def _data_path() -> Path:
    import espeakng_loader

    return Path(espeakng_loader.get_data_path())


def _voices() -> tuple[_Voice, ...]:
    with _LOCK:
        return _voice_table()


@functools.cache
def _voice_table() -> tuple[_Voice, ...]:
    return tuple(
        _Voice(e.identifier.rpartition("/")[2].lower(), e.identifier, e.languages, _has_dict(e))
        for e in _library().list_voices()
    )


def _has_dict(entry: ffi.VoiceEntry) -> bool:
    """Whether the voice's dictionary is installed (the wheel ships a few voices without)."""
    try:
        text = (_data_path() / "lang" / entry.identifier).read_text(errors="replace")
    except OSError:
        return True  # not a plain language voice file: let espeak-ng decide
    keys = [line.split() for line in text.splitlines() if len(line.split()) > 1]
    dictionary = next((k[1] for k in keys if k[0] == "dictionary"), None)
    language = next((k[1] for k in keys if k[0] == "language"), "")
    name = dictionary or language.split("-")[0]
    return not name or (_data_path() / f"{name}_dict").is_file()
