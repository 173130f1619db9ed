"""The AI-content labels of an exported episode: the one people see and the one in the file.

Visible (GB 45438-2025 explicit label; EU AI Act Art. 50): for the first seconds a clear label
at the top of the frame, below the platforms' top bar, then a small, half-transparent one in the
top-left corner for the rest of the episode. Both are drawn by libass with the captions.

Implicit: MP4 metadata tags. ``AIGC`` holds the JSON fields of GB 45438-2025's implicit label
for file metadata (``Label`` 1 = AI-generated, ``ContentProducer``, ``ProduceID`` and the
propagation fields, left empty for the platform that publishes it); ``comment`` says it in
words and ``aigc_digital_source_type`` carries the IPTC term C2PA and the EU use.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from fractions import Fraction

from studio.media.subtitles import SIDE_MARGIN, AssLayer, ass_event, ass_style, default_family

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
INTRO_SECONDS = Fraction(3)
SAFE_TOP = Fraction(14, 100)  # of the height: the platforms' top bar (Reels; TikTok ~150 px)
_DEFAULT_TEXT = {  # "AI-generated", as platforms and regulators in each language word it
    "en": "AI-generated", "zh": "AI生成", "cmn": "AI生成", "yue": "AI生成", "ja": "AI生成",
    "ko": "AI 생성", "es": "Generado con IA", "pt": "Gerado por IA", "fr": "Généré par IA",
    "it": "Generato con IA", "de": "KI-generiert", "nl": "Gemaakt met AI",
    "id": "Dibuat dengan AI", "ms": "Dijana oleh AI", "vi": "Do AI tạo ra",
    "th": "สร้างโดย AI", "tr": "Yapay zekâ ile üretildi", "ru": "Создано ИИ",
    "pl": "Wygenerowane przez AI", "ar": "مُنشأ بالذكاء الاصطناعي",
    "he": "נוצר באמצעות בינה מלאכותית", "hi": "एआई द्वारा निर्मित",
}  # fmt: skip
TOOL = "Micro-Drama Studio"


def default_label(language: str) -> str:
    """ "AI-generated" in the dialogue language ("AI生成" for Chinese and Japanese), English
    for a language not in the table (see :func:`has_label`)."""
    return _DEFAULT_TEXT.get(_code(language), "AI-generated")


def has_label(language: str) -> bool:
    """Whether :func:`default_label` has the label in ``language`` (else it says it in English)."""
    return _code(language) in _DEFAULT_TEXT


def _code(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


@dataclass(frozen=True, slots=True)
class Label:
    """The visible label: ``text`` on a ``width``×``height`` picture ``seconds`` long."""

    text: str
    width: int
    height: int
    seconds: Fraction
    language: str = "en"
    font: str = ""
    intro: bool = True  # False: the corner label from the start (a branch of an interactive
    #                     episode: the viewer saw the intro at the episode's start)

    def layer(self, start: Fraction, end: Fraction) -> AssLayer:
        """The label's styles and events for the part of the episode from ``start`` to ``end``
        seconds, timed from that part's start (one shot's segment)."""
        intro = min(INTRO_SECONDS, self.seconds) if self.intro else Fraction(0)
        font = self.font or default_family(self.language)
        big = max(1, round(self.height / 30))
        small = max(1, round(self.height / 64))
        side = math.ceil(self.width * SIDE_MARGIN)
        top = math.ceil(self.height * SAFE_TOP) + max(1, big // 4)  # the box's edge too
        styles = (
            ass_style(
                "LabelIntro", font, big, boxed=True, outline=max(1, big // 4),
                outline_colour="&H60000000", alignment=8, margins=(side, side, top),
            ),
            ass_style(
                "Label", font, small, colour="&H60FFFFFF", outline_colour="&HA0000000",
                outline=max(1, small // 10), alignment=7, margins=(side, side, top),
            ),
        )  # fmt: skip
        events = []
        for style, a, b in (("LabelIntro", Fraction(0), intro), ("Label", intro, self.seconds)):
            a, b = max(a, start), min(b, end)
            if b > a:
                events.append(ass_event(a - start, b - start, style, [self.text]))
        return AssLayer(styles, tuple(events))


def aigc_metadata(*, producer: str, content_id: str, title: str, label: str) -> dict[str, str]:
    """The MP4 metadata tags that say the file is AI-generated (see the module)."""
    implicit = {
        "Label": "1",
        "ContentProducer": producer or TOOL,
        "ProduceID": content_id,
        "ReservedCode1": "",
        "ContentPropagator": "",
        "PropagateID": "",
        "ReservedCode2": "",
    }
    return {
        "title": title,
        "comment": f"{label}: AI-generated content made with {TOOL} by {producer or 'unknown'}",
        "AIGC": json.dumps(implicit, ensure_ascii=False, separators=(",", ":")),
        "aigc_digital_source_type": DIGITAL_SOURCE_TYPE,
        "encoder_tool": TOOL,
    }
