"""What Kokoro reads: espeak-ng's IPA spelled in Kokoro's symbols, and the line around it.

Kokoro-82M was trained on misaki's spelling of phonemes, not on raw IPA: one letter per English
diphthong (``A`` eɪ, ``I`` aɪ, ``O`` oʊ, ``W`` aʊ, ``Y`` ɔɪ, ``Q`` əʊ), ligatures for affricates
(``ʧ``, ``ʤ``, ``ʦ``, ``ʨ``, ``ꭧ`` for ʈʂ), ``ᵊ`` before syllabic consonants, tone arrows after
Mandarin vowels. :func:`kokoro_symbols` respells one word's espeak-ng IPA that way (the rules are
learned from misaki's espeak fallback and its lexicons). The rest of the module places the
punctuation the model reads, packs words into chunks that fit its context and says which
symbols make each phoneme, so the model's per-symbol durations time words and phonemes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_ENDS = frozenset(".!?…")
# Punctuation the model reads, as misaki writes it (full-width forms become ASCII).
PUNCTUATION = {c: c for c in ",.!?;:…—"} | {"，": ",", "、": ",", "。": ".", "．": ".", "！": "!"}
PUNCTUATION |= {"？": "?", "：": ":", "；": ";"}
STRESS = "ˈˌ"  # a stress mark's time belongs to the phoneme after it
MODIFIERS = "ːʰʲ↓→↗↘"  # length, aspiration and tone: their time belongs to the phoneme before
# Kokoro's one-letter diphthongs and affricates, back in IPA for the phoneme marks.
IPA_OF = {"A": "eɪ", "I": "aɪ", "O": "oʊ", "Q": "əʊ", "W": "aʊ", "Y": "ɔɪ", "ʧ": "tʃ", "ʤ": "dʒ"}
IPA_OF |= {"ʦ": "ts", "ʣ": "dz", "ʨ": "tɕ", "ʥ": "dʑ", "ꭧ": "ʈʂ", "ᵊ": "ə", "T": "ɾ"}


def kokoro_symbols(ipa: str, espeak_voice: str) -> str:
    """espeak-ng's IPA for one word, spelled as Kokoro's training data spells it (misaki's
    symbols); the caller drops whatever the model's vocabulary lacks."""
    text = re.sub("[\\^\u0361\u035c-]", "", ipa)  # tie bars and espeak's syllable hyphens
    if espeak_voice.startswith("en"):
        british = not espeak_voice.startswith("en-us")
        text = _replace(text, _EN_FIRST)
        text = re.sub("(\\S)\u0329", "ᵊ\\1", text).replace("\u0329", "")  # syllabic n, l
        return _replace(text, _EN_GB if british else _EN_US)
    if espeak_voice in ("cmn", "yue", "hak") or espeak_voice.startswith(("zh", "cmn")):
        text = _replace(text.replace("ˈ", "").replace("ˌ", ""), _ZH)
        text = re.sub("(?<=[ptkʦʨꭧ])h", "ʰ", text)  # espeak writes aspiration as a plain h
        text = re.sub("[1-5]+", lambda m: _TONES.get(m[0], _TONES.get(m[0][0], "")), text)
        return re.sub("ŋ([↓→↗↘])", "\\1ŋ", text)  # the tone follows the vowel, not the coda
    return _replace(text, _OTHER)


def _replace(text: str, table: tuple[tuple[str, str], ...]) -> str:
    for old, new in table:
        text = text.replace(old, new)
    return text


