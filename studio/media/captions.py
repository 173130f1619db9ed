"""Caption cues from the word timings of the spoken dialogue.

:func:`build_cues` groups the words of each spoken line into cues of one or two short lines for
sound-off viewing. Each spoken line is cut into cues separately (a cue never spans two lines),
choosing the cut that needs the fewest cues while preferring cuts after sentence or clause
punctuation and cues of even length; within a cue the words are split into lines of about equal
width. Times stay exact (:class:`~fractions.Fraction` seconds from the episode start).

Widths are counted in half-width units: a CJK character (or fullwidth sign) counts 2, anything
else 1. A line of mostly-CJK text may be ``2 * max_chars_cjk`` units wide (16 characters), any
other ``max_chars`` units (32 letters, a CJK character counting as two).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from studio.core.speech_timing import Mark

_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")  # with kana, hangul
SENTENCE_END = ".!?…。！？‼⁉؟۔"
CLAUSE_END = ",;:、，；：—–،؛"
_CLOSERS = "\"'”’»)]}」』）》〉】"
_OPENERS = "「『（《〈【"
_BREAK_COST = {"sentence": 0.0, "clause": 0.5, "": 3.0}  # cutting a cue after such a word
# a cue or line ending on an article, preposition or conjunction: worse than cutting a cue
# where there is no punctuation
_DANGLING_COST = 5.0
_GUESSED_WORD_COST = 0.5  # a line break between two CJK characters not known to be words
_FOLLOWERS = "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー々ゝゞヽヾ"  # never start a line


@dataclass(frozen=True, slots=True)
class Cue:
    """One caption on screen from ``start`` to ``end`` (seconds from the episode start)."""

    start: Fraction
    end: Fraction
    lines: tuple[str, ...]  # 1 or 2 lines
    speaker: str = ""


@dataclass(frozen=True, slots=True)
class SpokenWords:
    """One spoken dialogue line placed in the episode.

    ``text``, the line as written, is optional: when given, each word is shown with the
    punctuation next to it in the text (speech timings carry bare words) and spacing follows
    the text; without it words are shown as timed and punctuation cannot guide the breaks.
    """

    offset: int  # where the line starts in the episode, samples at ``sample_rate``
    words: Sequence[Mark]  # from the line's SpeechTiming, relative to its start
    speaker: str = ""
    sample_rate: int = 48000
    text: str = ""


@dataclass(frozen=True, slots=True)
class CaptionStyle:
    """The house style for sound-off vertical viewing."""

    max_chars: int = 32  # per line for alphabetic text
    max_chars_cjk: int = 16  # per line when the text is CJK
    max_lines: int = 2
    max_seconds: float = 3.5  # a cue is cut before it runs longer (a single word may)
    min_seconds: float = 0.8  # a shorter cue is held on screen (not into the next cue's gap)
    gap_seconds: float = 0.08  # at least this between consecutive cues
    no_end_words: frozenset[str] = frozenset()  # a line should not end on these (lower case)


@dataclass(frozen=True, slots=True)
class _Word:
    text: str  # as shown, with its punctuation
    start: Fraction
    end: Fraction
    space_before: bool  # joined to the word before with a space (not at a line start)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def text_width(text: str) -> int:
    """Width in half-width units: 2 for each CJK character, 1 for anything else."""
    return sum(2 if _CJK.match(c) else 1 for c in text)


def caption_words(text: str) -> list[str]:
    """The words of ``text`` for captions timed without word timings: runs of letters and
    digits, each CJK character its own word (with a small kana or a prolongation mark that
    follows it: they never start a line). Punctuation is left out: :func:`build_cues` shows it
    beside its word from the text, so closing punctuation never starts a line."""
    words: list[str] = []
    for run in re.finditer(r"[^\W_]+(?:['’][^\W_]+)*", text):
        token = ""
        for char in run.group():
            if _CJK.match(char) and char not in _FOLLOWERS:
                if token:
                    words.append(token)
                token = char
            elif token and _CJK.match(token[-1]) and char not in _FOLLOWERS:
                words.append(token)
                token = char
            else:
                token += char
        if token:
            words.append(token)
    return words


def build_cues(lines: Sequence[SpokenWords], style: CaptionStyle = CaptionStyle()) -> list[Cue]:
    """The cues of ``lines``, sorted and apart by at least ``style.gap_seconds``.

    A cue runs from its first word's start to its last word's end, then: a cue shorter than
    ``min_seconds`` is held that long; a cue ends ``gap_seconds`` before the next one starts
    (earlier than its last word if need be) but is shown at least ``min_seconds / 2``, the next
    cue waiting if it must (only when lines are spoken over each other or a cue is very short).
    """
    if style.max_lines < 1 or style.max_chars < 1 or style.max_chars_cjk < 1:
        raise ValueError("a caption style needs at least one line of at least one character")
    raw: list[Cue] = []
    for spoken in lines:
        if spoken.sample_rate <= 0:
            raise ValueError(f"sample rate must be positive, got {spoken.sample_rate}")
        words = _words(spoken)
        if words:
            plan = _cut_plan(spoken.text, tuple(spoken.words), spoken.sample_rate, style)
            raw += [Cue(words[i].start, words[j - 1].end, ls, spoken.speaker) for i, j, ls in plan]
    return _timed(sorted(raw, key=lambda c: (c.start, c.end)), style)


@functools.lru_cache(maxsize=4096)
def _cut_plan(
    text: str, marks: tuple[Mark, ...], rate: int, style: CaptionStyle
) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """:func:`_cut` of a line's words as (first, end) word ranges, each with its lines.

    The cut looks only at the words' texts and durations, never at where the line is placed,
    so a line is cut once and the plan reused (the player plans the episode's captions again
    whenever a take arrives; the cut is most of that work)."""
    words = _words(SpokenWords(0, marks, sample_rate=rate, text=text))
    plan, first = [], 0
    for cue, lines in _cut(words, style):
        plan.append((first, first + len(cue), lines))
        first += len(cue)
    return tuple(plan)


def _words(spoken: SpokenWords) -> list[_Word]:
    """The words of a line with their times in seconds and their text as shown."""
    marks = [m for m in spoken.words if m.text.strip()]
    shown = _written(spoken.text, [m.text.strip() for m in marks])
    rate, at = spoken.sample_rate, spoken.offset
    return [
        _Word(text, Fraction(at + m.start, rate), Fraction(at + max(m.end, m.start), rate), space)
        for m, (text, space) in zip(marks, shown, strict=True)
    ]


def _written(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """Each word as written in ``text`` (with the punctuation around it) and whether a space
    comes before it. Words not found in ``text`` are kept bare."""
    spans: list[tuple[int, int] | None] = []
    pos = 0
    for word in words:
        at = text.find(word, pos) if text else -1
        spans.append(None if at < 0 else (at, at + len(word)))
        pos = pos if at < 0 else at + len(word)
    found = [s for s in spans if s is not None]
    lead = {s: "" for s in found}
    trail = dict(lead)
    space = {s: False for s in found}
    if found:
        lead[found[0]] = text[: found[0][0]].strip()
        trail[found[-1]] = text[found[-1][1] :].strip()
    for before, after in itertools.pairwise(found):
        gap = text[before[1] : after[0]]
        cut = next((i for i, c in enumerate(gap) if c.isspace() or _opens(c)), len(gap))
        trail[before] = gap[:cut].strip()
        lead[after] = " ".join(gap[cut:].split())
        space[after] = any(c.isspace() for c in gap)
    out: list[tuple[str, bool]] = []
    for word, span in zip(words, spans, strict=True):
        if span is None:
            prev = out[-1][0] if out else ""
            out.append((word, bool(prev) and not (has_cjk(prev[-1]) or has_cjk(word[0]))))
        else:
            out.append((lead[span] + word + trail[span], space[span]))
    return out


def _opens(char: str) -> bool:
    return char in _OPENERS or unicodedata.category(char) in ("Ps", "Pi")


def _ending(word: str) -> str:
    """ "sentence", "clause" or "" for the punctuation that ends ``word``."""
    core = word.rstrip(_CLOSERS)
    if core.endswith(tuple(SENTENCE_END)):
        return "sentence"
    return "clause" if core.endswith(tuple(CLAUSE_END)) else ""


def _limit(words: list[_Word], style: CaptionStyle) -> int:
    """The line width allowed for a spoken line: CJK when most of its letters are CJK."""
    letters = [c for w in words for c in w.text if unicodedata.category(c)[0] in "LN"]
    cjk = sum(1 for c in letters if _CJK.match(c))
    return 2 * style.max_chars_cjk if letters and 2 * cjk >= len(letters) else style.max_chars


def _cut(words: list[_Word], style: CaptionStyle) -> list[tuple[list[_Word], tuple[str, ...]]]:
    """The words of one spoken line cut into cues, each with its lines (dynamic programming
    over the cut points: fewest cues, then punctuation cuts, then even cues)."""
    limit = _limit(words, style)
    capacity = style.max_lines * limit
    longest = Fraction(str(style.max_seconds))
    short = Fraction(str(style.min_seconds))
    n = len(words)
    best: list[tuple[float, int, tuple[str, ...]]] = [(0.0, 0, ())] + [(float("inf"), 0, ())] * n
    for i in range(n):
        if best[i][0] == float("inf"):
            continue
        for j in range(i + 1, n + 1):
            cue = words[i:j]
            if j - i > 1 and cue[-1].end - cue[0].start > longest:
                break
            lines = _layout(cue, limit, style.max_lines, style.no_end_words)
            if lines is None:
                break  # more words cannot fit either
            fill = sum(map(text_width, lines)) / capacity
            cost = 1.0 + 0.2 * (1.0 - min(fill, 1.0)) ** 2
            cost += _BREAK_COST[_ending(cue[-1].text)] if j < n else 0.0
            cost += _dangling(cue[-1].text, style.no_end_words) if j < n else 0.0
            cost += sum(_dangling(line.split()[-1], style.no_end_words) for line in lines[:-1])
            cost += 1.0 if cue[-1].end - cue[0].start < short else 0.0
            if best[i][0] + cost < best[j][0]:
                best[j] = (best[i][0] + cost, i, lines)
    cues = []
    j = n
    while j > 0:
        _, i, lines = best[j]
        cues.append((words[i:j], lines))
        j = i
    return cues[::-1]


def _layout(
    words: list[_Word], limit: int, max_lines: int, no_end: frozenset[str] = frozenset()
) -> tuple[str, ...] | None:
    """``words`` in the fewest lines (at most ``max_lines``) no wider than ``limit`` (a single
    word may be), the lines as even as can be, a break after punctuation preferred and one
    after a word of ``no_end`` avoided; or None."""
    if len(words) == 1:
        return (words[0].text,)
    total = text_width(_joined(words))
    for count in range(1, min(max_lines, len(words)) + 1):
        if total > count * limit + count - 1 and not any(text_width(w.text) > limit for w in words):
            continue
        best: tuple[float, tuple[str, ...]] | None = None
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            parts = [words[a:b] for a, b in itertools.pairwise(bounds)]
            lines = tuple(_joined(p) for p in parts)
            widths = [text_width(s) for s in lines]
            if any(w > limit and len(p) > 1 for w, p in zip(widths, parts, strict=True)):
                continue
            score = (max(widths) - min(widths)) / limit
            score += sum(0.0 if _ending(p[-1].text) else 0.25 for p in parts[:-1])
            score += sum(_dangling(p[-1].text, no_end) for p in parts[:-1])
            score += sum(
                _GUESSED_WORD_COST for a, b in itertools.pairwise(parts) if _in_word(a[-1], b[0])
            )
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None:
            return best[1]
    return None


def _dangling(word: str, no_end: frozenset[str]) -> float:
    """The cost of ending a line or cue on ``word`` (as shown): high for an article,
    preposition or conjunction (without punctuation after it), else nothing."""
    if not no_end or _ending(word):
        return 0.0
    bare = word.strip(_CLOSERS + _OPENERS + "¡¿\"'“‘«").casefold()
    return _DANGLING_COST if bare in no_end else 0.0


def _in_word(before: _Word, word: _Word) -> bool:
    """Whether a line break between ``before`` and ``word`` may cut a word in two: between
    single CJK characters (as :func:`caption_words` splits text whose words are not known),
    with no space or punctuation between them."""
    if word.space_before or _ending(before.text) or word.text[:1] in _OPENERS:
        return False
    return all(_letters(w.text) == 1 and has_cjk(w.text) for w in (before, word))


def _letters(text: str) -> int:
    return sum(1 for c in text if unicodedata.category(c)[0] in "LN")


def _joined(words: list[_Word]) -> str:
    return "".join((" " if w.space_before and k else "") + w.text for k, w in enumerate(words))


def _timed(raw: list[Cue], style: CaptionStyle) -> list[Cue]:
    """``raw`` (sorted) with holds and gaps applied: see :func:`build_cues`."""
    gap = Fraction(str(style.gap_seconds))
    hold = Fraction(str(style.min_seconds))
    out: list[Cue] = []
    for k, cue in enumerate(raw):
        start = cue.start if not out else max(cue.start, out[-1].end + gap)
        end = max(cue.end, start + hold)
        if k + 1 < len(raw) and end > raw[k + 1].start - gap:
            end = max(raw[k + 1].start - gap, start + hold / 2)
        out.append(Cue(start, end, cue.lines, cue.speaker))
    return out
