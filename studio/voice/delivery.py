"""How a line is said: the language it is in, and what its parenthetical asks of the voice.

A parenthetical such as ``(whispering)`` or ``（大喊）`` adjusts the character's voice where the
backend can follow: softer and slower for a whisper, louder and higher for a shout. Unknown
parentheticals (``(beat)``, ``(to Marcus)``) leave the voice as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class Delivery:
    """Multipliers on the character's voice, and whether to whisper."""

    rate: float = 1.0
    pitch: float = 1.0
    volume: float = 1.0
    whisper: bool = False


# Checked in order: the first table whose word appears in the parenthetical wins.
_DELIVERIES: list[tuple[tuple[str, ...], Delivery]] = [
    (
        ("whisper", "under her breath", "under his breath", "低声", "小声", "耳语", "悄悄"),
        Delivery(rate=0.9, volume=0.55, whisper=True),
    ),
    (
        ("shout", "yell", "scream", "screaming", "bellow", "大喊", "喊", "怒吼", "尖叫"),
        Delivery(rate=1.05, pitch=1.15, volume=1.45),
    ),
    (
        ("angr", "furious", "snap", "生气", "愤怒", "怒"),
        Delivery(rate=1.08, pitch=1.08, volume=1.25),
    ),
    (
        ("sob", "cry", "crying", "tearful", "哭", "哽咽"),
        Delivery(rate=0.85, pitch=1.06, volume=0.85),
    ),
    (("soft", "gentl", "quiet", "tender", "轻声", "温柔"), Delivery(rate=0.93, volume=0.75)),
    (("excit", "laugh", "giggl", "激动", "笑"), Delivery(rate=1.12, pitch=1.1, volume=1.1)),
    (("cold", "flat", "icy", "冷冷", "冷漠"), Delivery(rate=0.95, pitch=0.94)),
    (("slow", "hesitant", "犹豫", "慢"), Delivery(rate=0.82)),
]


def delivery_of(parenthetical: str) -> Delivery:
    """The delivery a parenthetical asks for; plain delivery when it asks for none we know."""
    text = parenthetical.strip().strip("()（）").lower()
    if not text:
        return Delivery()
    for words, delivery in _DELIVERIES:
        if any(word in text for word in words):
            return delivery
    return Delivery()


def detect_language(text: str) -> str:
    """``zh``, ``ja``, ``ko`` or ``en`` from the script the line is written in."""
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    return "en"


def spoken_text(text: str) -> str:
    """What the voice says: Fountain emphasis marks and stray underscores removed."""
    text = re.sub(r"(?<!\\)[*_]+", "", text)
    return re.sub(r"\s+", " ", text.replace("\\", "")).strip()
