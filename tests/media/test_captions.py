"""Caption cues from real espeak-ng word timings: grouping, line limits, punctuation, timing."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import pytest

from studio.core.speech_timing import Mark
from studio.media.captions import CaptionStyle, Cue, SpokenWords, build_cues, text_width
from studio.voice.espeak import synthesize

STYLE = CaptionStyle()
GAP = Fraction(2, 25)  # the style's 0.08 s
MS = Fraction(1, 1000)
ENGLISH = (
    "Hello there, my friend. How are you today? I have been waiting for you all morning, "
    "and the rain has not stopped once since dawn. Come inside, sit down, and tell me "
    "everything about the journey."
)
CHINESE = "你好，我是小明。今天天气很好，我们一起去公园散步吧！你想先喝一杯茶吗？"


@pytest.fixture(scope="module")
def english():
    return synthesize(ENGLISH, voice="en-us").timing


@pytest.fixture(scope="module")
def chinese():
    return synthesize(CHINESE, voice="cmn").timing


def bare(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


def cue_words(cues: list[Cue], marks: list[Mark]) -> list[list[Mark]]:
    """The marks each cue shows, in order: its letters must be the next marks' letters."""
    out, k = [], 0
    for cue in cues:
        shown, taken = bare("".join(cue.lines)), []
        while bare("".join(m.text for m in taken)) != shown:
            assert k < len(marks), f"cue {cue.lines} shows words that were not spoken"
            taken.append(marks[k])
            k += 1
        out.append(taken)
    assert k == len(marks), "some spoken words are in no cue"
    return out


def check_common(cues: list[Cue], limit_of) -> None:
    """Sorted, apart by the gap, 1-2 lines, none over its limit unless a single word."""
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2
        assert cue.end > cue.start
        for line in cue.lines:
            assert len(line) <= limit_of(line) or " " not in line.strip(), line
    for a, b in itertools.pairwise(cues):
        assert b.start - a.end >= GAP


def test_an_english_paragraph_keeps_every_word_in_order_in_short_lines(english):
    cues = build_cues([SpokenWords(0, english.words, "Ann", english.sample_rate, ENGLISH)])
    assert len(cues) >= 3
    check_common(cues, lambda line: 32)
    shown = " ".join(line for cue in cues for line in cue.lines)
    assert shown.split() == ENGLISH.split()  # every word once, in order, with its punctuation
    assert {cue.speaker for cue in cues} == {"Ann"}
    rate = english.sample_rate
    for cue, words in zip(cues, cue_words(cues, list(english.words)), strict=True):
        assert abs(cue.start - Fraction(words[0].start, rate)) <= MS
        assert cue.end - cue.start <= Fraction(7, 2)
        # it ends with its last word, or held to 0.8 s, or cut to leave the gap before the next
        assert cue.end >= min(Fraction(words[-1].end, rate), cue.start + Fraction(2, 5))


def test_cues_break_after_punctuation_when_there_is_some(english):
    cues = build_cues([SpokenWords(0, english.words, "", english.sample_rate, ENGLISH)])
    for cue in cues:
        assert cue.lines[-1][-1] in ".,?!", cue.lines  # the text has a comma every few words
    two_line = [cue for cue in cues if len(cue.lines) == 2]
    assert any(cue.lines[0][-1] in ".,?!" for cue in two_line)


def test_a_sentence_end_is_chosen_over_a_fuller_cue():
    # 14 words of 0.3 s: 4.2 s, too long for one cue; a cut after "river." leaves 9 and 5 words
    text = "We walked to the old mill by the river. It was quiet and cold."
    words = [Mark(i * 14_400, (i + 1) * 14_400, w.strip(".")) for i, w in enumerate(text.split())]
    cues = build_cues([SpokenWords(48_000, words, "", 48_000, text)])
    assert [" ".join(c.lines) for c in cues] == [
        "We walked to the old mill by the river.",
        "It was quiet and cold.",
    ]
    assert cues[0].start == 1 and cues[1].start == 1 + Fraction(9 * 14_400, 48_000)


def test_a_chinese_line_is_joined_without_spaces_and_sixteen_characters_a_line(chinese):
    cues = build_cues([SpokenWords(0, chinese.words, "", chinese.sample_rate, CHINESE)])
    check_common(cues, lambda line: 16)
    assert "".join(line for cue in cues for line in cue.lines) == CHINESE
    rate = chinese.sample_rate
    for cue, words in zip(cues, cue_words(cues, list(chinese.words)), strict=True):
        assert abs(cue.start - Fraction(words[0].start, rate)) <= MS
    assert all(cue.lines[-1][-1] in "，。！？" for cue in cues)


def test_without_the_written_text_words_show_as_timed(chinese, english):
    cues = build_cues([SpokenWords(0, chinese.words, "", chinese.sample_rate)])
    assert "".join(line for cue in cues for line in cue.lines) == bare(CHINESE)
    cues = build_cues([SpokenWords(0, english.words, "", english.sample_rate)])
    check_common(cues, lambda line: 32)
    assert " ".join(line for cue in cues for line in cue.lines).split() == bare_words(ENGLISH)


def bare_words(text: str) -> list[str]:
    return [bare(w) for w in text.split()]


