"""Caption rules per language: line lengths, breaks that keep phrases together, CJK and
right-to-left text, reading speed; and the ISO 639-2 codes the export tags streams with."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import pytest
from test_subtitles import H, W, box, burn, drawn

from studio.core.language_codes import iso639_2, stream_language
from studio.core.speech_timing import Mark
from studio.media.caption_rules import (
    NO_LINE_END,
    caption_rules,
    caption_style,
    reading_speed,
    too_fast,
)
from studio.media.captions import CaptionStyle, Cue, SpokenWords, build_cues, caption_words
from studio.media.subtitles import ass_text, srt_text, vtt_text

CLOSING = "，。！？、；：」』）》〉】ーっゃゅょッャュョ"


def spread(text: str, seconds: float = 3.0) -> list[SpokenWords]:
    """``text`` as words spread evenly over ``seconds``, as an unvoiced line is captioned."""
    words = caption_words(text)
    step = round(48000 * seconds / len(words))
    marks = tuple(Mark(k * step, (k + 1) * step, w) for k, w in enumerate(words))
    return [SpokenWords(0, marks, text=text)]


def lines_of(cues: list[Cue]) -> list[str]:
    return [line for cue in cues for line in cue.lines]


def bare(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


@pytest.mark.parametrize(
    ("language", "chars", "cps", "cjk", "rtl"),
    [("en", 42, 17, False, False), ("es-419", 42, 17, False, False), ("pt-BR", 42, 17, False,
     False), ("ru", 42, 17, False, False), ("zh-Hans", 16, 9, True, False), ("ja", 16, 4, True,
     False), ("ko", 16, 12, True, False), ("ar", 42, 20, False, True), ("he", 42, 17, False,
     True), ("th", 35, 15, False, False), ("", 42, 17, False, False)],
)  # fmt: skip
def test_the_rules_table(language, chars, cps, cjk, rtl):
    rules = caption_rules(language)
    assert (rules.max_chars, rules.cps, rules.max_lines, rules.cjk, rules.rtl) == (
        chars, cps, 2, cjk, rtl
    )  # fmt: skip
    wide = caption_style(language, portrait=False)
    tall = caption_style(language)
    assert (wide.max_chars_cjk if cjk else wide.max_chars) == chars
    assert tall.max_lines == 2
    assert tall.max_chars == (wide.max_chars if cjk else min(chars, 32))  # portrait house style


@pytest.mark.parametrize(
    ("language", "text"),
    [("es", "Necesito que me traigas la carta de la señora ahora mismo"),
     ("en", "I need you to bring me the letter from the lady right now"),
     ("de", "Du musst mir den Brief von der Dame sofort bringen bitte"),
     ("fr", "Je voudrais que tu ailles chercher le médecin avec ta soeur ce soir"),
     ("it", "Devi portarmi la lettera della signora e il pacco subito"),
     ("pt", "Preciso que você me traga a carta da senhora agora mesmo"),
     ("id", "Aku ingin kamu membawa surat dari ibu itu dengan segera sekarang")],
)  # fmt: skip
def test_no_line_ends_on_an_article_preposition_or_conjunction(language, text):
    cues = build_cues(spread(text), caption_style(language))
    shown = lines_of(cues)
    assert bare("".join(shown)) == bare(text)  # every word, in order
    for line in shown[:-1]:
        assert line.split()[-1].casefold() not in NO_LINE_END[language], shown
        assert len(line) <= 32


def test_without_the_rule_the_balanced_break_would_dangle():
    text = "Necesito que me traigas la carta de la señora ahora mismo"
    plain = lines_of(build_cues(spread(text), CaptionStyle()))
    assert plain[0].endswith(" la")  # the rule changes something
    ruled = lines_of(build_cues(spread(text), caption_style("es")))
    assert ruled == ["Necesito que me traigas la carta", "de la señora ahora mismo"]


def test_cjk_text_without_word_timings_breaks_at_punctuation_never_before_it():
    chinese = "你好，我是小明。今天天气很好，我们一起去公园散步吧！你想先喝一杯茶吗？"
    japanese = "ちょっと待って、それは本当のことですか？私はまだ信じられないんですけど。"
    assert caption_words("我用iPhone拍的「好」ちょっと") == [
        "我", "用", "iPhone", "拍", "的", "好", "ちょっ", "と"
    ]  # fmt: skip
    for language, text in (("zh-Hans", chinese), ("ja", japanese)):
        shown = lines_of(build_cues(spread(text, 6.0), caption_style(language)))
        assert "".join(shown) == text
        for line in shown:
            assert len(line) <= 16 and line[0] not in CLOSING, shown
    for seconds in (3.0, 6.0):
        shown = lines_of(build_cues(spread(chinese, seconds), caption_style("zh")))
        assert not any(line.endswith("很") for line in shown), shown  # 很好 kept together


@pytest.mark.parametrize(
    ("language", "text"),
    [("ar", "أنا هنا فقط لتوصيل طرد، وقّع من فضلك، ثم سأذهب إلى البيت بسرعة"),
     ("he", "אני כאן רק בשביל משלוח, תחתום בבקשה ואז אני הולך הביתה")],
)  # fmt: skip
def test_right_to_left_text_keeps_its_words_in_order_through_every_format(language, text):
    cues = build_cues(spread(text), caption_style(language))
    shown = lines_of(cues)
    assert " ".join(shown) == text  # logical order, as written
    assert all(len(line) <= 32 for line in shown)
    for written in (srt_text(cues), vtt_text(cues), ass_text(cues, language=language)):
        for line in shown:
            assert line in written


def test_a_cue_read_too_fast_is_flagged_not_cut():
    cue = Cue(Fraction(0), Fraction(1), ("Solo vengo a hacer una entrega.",))  # 31 characters
    assert reading_speed(cue) == 31
    assert too_fast([cue], "es") == [cue]
    slow = Cue(Fraction(0), Fraction(2), cue.lines)  # 15.5 a second
    assert too_fast([slow], "es") == [] and too_fast([slow], "ja") == [slow]
    cues = build_cues(spread("Solo vengo a hacer una entrega.", 1.0), caption_style("es"))
    assert " ".join(lines_of(cues)) == "Solo vengo a hacer una entrega."  # all of it, shown
    assert too_fast(cues, "es") == cues


@pytest.mark.parametrize(
    ("tag", "code"),
    [("es", "spa"), ("es-419", "spa"), ("pt-BR", "por"), ("id", "ind"), ("zh-Hans", "chi"),
     ("zh-Hant-TW", "chi"), ("ja", "jpn"), ("ko", "kor"), ("ar", "ara"), ("he", "heb"),
     ("th", "tha"), ("fr", "fre"), ("de", "ger"), ("EN-us", "eng")],
)  # fmt: skip
def test_iso_639_2_codes(tag, code):
    assert iso639_2(tag) == code == stream_language(tag)


def test_an_unknown_language_has_no_code_and_the_source_export_says_undetermined():
    with pytest.raises(
        ValueError, match=r"no ISO 639-2 code known for the language 'xx' \(known: ar, "
    ):
        iso639_2("xx")
    assert stream_language("") == stream_language("xx") == "und"


def test_the_lines_of_a_cue_do_not_overlap_the_next_cue():
    text = "Necesito que me traigas la carta de la señora ahora mismo, y después vete a casa."
    cues = build_cues(spread(text, 5.0), caption_style("es"))
    assert len(cues) >= 2
    for a, b in itertools.pairwise(cues):
        assert b.start > a.end


@pytest.mark.parametrize("language", ["ar", "he"])
def test_right_to_left_captions_burn_inside_the_margins(tmp_path, language):
    text = {"ar": "وقّع من فضلك، ثم اذهب", "he": "תחתום בבקשה, ואז לך"}[language]
    (cue,) = build_cues(spread(text, 1.0), caption_style(language))
    frame = burn(tmp_path, ass_text([cue], width=W, height=H, language=language), 1)[1]
    mask = drawn(frame)
    left, _, right, bottom = box(mask)
    assert mask.sum() > 300  # glyphs, not nothing
    assert left >= W * 0.08 and right <= W * 0.92 and bottom <= H * 0.65
