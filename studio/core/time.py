"""Time as integer frames at a rational frame rate.

The model never stores float seconds: a shot lasts ``duration_frames`` at the project's
:class:`FrameRate`. Seconds and timecode exist only at the edges (display, ffmpeg arguments).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

# The usual NTSC rates written as decimals, and the exact rationals they stand for.
_NTSC = {"23.976": (24000, 1001), "29.97": (30000, 1001), "59.94": (60000, 1001)}


@dataclass(frozen=True, slots=True, order=True)
class FrameRate:
    """Frames per second as ``num/den`` (30/1, 24000/1001)."""

    num: int
    den: int = 1

    def __post_init__(self) -> None:
        if self.num <= 0 or self.den <= 0:
            raise ValueError(f"frame rate must be positive, got {self.num}/{self.den}")
        g = math.gcd(self.num, self.den)
        if g != 1:
            object.__setattr__(self, "num", self.num // g)
            object.__setattr__(self, "den", self.den // g)

    @classmethod
    def parse(cls, text: str | int | FrameRate) -> FrameRate:
        """Read ``30``, ``"30"``, ``"30/1"``, ``"24000/1001"`` or ``"29.97"``."""
        if isinstance(text, FrameRate):
            return text
        if isinstance(text, int) and not isinstance(text, bool):
            return cls(text)
        s = str(text).strip()
        try:
            if s in _NTSC:
                return cls(*_NTSC[s])
            if "/" in s:
                num, den = s.split("/", 1)
                return cls(int(num), int(den))
            value = Fraction(s)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"not a frame rate: {text!r} (use 30, 30/1 or 24000/1001)") from None
        return cls(value.numerator, value.denominator)

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.num, self.den)

    @property
    def is_integer(self) -> bool:
        return self.den == 1

    def __str__(self) -> str:
        return f"{self.num}/{self.den}"

    def __float__(self) -> float:
        return self.num / self.den

    def seconds(self, frames: int) -> Fraction:
        """Exact duration of ``frames`` frames."""
        return Fraction(frames * self.den, self.num)

    def frames(self, seconds: float | Fraction) -> int:
        """The nearest whole number of frames to ``seconds`` (halves round up)."""
        exact = Fraction(seconds) * self.fraction
        return math.floor(exact + Fraction(1, 2))

    def frames_ceil(self, seconds: float | Fraction) -> int:
        """The fewest frames that last at least ``seconds``."""
        return math.ceil(Fraction(seconds) * self.fraction)

    @property
    def nominal(self) -> int:
        """The whole frame count per timecode second (30 for 29.97)."""
        return round(self.num / self.den)

    def timecode(self, frames: int) -> str:
        """Non-drop-frame ``HH:MM:SS:FF`` counting :attr:`nominal` frames a second."""
        sign = "-" if frames < 0 else ""
        frames = abs(frames)
        per_second = self.nominal
        total_seconds, ff = divmod(frames, per_second)
        hh, rest = divmod(total_seconds, 3600)
        mm, ss = divmod(rest, 60)
        return f"{sign}{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}"

    def clock(self, frames: int) -> str:
        """Wall-clock ``M:SS.mmm`` for display next to durations."""
        ms = math.floor(self.seconds(frames) * 1000 + Fraction(1, 2))
        minutes, ms = divmod(ms, 60_000)
        return f"{minutes}:{ms // 1000:02d}.{ms % 1000:03d}"
