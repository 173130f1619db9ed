"""Kokoro-82M through its real architecture (kokoro's KModel) with tiny random weights, on CPU.

The folder is built by ``tiny_kokoro.save_tiny_kokoro`` in the layout hexgrad/Kokoro-82M ships;
text goes through the real espeak-ng. Random weights say nothing about how the speech sounds, so
these tests check what the code promises: the files it accepts or refuses, the symbols it feeds
the model, and that the timings agree with the model's own predicted durations.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from tiny_kokoro import SAMPLES_PER_STEP, save_tiny_kokoro

from studio.core.speech_timing import Mark
from studio.voice.kokoro_text import KokoroWord, chunk_size, chunk_words, kokoro_symbols
from studio.voice.kokoro_tts import (
    KokoroError,
    KokoroVoice,
    is_kokoro_folder,
    kokoro_files,
    kokoro_voices,
)

pytestmark = pytest.mark.slow  # importing kokoro alone takes seconds

ENGLISH = "Hello there, how are you doing today?"
CHINESE = "你好，世界。我们今天去公园吧！"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory):
    torch.set_num_threads(1)
    path = save_tiny_kokoro(tmp_path_factory.mktemp("models") / "Kokoro-82M")
    yield path
    shutil.rmtree(path, ignore_errors=True)  # 100 MB: not kept among pytest's old temp dirs


@pytest.fixture(scope="module")
def voice(folder: Path) -> KokoroVoice:
    return KokoroVoice.load(folder)


def _variant(folder: Path, target: Path, *, weights: bool = True, voices: bool = True) -> Path:
    """A copy of the tiny folder (weights hard-linked), less what is asked."""
    target.mkdir()
    shutil.copy(folder / "config.json", target)
    if weights:
        (target / "kokoro-v1_0.pth").hardlink_to(folder / "kokoro-v1_0.pth")
    if voices:
        shutil.copytree(folder / "voices", target / "voices")
    return target


def _inside(marks: tuple[Mark, ...], span: Mark) -> list[Mark]:
    return [m for m in marks if span.start <= m.start and m.end <= span.end]


def test_the_folder_layout_is_recognised(folder: Path, tmp_path: Path) -> None:
    assert is_kokoro_folder(folder)
    assert kokoro_voices(folder) == ["af_test", "zf_test"]
    names = [p.name for p in kokoro_files(folder)]
    assert names == ["config.json", "kokoro-v1_0.pth", "af_test.pt", "zf_test.pt"]
    assert not is_kokoro_folder(tmp_path / "absent")
    assert not is_kokoro_folder(_variant(folder, tmp_path / "no-weights", weights=False))
    assert not is_kokoro_folder(_variant(folder, tmp_path / "no-voices", voices=False))
    other = _variant(folder, tmp_path / "other-config")
    (other / "config.json").write_text(json.dumps({"vocab": {}}), encoding="utf-8")
    assert not is_kokoro_folder(other)


def test_an_english_line_is_timed_by_the_model_durations(voice: KokoroVoice) -> None:
    audio, timing = voice.synthesize(ENGLISH, language="en")
    assert audio.dtype == np.float32 and audio.ndim == 1 and len(audio) > 0
    assert np.isfinite(audio).all()
    assert (
        (timing.sample_rate, timing.samples)
        == (24000, len(audio))
        == (voice.sample_rate, len(audio))
    )
    assert [w.text for w in timing.words] == re.findall(r"[\w']+", ENGLISH)
    # Every boundary falls on a whole duration step of the tiny decoder.
    steps = [len(audio)] + [n for m in timing.words + timing.phonemes for n in (m.start, m.end)]
    assert all(n % SAMPLES_PER_STEP == 0 for n in steps)
    # Phonemes in order, never overlapping, inside the audio; each word is exactly its phonemes.
    assert timing.phonemes[0].start > 0 and timing.phonemes[-1].end < len(audio)
    for before, after in itertools.pairwise(timing.phonemes):
        assert before.start < before.end <= after.start
    for word in timing.words:
        inside = _inside(timing.phonemes, word)
        assert inside[0].start == word.start and inside[-1].end == word.end
        assert all(a.end == b.start for a, b in itertools.pairwise(inside))
    assert sum(len(_inside(timing.phonemes, w)) for w in timing.words) == len(timing.phonemes)


def test_hello_is_read_as_kokoro_spells_it(voice: KokoroVoice, folder: Path) -> None:
    """misaki's lexicon has hello as həlˈO: that is what the model must be fed, with the style
    row for its length; the word then lasts as long as the model's own durations say."""
    audio, timing = voice.synthesize("Hello", voice="af_test")
    assert [m.text for m in timing.phonemes] == ["h", "ə", "l", "ˈoʊ"]
    style = torch.load(folder / "voices" / "af_test.pt", weights_only=True)
    model = voice._model  # kokoro's KModel, fed here directly
    durations = model("həlˈO", style[len("həlˈO") - 1], 1, True).pred_dur.tolist()
    assert len(audio) == sum(durations) * SAMPLES_PER_STEP
    word = Mark(durations[0] * SAMPLES_PER_STEP, sum(durations[:-1]) * SAMPLES_PER_STEP, "Hello")
    assert timing.words == (word,)


