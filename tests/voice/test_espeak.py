"""espeak-ng through ctypes, for real: words and phonemes timed against the audio they describe,
the rate / volume / pitch / whisper controls heard in the signal, Chinese, G2P pairs, errors and
two threads at once."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

from studio.voice.espeak import (
    Speech,
    SpeechError,
    phonemize,
    synthesize,
    voice_for_language,
    voices,
)

LINE = "Hello there, this is a quiet test of speech timing."
TWO_SENTENCES = "Hello there. How are you today?"
CHINESE = "你好，我是林晚。"
FRAME = 1024


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def loud_frames(x: np.ndarray) -> list[np.ndarray]:
    frames = [x[i : i + FRAME] for i in range(0, len(x) - FRAME, FRAME // 2)]
    level = max(rms(f) for f in frames)
    return [f - f.mean() for f in frames if rms(f) > 0.3 * level]


def periodicity(frame: np.ndarray, rate: int) -> tuple[float, float]:
    """(strength of the best period between 60 and 500 Hz, its frequency) by autocorrelation."""
    ac = np.correlate(frame, frame, "full")[len(frame) - 1 :]
    ac = ac / ac[0]
    low, high = rate // 500, rate // 60
    lag = low + int(np.argmax(ac[low:high]))
    return float(ac[lag]), rate / lag


def fundamental(speech: Speech) -> float:
    found = [periodicity(f, speech.sample_rate) for f in loud_frames(speech.samples)]
    return float(np.median([hz for strength, hz in found if strength > 0.5]))


def voiced_share(speech: Speech) -> float:
    frames = loud_frames(speech.samples)
    return sum(periodicity(f, speech.sample_rate)[0] > 0.5 for f in frames) / len(frames)


def check_marks_tile_the_audio(speech: Speech) -> None:
    for marks in (speech.timing.words, speech.timing.phonemes):
        assert marks
        for mark in marks:
            assert 0 <= mark.start < mark.end <= len(speech.samples)
        for before, after in itertools.pairwise(marks):
            assert before.end <= after.start


def test_english_words_are_the_input_words_in_order_and_phonemes_sit_inside_them() -> None:
    speech = synthesize(LINE)

    assert speech.sample_rate == 22050 and speech.samples.dtype == np.float32
    assert speech.timing.sample_rate == 22050 and speech.timing.samples == len(speech.samples)
    assert 0 < np.abs(speech.samples).max() <= 1.0
    spoken = " ".join(m.text for m in speech.timing.words).split()  # "of the" may be one mark
    assert spoken == re.findall(r"[\w']+", LINE)
    check_marks_tile_the_audio(speech)
    for phoneme in speech.timing.phonemes:
        assert phoneme.text.strip() not in ("", "_") and not phoneme.text.startswith("(")
    for word in speech.timing.words:
        inside = [p for p in speech.timing.phonemes if word.start <= p.start < word.end]
        assert inside and inside[-1].end <= word.end
    assert "".join(p.text for p in speech.timing.phonemes[:4]).startswith("h")


def test_audio_is_loud_inside_words_and_silent_in_the_pause_between_sentences() -> None:
    speech = synthesize(TWO_SENTENCES)
    words = speech.timing.words
    assert [w.text for w in words] == ["Hello", "there", "How", "are", "you", "today"]
    for word in words:
        assert rms(speech.samples[word.start : word.end]) > 0.01
    pause = speech.samples[words[1].end : words[2].start]
    assert len(pause) > 0.1 * speech.sample_rate
    inside = np.concatenate([speech.samples[w.start : w.end] for w in words])
    assert rms(pause) < 0.05 * rms(inside)


def test_rate_volume_pitch_and_whisper_are_heard() -> None:
    normal = synthesize(TWO_SENTENCES)
    fast = synthesize(TWO_SENTENCES, rate=2.0)
    assert 0.25 < len(fast.samples) / len(normal.samples) < 0.75
    assert fast.timing.words[-1].end < normal.timing.words[-1].end

    quiet = synthesize(TWO_SENTENCES, volume=0.5)
    assert 0.3 < rms(quiet.samples) / rms(normal.samples) < 0.7

    low, high = (fundamental(synthesize(TWO_SENTENCES, pitch=p)) for p in (0.4, 1.8))
    assert high > 1.3 * low

    whispered = synthesize(TWO_SENTENCES, whisper=True)
    assert [w.text for w in whispered.timing.words] == [w.text for w in normal.timing.words]
    assert voiced_share(normal) > 0.4
    assert voiced_share(whispered) < 0.15
    assert rms(whispered.samples) < rms(normal.samples)


def test_chinese_line_has_words_and_phonemes() -> None:
    speech = synthesize(CHINESE, voice="cmn")

    check_marks_tile_the_audio(speech)
    assert "".join(w.text for w in speech.timing.words) == "你好我是林晚"
    for word in speech.timing.words:
        assert rms(speech.samples[word.start : word.end]) > 0.01
    by_language = synthesize(CHINESE, voice=voice_for_language("zh-CN"))
    assert [w.text for w in by_language.timing.words] == [w.text for w in speech.timing.words]


def test_phonemize_pairs_each_written_word_with_its_ipa() -> None:
    pairs = phonemize("Hello, world! I have 42 cats.")

    assert " ".join(word for word, _ in pairs).split() == [
        "Hello",
        "world",
        "I",
        "have",
        "42",
        "cats",
    ]
    assert all(ipa and "_" not in ipa for _, ipa in pairs)
    ipa = dict(pairs)
    assert ipa["Hello"].startswith("h") and ipa["cats"].startswith("k")
    assert " " in ipa["42"]  # read as two words, kept as the one written word

    chinese = phonemize(CHINESE, voice="cmn")
    assert "".join(word for word, _ in chinese) == "你好我是林晚"
    assert all(ipa for _, ipa in chinese)
    assert phonemize(" \n ") == []


def test_the_same_line_in_another_language_gets_other_phonemes() -> None:
    english = dict(phonemize("Paris", voice="en-us"))["Paris"]
    french = dict(phonemize("Paris", voice=voice_for_language("fr")))["Paris"]
    assert english != french


def test_voices_and_languages() -> None:
    listed = voices()
    assert ("en-us", "en-us") in listed and ("cmn", "cmn") in listed
    assert voice_for_language("en") == "en-us"
    assert {voice_for_language(code) for code in ("zh", "zh-cn", "cmn", "zh_CN")} == {"cmn"}
    fr_ca = voice_for_language("fr-CA")
    assert any(v == fr_ca and lang.startswith("fr") for v, lang in listed)
    with pytest.raises(SpeechError, match="qq"):
        voice_for_language("qq")


def test_every_listed_voice_speaks() -> None:
    silent = [v for v, _ in voices() if rms(synthesize("hello", voice=v).samples) < 0.005]
    assert silent == []


def test_unknown_voice_variant_and_bad_settings_raise_one_line() -> None:
    with pytest.raises(SpeechError, match="xx-nope"):
        synthesize("hello", voice="xx-nope")
    with pytest.raises(SpeechError, match="nosuchvariant"):
        synthesize("hello", voice="en-us+nosuchvariant")
    with pytest.raises(SpeechError, match="xx-nope"):
        phonemize("hello", voice="xx-nope")
    with pytest.raises(SpeechError, match="rate"):
        synthesize("hello", rate=float("nan"))
    after = synthesize("hello")  # a failed call leaves the engine usable
    assert [w.text for w in after.timing.words] == ["hello"]


def test_empty_text_gives_empty_speech() -> None:
    speech = synthesize("   \n")
    assert len(speech.samples) == 0 and speech.samples.dtype == np.float32
    assert speech.timing.samples == 0 and not speech.timing.words and not speech.timing.phonemes


def test_two_threads_at_once_get_their_own_lines() -> None:
    lines = {"en-us": "The lighthouse keeper counted every wave.", "cmn": CHINESE}
    alone = {voice: synthesize(text, voice=voice) for voice, text in lines.items()}
    results: dict[str, list[Speech]] = {voice: [] for voice in lines}
    errors: list[BaseException] = []

    def speak(voice: str) -> None:
        try:
            for _ in range(4):
                results[voice].append(synthesize(lines[voice], voice=voice))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=speak, args=(voice,)) for voice in lines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    for voice, spoken in results.items():
        expected = alone[voice]
        for speech in spoken:
            assert [w.text for w in speech.timing.words] == [w.text for w in expected.timing.words]
            assert abs(len(speech.samples) - len(expected.samples)) < 0.03 * len(expected.samples)


def test_missing_wheel_is_one_clear_error() -> None:
    script = (
        "import sys; sys.modules['espeakng_loader'] = None\n"
        "from studio.voice.espeak import SpeechError, synthesize\n"
        "try:\n    synthesize('hello')\nexcept SpeechError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "espeakng-loader is not installed" in done.stdout