_EN_FIRST = (("ʔˌn\u0329", "ʔn"), ("ʔn\u0329", "ʔn"), ("ɚɹ", "əɹ"), ("ɚ", "əɹ"), ("ɝ", "ɜɹ"))
_EN_FIRST += (("aɪ", "I"), ("aʊ", "W"), ("eɪ", "A"), ("ɔɪ", "Y"), ("tʃ", "ʧ"), ("dʒ", "ʤ"))
_EN_FIRST += (("r", "ɹ"), ("x", "k"), ("ç", "k"), ("ɐ", "ə"), ("ɬ", "l"), ("ʲ", ""), ("\u0303", ""))
_EN_US = (("oʊ", "O"), ("ɜːɹ", "ɜɹ"), ("ɜː", "ɜɹ"), ("ɪə", "iə"), ("ː", ""), ("e", "A"))
_EN_US += (("o", "ɔ"),)
_EN_GB = (("əʊ", "Q"), ("eə", "ɛː"), ("iə", "ɪə"), ("e", "ɛ"), ("o", "ɔ"))
# espeak cmn marks retroflexes with a dot and writes tones as pitch digits after the vowel.
_ZH = (("ts.", "ꭧ"), ("ts", "ʦ"), ("tɕ", "ʨ"), ("s.", "ʂ"), ("z.", "ɻ"), ("ʐ", "ɻ"), ("i.", "ɨ"))
_ZH += (("i\u032a", "ɨ"), ("χ", "x"), ("nɡ", "ŋ"), ("oŋ", "ʊŋ"), ("ɑ", "a"), (".", ""))
# Tone contours as pitch digits (espeak's phoneme mnemonics: 55 35 214 51 11), or only their
# first digit, where 5 is tone 1 or tone 4 alike and reads as the commoner tone 4.
_TONES = {"55": "→", "35": "↗", "214": "↓", "21": "↓", "51": "↘", "11": ""}
_TONES |= {"1": "", "2": "↓", "3": "↗", "4": "↘", "5": "↘"}
_OTHER = (("aɪ", "I"), ("aʊ", "W"), ("dz", "ʣ"), ("dʒ", "ʤ"), ("eɪ", "A"), ("oʊ", "O"))
_OTHER += (("əʊ", "Q"), ("ts", "ʦ"), ("tʃ", "ʧ"), ("ɔɪ", "Y"))


@dataclass(frozen=True, slots=True)
class KokoroWord:
    """One input word and what the model reads for it (every symbol in its vocabulary)."""

    text: str
    symbols: str
    punctuation: str  # read right after the word, before the space to the next one


def punctuation_after(text: str, words: list[str]) -> list[str]:
    """The punctuation written after each word of ``text``, up to the next word found."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for word in words:
        at = text.find(word, cursor)
        spans.append(None if at < 0 else (at, at + len(word)))
        cursor = cursor if at < 0 else at + len(word)
    found, stop = [], len(text)
    for span in reversed(spans):
        if span is None:
            found.append("")
            continue
        found.append("".join(PUNCTUATION[c] for c in text[span[1] : stop] if c in PUNCTUATION))
        stop = span[0]
    return found[::-1]


def chunk_words(words: list[KokoroWord], limit: int) -> list[list[KokoroWord]]:
    """Words packed into chunks of at most ``limit`` symbols, ended after a sentence where one
    ends in the chunk, else between words."""
    chunks: list[list[KokoroWord]] = []
    chunk: list[KokoroWord] = []
    cut = 0  # how many of the chunk's words end with its last sentence
    for word in words:
        while chunk and chunk_size([*chunk, word]) > limit:
            keep = cut or len(chunk)
            chunks.append(chunk[:keep])
            chunk, cut = chunk[keep:], 0
        chunk.append(word)
        cut = len(chunk) if SENTENCE_ENDS & set(word.punctuation) else cut
    return [*chunks, chunk] if chunk else chunks


def chunk_size(words: list[KokoroWord]) -> int:
    """How many symbols the model reads for ``words``: each with its punctuation, and spaces."""
    return sum(len(word.symbols) + len(word.punctuation) + 1 for word in words) - 1


def phoneme_spans(symbols: str) -> list[tuple[int, int, str]]:
    """Each phoneme of a word's symbols as (first, end) symbol positions and its IPA; a stress
    mark joins the phoneme after it, length, aspiration and tone the phoneme before."""
    spans: list[list[int]] = []
    stress: int | None = None
    for i, symbol in enumerate(symbols):
        if symbol in STRESS:
            stress = i if stress is None else stress
        elif symbol == " " or symbol in PUNCTUATION:
            stress = None
        elif symbol in MODIFIERS and spans and spans[-1][1] == i:
            spans[-1][1] = i + 1
        else:
            spans.append([i if stress is None else stress, i + 1])
            stress = None
    return [(a, b, "".join(IPA_OF.get(c, c) for c in symbols[a:b])) for a, b in spans]
