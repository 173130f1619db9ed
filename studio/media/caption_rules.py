"""Caption rules per language: how long a caption line may be, how fast it may be read, and the
words a line should not end on.

The figures follow the Netflix Timed Text Style Guides (the per-language pages, adult
programmes), as we know them: 42 characters a line and 17 characters a second for languages in
Latin, Cyrillic and Greek script (20 cps for Arabic, whose guide allows it); 16 characters a
line for Chinese, Japanese and Korean, read at 9 (Chinese), 4 (Japanese) and 12 (Korean)
characters a second; 42 for Arabic and Hebrew (right-to-left: lines are stored and measured in
logical order, libass lays them out); 35 for Thai, at 15 cps. Two lines at most everywhere.
Check the current guides before relying on a number for delivery to a platform that demands
them.

A portrait frame is narrower than the 16:9 frame those figures are for: there an alphabetic line
keeps the vertical house style's :data:`PORTRAIT_MAX_CHARS` when that is less (the CJK limit
already fits).

A line (and a cue) should not end on an article, preposition or conjunction: it reads as cut off.
:data:`NO_LINE_END` lists them for the languages we cover; :func:`build_cues` pays a penalty for
such a break and takes it only when nothing better fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from studio.media.captions import CaptionStyle, Cue

PORTRAIT_MAX_CHARS = 32  # the vertical house style's alphabetic line (see CaptionStyle)


@dataclass(frozen=True, slots=True)
class CaptionRules:
    """One language's limits: characters a line, lines a cue, characters a second."""

    max_chars: int
    cps: float  # reading speed: characters (with spaces and punctuation) a second
    max_lines: int = 2
    cjk: bool = False  # lines measured in CJK characters
    rtl: bool = False  # written right to left


_LATIN = CaptionRules(42, 17)
RULES = {
    "zh": CaptionRules(16, 9, cjk=True),
    "cmn": CaptionRules(16, 9, cjk=True),
    "yue": CaptionRules(16, 9, cjk=True),
    "ja": CaptionRules(16, 4, cjk=True),
    "ko": CaptionRules(16, 12, cjk=True),
    "ar": CaptionRules(42, 20, rtl=True),
    "he": CaptionRules(42, 17, rtl=True),
    "fa": CaptionRules(42, 17, rtl=True),
    "ur": CaptionRules(42, 17, rtl=True),
    "th": CaptionRules(35, 15),
}

_ES = "el la los las un una unos unas y e o u ni que de del a al en con por para sin sobre mi tu su"
_PT = "o a os as um uma uns umas e ou nem que de do da dos das em no na nos nas por com para meu"
_FR = (
    "le la les un une des du de et ou ni que à au aux en dans sur pour par avec sans "
    "mon ma mes ton ta tes son sa ses ce cette"
)
_IT = (
    "il lo la i gli le un uno una e o ma che di del della dei a al alla da in nel nella con su "
    "per tra fra"
)
_DE = (
    "der die das den dem des ein eine einen einem einer und oder aber dass zu in im an am auf "
    "mit von vom für bei aus nach"
)
_EN = (
    "a an the and or but nor so that of to in on at by for with from into my your his her our "
    "their its"
)
_ID = "yang dan atau tetapi di ke dari pada untuk dengan si sang para sebuah seorang"
_BY_LANGUAGE = {"es": _ES, "pt": _PT, "fr": _FR, "it": _IT, "de": _DE, "en": _EN, "id": _ID}
NO_LINE_END = {code: frozenset(words.split()) for code, words in _BY_LANGUAGE.items()}


def base_language(tag: str) -> str:
    """The language subtag of a BCP 47 tag, lower case (``pt-BR`` -> ``pt``)."""
    return tag.strip().lower().replace("_", "-").split("-")[0]


def caption_rules(language: str) -> CaptionRules:
    """The rules for ``language`` (a BCP 47 tag; "" or unknown: the Latin-script rules)."""
    return RULES.get(base_language(language), _LATIN)


def caption_style(language: str, *, portrait: bool = True) -> CaptionStyle:
    """The caption style for ``language`` (on a portrait frame unless ``portrait`` is False)."""
    rules = caption_rules(language)
    chars = rules.max_chars
    if portrait and not rules.cjk:
        chars = min(chars, PORTRAIT_MAX_CHARS)
    return CaptionStyle(
        max_chars=chars,
        max_chars_cjk=rules.max_chars if rules.cjk else RULES["zh"].max_chars,
        max_lines=rules.max_lines,
        no_end_words=NO_LINE_END.get(base_language(language), frozenset()),
    )


def reading_speed(cue: Cue) -> Fraction:
    """Characters a second the cue asks of a reader (its lines' characters, spaces included)."""
    chars = sum(len(" ".join(line.split())) for line in cue.lines)
    return Fraction(chars) / max(cue.end - cue.start, Fraction(1, 1000))


def too_fast(cues: Sequence[Cue], language: str) -> list[Cue]:
    """The cues read faster than ``language``'s reading speed allows (their text is kept)."""
    limit = Fraction(str(caption_rules(language).cps))
    return [cue for cue in cues if reading_speed(cue) > limit]