def test_a_faster_speed_is_shorter(voice: KokoroVoice) -> None:
    normal, _ = voice.synthesize(ENGLISH, speed=1.0)
    fast, timing = voice.synthesize(ENGLISH, speed=2.0)
    assert len(fast) < len(normal)
    assert timing.samples == len(fast)
    with pytest.raises(KokoroError, match="speed"):
        voice.synthesize(ENGLISH, speed=0)


def test_the_same_line_sounds_the_same(voice: KokoroVoice) -> None:
    first, first_timing = voice.synthesize(ENGLISH)
    second, second_timing = voice.synthesize(ENGLISH)
    assert np.array_equal(first, second)
    assert first_timing == second_timing


def test_a_chinese_line_goes_through_espeak_cmn(voice: KokoroVoice) -> None:
    audio, timing = voice.synthesize(CHINESE, language="zh")
    assert len(audio) > 0 and timing.samples == len(audio)
    assert "".join(w.text for w in timing.words) == re.sub(r"\W", "", CHINESE)
    heard = {m.text for m in timing.phonemes}
    assert {"ʂ", "ɨ", "tɕ", "tɕʰ", "ŋ"} <= heard  # 世 shì, 界 jiè, 去 qù, 公 gōng
    assert not any(c in m.text for m in timing.phonemes for c in ".ˈˌ")


def test_the_voice_follows_the_language(voice: KokoroVoice) -> None:
    assert voice.pick_voice("", "zh") == "zf_test"
    assert voice.pick_voice("", "en-US") == "af_test"
    assert voice.pick_voice("", "fr") == "af_test"  # no French voice: the first one
    chosen, _ = voice.synthesize("你好", language="zh")
    named, _ = voice.synthesize("你好", voice="zf_test", language="zh")
    other, _ = voice.synthesize("你好", voice="af_test", language="zh")
    assert np.array_equal(chosen, named) and not np.array_equal(chosen, other)
    with pytest.raises(KokoroError, match="no Kokoro voice 'bf_nobody'"):
        voice.synthesize("Hello", voice="bf_nobody")


def test_symbols_missing_from_the_vocabulary_are_dropped(voice: KokoroVoice) -> None:
    _, timing = voice.synthesize("button")  # espeak: bˈʌʔn̩; the tiny vocabulary has no ʔ
    assert [m.text for m in timing.phonemes] == ["b", "ˈʌ", "n"]


def test_long_text_is_read_in_chunks(voice: KokoroVoice) -> None:
    sentence = "This sentence has several words and goes on for a while."
    text = " ".join([sentence] * 4)  # about 200 symbols; the tiny model reads 126 at a time
    audio, timing = voice.synthesize(text)
    # espeak-ng reads some words as one ("for a while"): the words, in order, all there
    assert " ".join(w.text for w in timing.words) == re.sub(r"[^\w ]", "", text)
    assert timing.words[-1].end <= len(audio) == timing.samples
    for before, after in itertools.pairwise(timing.words):
        assert before.start < before.end <= after.start


