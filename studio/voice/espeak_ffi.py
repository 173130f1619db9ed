"""The raw ctypes binding to libespeak-ng from the ``espeakng-loader`` wheel, and its events read.

The event and voice structs of ``speak_lib.h``, the function prototypes, and
:class:`EspeakLibrary`, which initialises the library once (synchronous retrieval mode, phoneme
events named in IPA) and runs one synthesis at a time, collecting the 16-bit samples and the
events the library reports; not thread-safe, the caller holds a lock. :func:`read_events` turns
the events into words (with their text as written in the input) and timed phonemes.
"""

from __future__ import annotations

import ctypes
import os
import unicodedata
from dataclasses import dataclass, field

# speak_lib.h constants
AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_PHONEME_EVENTS = 0x0001
INITIALIZE_PHONEME_IPA = 0x0002
INITIALIZE_DONT_EXIT = 0x8000  # return an error instead of calling exit() when data is missing
CHARS_UTF8 = 1
POS_CHARACTER = 1
EE_OK = 0

EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_END = 5
EVENT_MSG_TERMINATED = 6
EVENT_PHONEME = 7

PARAM_RATE, PARAM_VOLUME, PARAM_PITCH = 1, 2, 3

RATE_MINIMUM, RATE_NORMAL, RATE_MAXIMUM = 80, 175, 450  # words per minute
PITCH_NORMAL, PITCH_MAXIMUM = 50, 100
VOLUME_NORMAL, VOLUME_MAXIMUM = 100, 200


class _EventId(ctypes.Union):
    _fields_ = (
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),  # phoneme name, UTF-8, NUL-terminated unless 8 bytes long
    )


class EspeakEvent(ctypes.Structure):  # espeak_EVENT
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters of the input
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds
        ("sample", ctypes.c_int),  # the same instant in samples at the native rate
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


class EspeakVoice(ctypes.Structure):
    """``espeak_VOICE``; ``languages`` is a list of (priority byte, name, NUL), ended by NUL."""

    _fields_ = (
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(EspeakEvent)
)


@dataclass(frozen=True, slots=True)
class RawEvent:
    """One event as the library reported it (``name`` is the IPA of phoneme events)."""

    kind: int
    position: int  # 1-based character position in the input
    length: int
    sample: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class VoiceEntry:
    identifier: str  # path under espeak-ng-data/lang, e.g. "gmw/en-US"
    languages: tuple[tuple[int, str], ...]  # (priority, language), lower priority is preferred


@dataclass(slots=True)
class _Collected:
    chunks: list[bytes] = field(default_factory=list)
    events: list[RawEvent] = field(default_factory=list)
    error: BaseException | None = None


def _declare(lib: ctypes.CDLL) -> None:
    c = ctypes
    voice_p = c.POINTER(EspeakVoice)
    prototypes = {  # name: (argument types, result type), as in speak_lib.h
        "espeak_Initialize": ((c.c_int, c.c_int, c.c_char_p, c.c_int), c.c_int),
        "espeak_SetSynthCallback": ((SynthCallback,), None),
        "espeak_SetVoiceByName": ((c.c_char_p,), c.c_int),
        "espeak_SetParameter": ((c.c_int, c.c_int, c.c_int), c.c_int),
        "espeak_GetCurrentVoice": ((), voice_p),
        "espeak_ListVoices": ((c.c_void_p,), c.POINTER(voice_p)),
        # text, size, position, position type, end position, flags, unique id out, user data
        "espeak_Synth": (
            (c.c_char_p, c.c_size_t, c.c_uint, c.c_int, c.c_uint, c.c_uint, c.c_void_p, c.c_void_p),
            c.c_int,
        ),
    }
    for name, (arguments, result) in prototypes.items():
        function = getattr(lib, name)
        function.argtypes = arguments
        function.restype = result


class EspeakLibrary:
    """libespeak-ng, initialised; it owns the synth callback (kept alive as an attribute)."""

    def __init__(self, library_path: str, data_path: str) -> None:
        self._lib = ctypes.CDLL(library_path)
        _declare(self._lib)
        options = INITIALIZE_PHONEME_EVENTS | INITIALIZE_PHONEME_IPA | INITIALIZE_DONT_EXIT
        rate = self._lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, os.fsencode(data_path), options
        )
        if rate <= 0:
            raise OSError(f"espeak-ng could not start with its data at {data_path}")
        self.sample_rate: int = rate
        self._voice = ""  # the name last selected, so selecting it again costs nothing
        self._collected = _Collected()
        self._callback = SynthCallback(self._on_synth)
        self._lib.espeak_SetSynthCallback(self._callback)

    def set_voice(self, name: str) -> bool:
        """Select a voice by file name ("en-us", "cmn", optionally "+variant") or full name."""
        if name == self._voice:
            return True
        if self._lib.espeak_SetVoiceByName(name.encode()) != EE_OK:
            return False
        self._voice = name
        return True

    def current_voice(self) -> str:
        """The identifier of the selected voice ("gmw/en-US"), without its variant."""
        voice = self._lib.espeak_GetCurrentVoice()
        identifier = voice.contents.identifier if voice else None
        return (identifier or b"").decode(errors="replace").partition("+")[0]

    def set_parameter(self, parameter: int, value: int) -> None:
        self._lib.espeak_SetParameter(parameter, value, 0)

    def list_voices(self) -> list[VoiceEntry]:
        found = self._lib.espeak_ListVoices(None)
        entries = []
        while found[len(entries)]:
            voice = found[len(entries)].contents
            identifier = (voice.identifier or b"").decode(errors="replace")
            entries.append(VoiceEntry(identifier, _languages(voice.languages)))
        return entries

    def synthesize(self, text: str) -> tuple[bytes, list[RawEvent]]:
        """The 16-bit native-endian samples of ``text`` (UTF-8, no SSML) and its events."""
        data = text.encode()
        self._collected = _Collected()
        status = self._lib.espeak_Synth(
            data, len(data) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None
        )
        collected, self._collected = self._collected, _Collected()
        if collected.error is not None:
            raise collected.error
        if status != EE_OK:
            raise OSError(f"espeak_Synth failed with status {status}")
        return b"".join(collected.chunks), collected.events

    def _on_synth(self, wav, count: int, events) -> int:  # wav, events: ctypes pointers
        try:
            if wav and count > 0:
                self._collected.chunks.append(ctypes.string_at(wav, count * 2))
            i = 0
            while events and events[i].type != EVENT_LIST_TERMINATED:
                self._collected.events.append(_raw_event(events[i]))
                i += 1
        except BaseException as error:  # raised again by synthesize(), not lost inside C
            self._collected.error = error
            return 1  # abort synthesis
        return 0


