"""Phonemes to mouth shapes: a small viseme set, and a per-frame mouth track for a shot.

Each phoneme (IPA, as espeak-ng and Kokoro speak them) maps to one of a few visemes; each viseme
is a :class:`MouthShape`. The track samples the shape at each frame's centre and blends it with
its neighbours a little (coarticulation), but lip closures (p, b, m) and pauses are kept exact,
so the mouth closes on the frame where the sound closes, within one frame, for the whole shot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from studio.core.speech_timing import Mark
from studio.core.time import FrameRate


@dataclass(frozen=True, slots=True)
class MouthShape:
    """How a mouth looks: each value 0 … 1."""

    open: float = 0.0  # jaw and lips apart
    wide: float = 0.0  # lips spread (ee, s)
    round: float = 0.0  # lips rounded and pushed forward (oo, w)

    def mix(self, other: MouthShape, t: float) -> MouthShape:
        """``self`` blended towards ``other`` by ``t``."""
        return MouthShape(
            self.open + (other.open - self.open) * t,
            self.wide + (other.wide - self.wide) * t,
            self.round + (other.round - self.round) * t,
        )


class Viseme(StrEnum):
    REST = "rest"  # silence: lips together, relaxed
    CLOSED = "closed"  # p b m: lips pressed
    FV = "fv"  # f v: lower lip to the teeth
    WIDE = "wide"  # i e s z t d n l k g …: teeth showing, a narrow opening
    MID = "mid"  # ə ɛ ɜ: half open
    OPEN = "open"  # a ɑ æ ʌ: jaw dropped
    ROUND = "round"  # o ɔ u ʊ w: rounded


SHAPES: dict[Viseme, MouthShape] = {
    Viseme.REST: MouthShape(0.0, 0.0, 0.0),
    Viseme.CLOSED: MouthShape(0.0, 0.1, 0.0),
    Viseme.FV: MouthShape(0.12, 0.3, 0.0),
    Viseme.WIDE: MouthShape(0.35, 0.85, 0.0),
    Viseme.MID: MouthShape(0.6, 0.4, 0.0),
    Viseme.OPEN: MouthShape(1.0, 0.3, 0.0),
    Viseme.ROUND: MouthShape(0.5, 0.0, 1.0),
}

# The first letter that decides (stress and length marks, tone digits and ties are skipped).
_BY_SYMBOL: dict[str, Viseme] = {
    **dict.fromkeys("pbmɱ", Viseme.CLOSED),
    **dict.fromkeys("fvʋ", Viseme.FV),
    **dict.fromkeys("aɑɐæʌɒɶä", Viseme.OPEN),
    **dict.fromkeys("əɛɜɞœe", Viseme.MID),
    **dict.fromkeys("oɔuʊwɥøyʏɵɯɤ", Viseme.ROUND),
    **dict.fromkeys("iɪɨjçʝszʃʒɕʑʂʐθðtdnlɾɹrɻkgŋxɣhɦqɢʔcɟɲʎɭɳʈɖʧʤʦʣ", Viseme.WIDE),
}
_SKIP = set("ˈˌːˑ‿̩̯̃͡ʰʲʷ-_ 0123456789˥˦˧˨˩↗↘|")
# How far a shape leans towards its neighbours at the frame edges (coarticulation).
BLEND = 0.35


def viseme_of(phoneme: str) -> Viseme:
    """The viseme of one IPA phoneme; pauses and unknown symbols rest or open halfway."""
    for char in phoneme:
        if char in _SKIP:
            continue
        found = _BY_SYMBOL.get(char)
        if found is not None:
            return found
        return Viseme.MID if char.isalpha() else Viseme.REST
    return Viseme.REST


def mouth_track(
    phonemes: Sequence[Mark],
    sample_rate: int,
    fps: FrameRate,
    frames: int,
    *,
    offset: int = 0,
) -> list[MouthShape]:
    """The mouth shape of each of ``frames`` frames at ``fps`` for ``phonemes`` heard from
    sample ``offset`` of the shot (marks in samples at ``sample_rate``)."""
    spans = sorted(
        (Fraction(m.start + offset, sample_rate), Fraction(m.end + offset, sample_rate), m.text)
        for m in phonemes
        if m.end > m.start
    )
    visemes = [_viseme_at(spans, (i + Fraction(1, 2)) * fps.seconds(1)) for i in range(frames)]
    track = [SHAPES[v] for v in visemes]
    smooth = list(track)
    for i, viseme in enumerate(visemes):
        if viseme in (Viseme.CLOSED, Viseme.REST):
            continue  # closures land exactly: they are what the eye checks
        before = track[i - 1] if i > 0 else track[i]
        after = track[i + 1] if i + 1 < frames else track[i]
        neighbours = before.mix(after, 0.5)
        smooth[i] = track[i].mix(neighbours, BLEND)
    return smooth


def _viseme_at(spans: list[tuple[Fraction, Fraction, str]], t: Fraction) -> Viseme:
    for start, end, text in spans:
        if start <= t < end:
            return viseme_of(text)
        if start > t:
            break
    return Viseme.REST


def openness(track: Sequence[MouthShape]) -> list[float]:
    """How open the mouth is in each frame: the envelope lip-sync tests compare with audio."""
    return [shape.open for shape in track]
