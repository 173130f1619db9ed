"""Parentheticals change the delivery; language is read from the line's script."""

from __future__ import annotations

import pytest

from studio.voice.delivery import delivery_of, detect_language, spoken_text


def test_whisper_is_softer_and_slower_shout_louder_and_higher() -> None:
    whisper, shout = delivery_of("whispering"), delivery_of("(SHOUTING)")
    assert whisper.whisper and whisper.volume < 1 and whisper.rate < 1
    assert shout.volume > 1 and shout.pitch > 1 and not shout.whisper
    assert delivery_of("（低声）") == whisper and delivery_of("大喊") == shout


@pytest.mark.parametrize("text", ["beat", "to Marcus", "", "continuing", "V.O."])
def test_other_parentheticals_leave_the_voice_alone(text: str) -> None:
    assert delivery_of(text) == delivery_of("")


@pytest.mark.parametrize(
    ("text", "language"),
    [("Where were you?", "en"), ("你去哪儿了？", "zh"), ("どこにいたの？", "ja"),
     ("어디 있었어?", "ko"), ("OK，好的。", "zh")],
)  # fmt: skip
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_spoken_text_drops_emphasis_marks() -> None:
    assert spoken_text("I *never* said _that_,  **ever**.") == "I never said that, ever."
