"""When each word and phoneme of a synthesized line is heard.

Times are integer sample positions at ``sample_rate`` (48 kHz once a line is in the project), so
they convert to frames exactly and never drift. Stored beside each line's WAV as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from studio.core import jsonread as jr


@dataclass(frozen=True, slots=True)
class Mark:
    """A word or a phoneme: ``text`` heard from sample ``start`` up to (not including) ``end``."""

    start: int
    end: int
    text: str

    def to_json(self) -> list[Any]:
        return [self.start, self.end, self.text]

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Mark:
        items = jr.lst(raw, where)
        if (
            len(items) != 3
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in items[:2])
            or not isinstance(items[2], str)
        ):
            raise jr.SchemaError(f"{where}: expected [start, end, text]")
        start, end, text = items
        if not 0 <= start <= end:
            raise jr.SchemaError(f"{where}: start {start} and end {end} are out of order")
        return cls(start, end, text)


@dataclass(frozen=True, slots=True)
class SpeechTiming:
    """The words and phonemes (IPA) of one synthesized line, in samples at ``sample_rate``."""

    sample_rate: int
    samples: int  # length of the audio
    words: tuple[Mark, ...] = ()
    phonemes: tuple[Mark, ...] = ()

    def rescaled(self, sample_rate: int, samples: int | None = None) -> SpeechTiming:
        """The same timing at another sample rate (rounded to the nearest sample)."""
        ratio = Fraction(sample_rate, self.sample_rate)

        def scale(marks: tuple[Mark, ...]) -> tuple[Mark, ...]:
            return tuple(Mark(round(m.start * ratio), round(m.end * ratio), m.text) for m in marks)

        length = round(self.samples * ratio) if samples is None else samples
        return SpeechTiming(sample_rate, length, scale(self.words), scale(self.phonemes))

    def shifted(self, samples: int) -> SpeechTiming:
        """The same timing ``samples`` later (a line placed inside its shot)."""

        def shift(marks: tuple[Mark, ...]) -> tuple[Mark, ...]:
            return tuple(Mark(m.start + samples, m.end + samples, m.text) for m in marks)

        return SpeechTiming(
            self.sample_rate, self.samples + samples, shift(self.words), shift(self.phonemes)
        )

    def seconds(self, sample: int) -> Fraction:
        return Fraction(sample, self.sample_rate)

    def to_json(self) -> dict[str, Any]:
        return {
            "sample_rate": self.sample_rate,
            "samples": self.samples,
            "words": [m.to_json() for m in self.words],
            "phonemes": [m.to_json() for m in self.phonemes],
        }

    @classmethod
    def from_json(cls, raw: Any, where: str = "timing") -> SpeechTiming:
        d = jr.obj(raw, where)
        rate = jr.field(d, "sample_rate", int, where)
        if rate <= 0:
            raise jr.SchemaError(f"{where}.sample_rate: must be positive, got {rate}")

        def marks(key: str) -> tuple[Mark, ...]:
            items = jr.lst(d.get(key, []), f"{where}.{key}")
            return tuple(Mark.from_json(x, f"{where}.{key}[{i}]") for i, x in enumerate(items))

        return cls(rate, jr.field(d, "samples", int, where), marks("words"), marks("phonemes"))
