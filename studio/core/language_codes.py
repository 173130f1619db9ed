"""ISO 639-2 codes for the audio and subtitle streams of an export, from BCP 47 tags.

MP4 stores a stream's language as a three-letter ISO 639-2 code. We write the bibliographic
form (``chi``, ``fre``, ``ger``) because that is what the MP4 (QuickTime) language field holds:
ffmpeg turns a terminology code (``zho``) into it when muxing, so ``chi`` is what reads back
either way. Every Chinese tag (``zh``, ``zh-Hans``, ``zh-Hant``, ``cmn``, ``yue``) is ``chi``:
ISO 639-2 has one code for Chinese; the script and region live in the file name and the
subtitle's own tag.
"""

from __future__ import annotations

ISO639_2 = {
    "en": "eng", "es": "spa", "pt": "por", "fr": "fre", "de": "ger", "it": "ita", "nl": "dut",
    "id": "ind", "ms": "may", "tl": "tgl", "fil": "fil", "vi": "vie", "th": "tha", "ru": "rus",
    "uk": "ukr", "pl": "pol", "cs": "cze", "ro": "rum", "hu": "hun", "el": "gre", "tr": "tur",
    "sv": "swe", "da": "dan", "no": "nor", "nb": "nob", "fi": "fin", "ar": "ara", "he": "heb",
    "fa": "per", "ur": "urd", "hi": "hin", "bn": "ben", "ta": "tam", "te": "tel",
    "zh": "chi", "cmn": "chi", "yue": "chi", "ja": "jpn", "ko": "kor",
}  # fmt: skip


def iso639_2(tag: str) -> str:
    """The ISO 639-2 code for the BCP 47 ``tag`` (``pt-BR`` -> ``por``); ValueError naming
    the tags we know for one we do not."""
    code = tag.strip().lower().replace("_", "-").split("-")[0]
    if code in ISO639_2:
        return ISO639_2[code]
    known = ", ".join(sorted(ISO639_2))
    raise ValueError(f"no ISO 639-2 code known for the language {tag!r} (known: {known})")


def stream_language(tag: str) -> str:
    """:func:`iso639_2` for a stream's metadata, ``und`` (undetermined) for "" or an unknown
    tag (the source export of a project whose language is detected)."""
    try:
        return iso639_2(tag)
    except ValueError:
        return "und"