def test_empty_text_is_silence(voice: KokoroVoice) -> None:
    audio, timing = voice.synthesize("  ")
    assert len(audio) == 0 and timing.samples == 0 and timing.words == ()


def test_chunks_end_after_sentences_and_fit() -> None:
    def word(text: str, punctuation: str = "") -> KokoroWord:
        return KokoroWord(text, text, punctuation)

    first = [word("a"), word("b"), word("c", ".")]  # "a b c.": 6 symbols
    second = [word("d"), word("e", "!")]  # "d e!": 4, and 11 after the first
    long = [word(x) for x in "fghijkl"] + [word("m", "?")]  # 16 symbols
    chunks = chunk_words(first + second + long, 12)
    assert chunks[0] == first + second  # two sentences that fit together
    assert chunks[1:] == [long[:6], long[6:]]  # a sentence too long: split between words
    assert all(chunk_size(chunk) <= 12 for chunk in chunks)
    assert chunk_words(first + second, 10) == [first, second]  # cut after the first sentence


@pytest.mark.parametrize(
    ("ipa", "voice", "spelled"),
    [  # expected: the spellings of misaki's lexicons (us_gold, gb_gold), Kokoro's training data
        ("həlˈoʊ", "en-us", "həlˈO"),
        ("wˈɔːɾɚ", "en-us", "wˈɔɾəɹ"),
        ("bˈʌʔn̩", "en-us", "bˈʌʔn"),
        ("fˈa^ɪɚ", "en-us", "fˈIəɹ"),
        ("dʒˈʌdʒ", "en-us", "ʤˈʌʤ"),
        ("hˈəʊm", "en-gb", "hˈQm"),
        ("ðˈeə", "en-gb", "ðˈɛː"),
        ("bˈed", "en-gb", "bˈɛd"),
        ("s.ˈi.", "cmn", "ʂɨ"),
        ("ts.hˈo-", "cmn", "ꭧʰo"),
        ("kˈonɡ55", "cmn", "kʊ→ŋ"),
        ("ma214", "cmn", "ma↓"),
    ],
)
def test_espeak_ipa_is_spelled_as_kokoro_learned_it(ipa: str, voice: str, spelled: str) -> None:
    assert kokoro_symbols(ipa, voice) == spelled


def test_missing_weights_are_named(folder: Path, tmp_path: Path) -> None:
    with pytest.raises(KokoroError, match=r"\*\.pth"):
        KokoroVoice.load(_variant(folder, tmp_path / "no-weights", weights=False))
    with pytest.raises(KokoroError, match="voices"):
        KokoroVoice.load(_variant(folder, tmp_path / "no-voices", voices=False))


_RAN: list[bool] = []


def _payload_ran() -> None:
    _RAN.append(True)


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_payload_ran, ())


def test_a_checkpoint_holding_code_is_refused(folder: Path, tmp_path: Path) -> None:
    target = _variant(folder, tmp_path / "pickled", weights=False)
    torch.save({"bert": _Payload()}, target / "kokoro-v1_0.pth")
    with pytest.raises(KokoroError, match=r"kokoro-v1_0\.pth is not a plain weights file"):
        KokoroVoice.load(target)
    assert _RAN == []


def test_a_checkpoint_missing_weights_is_refused(folder: Path, tmp_path: Path) -> None:
    target = _variant(folder, tmp_path / "partial", weights=False)
    checkpoint = torch.load(folder / "kokoro-v1_0.pth", weights_only=True)
    del checkpoint["decoder"][next(k for k in checkpoint["decoder"] if k.endswith("weight_v"))]
    torch.save(checkpoint, target / "kokoro-v1_0.pth")
    with pytest.raises(KokoroError, match="lacks decoder weights"):
        KokoroVoice.load(target)