def test_a_cue_never_spans_two_spoken_lines():
    first, second = "Hello there, my friend.", "Wait for me!"
    a = synthesize(first, voice="en-us").timing.rescaled(48_000)
    b = synthesize(second, voice="en-us").timing.rescaled(48_000)
    start_b = a.words[-1].end + 2400  # 50 ms after the first line's last word
    cues = build_cues(
        [
            SpokenWords(0, a.words, "Ann", 48_000, first),
            SpokenWords(start_b, b.words, "Bo", 48_000, second),
        ]
    )
    assert [(" ".join(c.lines), c.speaker) for c in cues] == [(first, "Ann"), (second, "Bo")]
    assert cues[1].start == Fraction(start_b + b.words[0].start, 48_000)  # on its first word
    assert cues[1].start - cues[0].end == GAP  # the first ended early to leave the gap


def test_a_long_monologue_is_cut_before_three_and_a_half_seconds():
    text = " ".join(["the long road goes on and on"] * 5)
    timing = synthesize(text, voice="en-us", rate=0.7).timing
    style = CaptionStyle(max_chars=200)  # only the duration limits a cue here
    cues = build_cues([SpokenWords(0, timing.words, "", timing.sample_rate, text)], style)
    for cue in cues:
        assert cue.end - cue.start <= Fraction(7, 2)
    # the fewest cues: greedy filling up to 3.5 s is optimal for a limit on each cue's span
    count, first = 1, timing.words[0]
    for word in timing.words:
        if Fraction(word.end - first.start, timing.sample_rate) > Fraction(7, 2):
            count, first = count + 1, word
    assert len(cues) == count >= 3


def test_a_short_cue_is_held_and_a_crowded_one_waits():
    hi = [Mark(0, 9600, "Hi.")]  # 0.2 s
    alone = build_cues([SpokenWords(0, hi)])
    assert (alone[0].start, alone[0].end) == (0, Fraction(4, 5))  # held to 0.8 s
    soon = build_cues([SpokenWords(0, hi), SpokenWords(24_000, hi)])  # next line at 0.5 s
    assert soon[0].end == Fraction(1, 2) - GAP and soon[1].start == Fraction(1, 2)
    crowded = build_cues([SpokenWords(0, hi), SpokenWords(12_000, hi)])  # next at 0.25 s
    assert crowded[0].end == Fraction(2, 5)  # shown at least half of 0.8 s
    assert crowded[1].start == Fraction(2, 5) + GAP  # and the next waits for the gap
    assert crowded[1].end == crowded[1].start + Fraction(4, 5)


def test_lines_spoken_over_each_other_give_sorted_cues_that_do_not_overlap(english):
    words = english.words[:6]
    lines = [SpokenWords(10_000, words, "Bo"), SpokenWords(0, words, "Ann")]
    cues = build_cues(lines)
    check_common(cues, lambda line: 32)
    assert cues[0].speaker == "Ann"
    assert sorted(cues, key=lambda c: c.start) == cues


def test_mixed_text_counts_a_cjk_character_as_two_letters():
    assert text_width("北京ab") == 6
    text = "I said 你好你好你好 to everyone here today"
    words = [Mark(i * 4800, (i + 1) * 4800, w) for i, w in enumerate(text.split())]
    cues = build_cues([SpokenWords(0, words, "", 48_000, text)], CaptionStyle(max_chars=12))
    for line in (line for cue in cues for line in cue.lines):
        assert text_width(line) <= 12 or " " not in line
    assert " ".join(line for cue in cues for line in cue.lines) == text


def test_two_lines_are_balanced():
    text = "one two three four five six seven eight nine ten eleven"
    words = [Mark(i * 4800, (i + 1) * 4800, w) for i, w in enumerate(text.split())]
    (cue,) = build_cues([SpokenWords(0, words)])
    top, bottom = cue.lines
    assert abs(len(top) - len(bottom)) <= max(map(len, text.split()))
    assert len(top) + len(bottom) + 1 == len(text)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="sample rate"):
        build_cues([SpokenWords(0, [Mark(0, 1, "a")], sample_rate=0)])
    assert build_cues([SpokenWords(0, [])]) == []


def test_a_line_is_cut_alike_wherever_it_is_placed_and_anew_for_another_style() -> None:
    """Lines are cut once and the cut reused (the player plans captions on every take): the
    cut must follow the line and the style, never where the line is placed."""
    text = "Then deliver it, and go before the rain washes the whole street away tonight"
    marks = [Mark(i * 14_400, (i + 1) * 14_400, w.strip(",")) for i, w in enumerate(text.split())]
    here = build_cues([SpokenWords(0, marks, "ETHAN", text=text)])
    later = build_cues([SpokenWords(7 * 48_000, marks, "ETHAN", text=text)])
    assert len(here) > 1
    assert [c.lines for c in later] == [c.lines for c in here]
    assert [c.start for c in later] == [c.start + 7 for c in here]
    narrow = build_cues([SpokenWords(0, marks, "ETHAN", text=text)], CaptionStyle(max_chars=12))
    assert [c.lines for c in narrow] != [c.lines for c in here]
    assert all(text_width(line) <= 12 for c in narrow for line in c.lines)
