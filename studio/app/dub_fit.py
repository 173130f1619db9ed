"""Whether each translated line fits the picture: its spoken length against its slot in the shot.

A line's **slot** is the time the source gives it, laid out as :mod:`studio.voice.placement`
places voiced lines: from the line's start (its source clip's, or where the source's estimated
length puts it when the shot is not voiced) to the next line's start less the gap between
lines; the last line (and each side of dual dialogue, whose lines start together) runs to the
shot's end less the tail.

A line's **spoken length** is its dubbed clip's when it has one, else an estimate from the text
and the language's speaking rate (:data:`SPEAKING_RATE`, letters a second, see there), plus a
beat at each sentence break inside the line as :mod:`studio.core.durations` counts them.

The verdict: *fits* (spoken ≤ slot), *speed-up* (up to :data:`MAX_SPEED_UP` faster: the voice
can be sped up that much without sounding rushed) or *does not fit*. A shot that is not locked
gets a proposed re-timing: the frames it needs to grow by for every line to be heard at its
own pace, placed one after the other (0 when the lines fit once placed again).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from studio.core.durations import PAUSE_SECONDS, speech_seconds
from studio.core.model import Project, Shot
from studio.core.translations import Language, find_language
from studio.core.voicing import SAMPLE_RATE
from studio.voice.placement import GAP_S, HEAD_S, TAIL_S

MAX_SPEED_UP = Fraction(115, 100)
# Letters (CJK: characters) spoken a second at the brisk pace durations.py estimates English at:
# English is its 2.6 words/s at about 4.6 letters a word; the others scale English by the
# syllable rates Pellegrino, Coupé & Marsico measured ("A cross-language perspective on speech
# information rate", Language 87(3), 2011: es 7.82, fr 7.18, it 6.99, en 6.19, de 5.97 syllables
# a second) and by their letters a syllable; Chinese is durations.py's 4.5 characters a second,
# Japanese about 7.5 kana and kanji (about 7.8 morae a second), Korean about 6 Hangul syllables.
# Rough figures, for a warning before anything is voiced; a dubbed clip's length replaces them.
SPEAKING_RATE = {
    "en": 12.0, "es": 14.5, "pt": 14.0, "fr": 14.0, "it": 14.0, "de": 12.5, "nl": 13.0,
    "id": 14.0, "ms": 14.0, "ru": 12.5, "uk": 12.5, "pl": 13.0, "tr": 13.0, "vi": 11.0,
    "ar": 11.0, "he": 11.0, "th": 13.0, "zh": 4.5, "cmn": 4.5, "yue": 5.0, "ja": 7.5, "ko": 6.0,
}  # fmt: skip
_BREAK = re.compile(r"[.!?;…。！？；؟]+(?=\s*\S)")


def spoken_estimate(text: str, tag: str) -> Fraction:
    """How long ``text`` takes to say in language ``tag`` (see :data:`SPEAKING_RATE`; a
    language not in it: :func:`studio.core.durations.speech_seconds`)."""
    rate = SPEAKING_RATE.get(tag.strip().lower().split("-")[0])
    if rate is None:
        return speech_seconds(text)
    letters = sum(1 for c in text if unicodedata.category(c)[0] in "LN")
    pauses = len(_BREAK.findall(text))
    return Fraction(letters) / Fraction(str(rate)) + pauses * PAUSE_SECONDS


@dataclass(frozen=True, slots=True)
class LineFit:
    shot: str
    line: int  # index in the shot's dialogue
    text: str  # the translation ("" when there is none)
    slot: Fraction  # seconds
    spoken: Fraction  # seconds (0 when not translated)
    dubbed: bool  # spoken is the dubbed clip's length, not an estimate

    @property
    def speed(self) -> Fraction:
        """How much faster than its pace the line must be spoken to fit its slot."""
        return self.spoken / self.slot if self.slot > 0 else Fraction(10**6)

    @property
    def verdict(self) -> str:
        """ "fits", "speed-up", "does not fit" or "not translated"."""
        if not self.text:
            return "not translated"
        if self.spoken <= self.slot:
            return "fits"
        return "speed-up" if self.speed <= MAX_SPEED_UP else "does not fit"

    def to_json(self) -> dict[str, Any]:
        return {
            "shot": self.shot, "line": self.line, "text": self.text,
            "slot": float(self.slot), "spoken": float(self.spoken), "dubbed": self.dubbed,
            "speed": round(float(self.speed), 3) if self.text else None, "verdict": self.verdict,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class ShotFit:
    shot: str
    episode: int
    frames: int
    locked: bool
    longer: int  # frames the shot needs to grow by for its lines at their own pace
    lines: tuple[LineFit, ...] = ()

    @property
    def proposal(self) -> str:
        """What to do about the shot ("" when its lines fit)."""
        verdicts = {line.verdict for line in self.lines}
        if not verdicts & {"speed-up", "does not fit"}:
            return ""
        if self.longer <= 0:
            return "fits once its lines are placed again"
        if "does not fit" not in verdicts:
            speed = f"speed up (at most {float(MAX_SPEED_UP):g}x)"
            return speed if self.locked else f"{speed}, or re-time: {self.longer} frames longer"
        if self.locked:
            return f"locked: {self.longer} frames short; shorten the translation"
        return f"re-time: {self.longer} frames longer"

    def to_json(self) -> dict[str, Any]:
        return {
            "shot": self.shot, "episode": self.episode, "frames": self.frames,
            "locked": self.locked, "longer": self.longer, "proposal": self.proposal,
            "lines": [line.to_json() for line in self.lines],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class FitReport:
    tag: str
    shots: tuple[ShotFit, ...] = field(default=())

    @property
    def lines(self) -> list[LineFit]:
        return [line for shot in self.shots for line in shot.lines]

    def count(self, verdict: str) -> int:
        return sum(line.verdict == verdict for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        verdicts = ("fits", "speed-up", "does not fit", "not translated")
        return {
            "language": self.tag,
            "counts": {v: self.count(v) for v in verdicts},
            "shots": [shot.to_json() for shot in self.shots],
        }


def fit_report(project: Project, tag: str, episode: int | None = None) -> FitReport:
    """How the translations into ``tag`` fit the shots of ``episode`` (every episode when
    None). ValueError for a tag that is not a target or an episode that does not exist."""
    language = find_language(project, tag)
    episodes = [project.episode(episode)] if episode is not None else project.episodes
    shots = [
        _shot_fit(shot, ep.number, project, language)
        for ep in episodes
        for shot in ep.shots()
        if shot.dialogue
    ]
    return FitReport(language.tag, tuple(shots))


def retime(project: Project, report: FitReport) -> list[tuple[str, int, int]]:
    """Lengthen each shot that is not locked and whose translated lines need more time than it
    has (by :attr:`ShotFit.longer`), and lock its new length so that voicing the source does not
    shorten it again; (shot id, frames before, after) for each. The picture is shared by every
    language: the source's shot grows too (its dialogue keeps its place, the tail is longer).
    Shots that are locked are left to the speed-up at export, or flagged."""
    changed = []
    for fit in report.shots:
        needs = {line.verdict for line in fit.lines} & {"speed-up", "does not fit"}
        if fit.locked or fit.longer <= 0 or not needs:
            continue
        shot = project.find_shot(fit.shot)
        before = shot.duration_frames
        shot.duration_frames = before + fit.longer
        shot.duration_locked = True
        changed.append((shot.id, before, shot.duration_frames))
    return changed


def _shot_fit(shot: Shot, number: int, project: Project, language: Language) -> ShotFit:
    slots = line_slots(shot, project.fps.seconds(shot.duration_frames))
    lines = []
    for i, slot in enumerate(slots):
        translated = language.lines.get((shot.id, i))
        text = translated.text if translated is not None else ""
        voice = translated.voice if translated is not None else None
        if voice is not None:
            spoken = Fraction(voice.samples, SAMPLE_RATE)
        else:
            spoken = spoken_estimate(text, language.tag) if text else Fraction(0)
        lines.append(LineFit(shot.id, i, text, slot, spoken, voice is not None))
    dual = len({line.character for line in shot.dialogue}) > 1
    talk = [line.spoken for line in lines]
    heard = max(talk) if dual else sum(talk) + GAP_S * (len(talk) - 1)
    needed = project.fps.frames_ceil(HEAD_S + heard + TAIL_S)
    longer = max(0, needed - shot.duration_frames)
    return ShotFit(shot.id, number, shot.duration_frames, shot.duration_locked, longer,
                   tuple(lines))  # fmt: skip


def line_slots(shot: Shot, seconds: Fraction) -> list[Fraction]:
    """Each dialogue line's slot in seconds (see the module)."""
    count = len(shot.dialogue)
    end = max(Fraction(0), seconds - TAIL_S)
    if len({line.character for line in shot.dialogue}) > 1:  # dual: all start after the head
        return [max(Fraction(0), end - HEAD_S)] * count
    clips = {clip.line: clip for clip in shot.voice if clip.line < count}
    if len(clips) == count:
        starts = [Fraction(clips[i].start, SAMPLE_RATE) for i in range(count)]
    else:  # not voiced: the room shared by the source's estimated lengths
        lengths = [speech_seconds(line.text) or Fraction(1) for line in shot.dialogue]
        room = max(Fraction(0), end - HEAD_S - GAP_S * (count - 1))
        scale = room / sum(lengths)
        starts, at = [], HEAD_S
        for length in lengths:
            starts.append(at)
            at += length * scale + GAP_S
    ends = [s - GAP_S for s in starts[1:]] + [end]
    return [max(Fraction(0), b - a) for a, b in zip(starts, ends, strict=True)]