def _raw_event(event: EspeakEvent) -> RawEvent:
    name = ""
    if event.type == EVENT_PHONEME:
        name = event.id.string.decode("utf-8", errors="ignore")
    return RawEvent(event.type, event.text_position, event.length, event.sample, name)


def _languages(pointer: int | None) -> tuple[tuple[int, str], ...]:
    if not pointer:
        return ()
    found = []
    at = pointer
    while priority := ctypes.string_at(at, 1)[0]:
        name = ctypes.string_at(at + 1)
        found.append((priority, name.decode(errors="replace")))
        at += len(name) + 2
    return tuple(found)


@dataclass(slots=True)
class SpokenWord:
    """One word as espeak-ng spoke it, ``text`` as written in the input."""

    position: int  # index of its first character in the input
    reported_end: int  # where the characters espeak-ng reported for it end
    parts: list[list[int]]  # phoneme indices per spoken word (a number reads as several)
    text: str = ""


@dataclass(frozen=True, slots=True)
class SpokenPhoneme:
    start: int  # samples
    end: int
    ipa: str


def read_events(
    text: str, events: list[RawEvent], samples: int
) -> tuple[list[SpokenWord], list[SpokenPhoneme]]:
    """The words and phonemes in ``events`` of ``text`` (``samples`` long), in order.

    Word events give 1-based character positions. A word event starting inside the previous
    word is the same input word read as several (numbers). A phoneme lasts until the next
    phoneme, pause or clause end; pauses and language switches ("(en)") are not phonemes.
    """
    words: list[SpokenWord] = []
    spans: list[list] = []  # [start, end or None, ipa]
    boundary = 0
    for event in events:
        if event.kind == EVENT_WORD:
            at = min(max(event.position - 1, 0), len(text))
            last = words[-1] if words else None  # positions only grow: anything else is merged
            if last is not None and (at <= last.position or at < last.reported_end):
                last.parts.append([])  # the same input word, read on as another spoken word
            else:
                words.append(SpokenWord(at, at + max(event.length, 0), [[]]))
        elif event.kind in (EVENT_PHONEME, EVENT_END, EVENT_MSG_TERMINATED):
            boundary = min(max(event.sample, boundary), samples)
            if spans and spans[-1][1] is None:
                spans[-1][1] = boundary
            if event.kind == EVENT_PHONEME and _is_phoneme(event.name):
                spans.append([boundary, None, event.name])
                if words:
                    words[-1].parts[-1].append(len(spans) - 1)
    if spans and spans[-1][1] is None:
        spans[-1][1] = samples
    spoken: list[SpokenWord] = []
    for i, word in enumerate(words):
        following = words[i + 1].position if i + 1 < len(words) else len(text)
        word.text = _written(text, word.position, word.reported_end, following)
        if word.text:
            spoken.append(word)
        elif spoken:  # a word event on a space: more of the word before ("😀" -> grinning face)
            spoken[-1].parts.extend(word.parts)
    return spoken, [SpokenPhoneme(start, end, ipa) for start, end, ipa in spans]


def _is_phoneme(name: str) -> bool:
    name = name.strip()
    language_switch = name.startswith("(") and name.endswith(")")
    return not language_switch and any(char.isalpha() for char in name)


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def _written(text: str, start: int, reported_end: int, limit: int) -> str:
    """The input word from ``start``: what espeak-ng reported, extended to the last letter or
    digit before the next word (it reports "你" for "你好", "of" for "of the")."""
    end = min(reported_end, limit)
    for i in range(limit - 1, end - 1, -1):
        if _is_word_char(text[i]):
            end = i + 1
            break
    word = text[start:end].strip()
    while word and unicodedata.category(word[0])[0] == "P" and any(map(_is_word_char, word)):
        word = word[1:]  # an opening quote or bracket espeak-ng counted in
    return word
