"""Pacing of a micro-drama episode: hook, turns, cliffhanger, shot lengths, caption speed.

Pure and Qt-free: :func:`episode_pacing` reads an episode's shots (their frames at the project's
rate), their dialogue and voice clips (samples at 48 kHz) and the beats marked in the script
(:mod:`studio.core.pacing_beats`), and measures, against a :class:`PacingPreset`:

- **hook**: seconds from the start to the first line of dialogue heard or the first marked beat
  (``[[beat: …]]``/``[[cliffhanger]]``), whichever is earlier; flagged when later than
  ``hook_max_seconds`` or when there is neither. An unmarked action shot is not a beat: an
  establishing shot and a slap read alike in the breakdown, so a writer marks the slap.
- **turns**: a new scene (its first shot's start, after the first scene), a marked beat (its
  start), a character first seen in the episode (the start of the first shot naming or voicing
  them, after the opening shot) and a question line (a dialogue line ending in ``?`` or ``？``,
  closing quotes and ``!`` aside: when it is heard). The stretches between the start, the turns
  and the end are measured; those over ``turn_gap_max_seconds`` are flagged.
- **ending**: whether the last ``final_window_seconds`` hold an unresolved beat: a marked beat
  named in ``unresolved_beats`` (``cliffhanger``, ``threat``), a question line or a threat line
  (one holding a phrase of the preset's ``threat_phrases``: "you'll regret", "你会后悔"…) heard
  there. Flagged when none does.
- **shots**: median and 95th-percentile (nearest rank) shot length, cuts per minute.
- **captions**: characters per second of each dialogue line (its text, runs of spaces as one,
  each CJK character one character) over the time it is spoken; flagged over
  ``caption_cps_max``.
- **sound-off readability**: the share of dialogue lines that have captions.

When a line is heard: a voiced line (a ``Shot.voice`` clip) from its clip's start for its
samples; an unvoiced one where the export spreads its captions (over the shot, after a 0.2 s
head and before a 0.4 s tail, in proportion to its words; see ``media/export_plan.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from typing import Any

from studio.core.model import Episode, Shot
from studio.core.pacing_beats import Beat
from studio.core.pacing_preset import PacingPreset
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE

_HEAD, _TAIL = Fraction(1, 5), Fraction(2, 5)  # as media/export_plan.py spreads unvoiced lines
_CLOSERS = "\"'”’»)]}」』）》〉】!！ \t"
QUESTION_ENDS = ("?", "？")

# Every dialogue line with text is captioned by design: the export plan
# (media/export_plan.spoken_dialogue) gives every line words for the captions, voiced ones
# from their word timing and unvoiced ones spread over the shot, and both built-in export
# presets burn them into the picture (captions "both"). So the share is 100% whenever the
# episode has dialogue; it is computed, not assumed, so a line the export could not caption
# (one with no text) would show here.
SOUND_OFF_WHY = "every dialogue line is captioned by the export and the built-in presets burn them"


@dataclass(frozen=True, slots=True)
class Turn:
    """A moment that turns the story: ``kind`` is scene, beat, character or question."""

    kind: str
    seconds: Fraction
    frame: int
    detail: str


@dataclass(frozen=True, slots=True)
class Gap:
    start: Fraction  # seconds
    end: Fraction

    @property
    def seconds(self) -> Fraction:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class LineSpeed:
    """A dialogue line's caption reading speed."""

    shot_id: str
    line: int  # index in the shot's dialogue
    start: Fraction  # seconds from the episode start
    characters: int
    seconds: Fraction

    @property
    def cps(self) -> Fraction:
        return Fraction(self.characters) / self.seconds


@dataclass(slots=True)
class EpisodePacing:
    number: int
    title: str
    fps: FrameRate
    seconds: Fraction
    preset: PacingPreset
    hook: Fraction | None = None  # seconds; None: no dialogue and no marked beat
    hook_source: str = ""
    turns: list[Turn] = field(default_factory=list)
    longest_gap: Gap | None = None
    long_gaps: list[Gap] = field(default_factory=list)  # over the preset's limit
    ending: list[Turn] = field(default_factory=list)  # unresolved beats in the final window
    cliffhangers: list[Beat] = field(default_factory=list)  # every marked unresolved beat
    shot_median: Fraction | None = None
    shot_p95: Fraction | None = None
    cuts_per_minute: Fraction | None = None
    line_speeds: list[LineSpeed] = field(default_factory=list)
    dialogue_lines: int = 0
    captioned_lines: int = 0

    @property
    def hook_flag(self) -> bool:
        return self.hook is None or self.hook > Fraction(self.preset.hook_max_seconds)

    @property
    def ending_flag(self) -> bool:
        return self.seconds > 0 and not self.ending

    @property
    def fast_lines(self) -> list[LineSpeed]:
        limit = Fraction(self.preset.caption_cps_max)
        return [s for s in self.line_speeds if s.cps > limit]

    @property
    def max_cps(self) -> Fraction | None:
        return max((s.cps for s in self.line_speeds), default=None)

    @property
    def sound_off_share(self) -> Fraction | None:
        if not self.dialogue_lines:
            return None
        return Fraction(self.captioned_lines, self.dialogue_lines)

    def flags(self) -> list[str]:
        """Each finding in one line; empty when the episode passes every check."""
        p = self.preset
        out: list[str] = []
        if self.hook is None:
            out.append("no hook: no dialogue and no marked beat")
        elif self.hook_flag:
            out.append(f"hook at {_s(self.hook)} (over {p.hook_max_seconds:g} s)")
        for gap in self.long_gaps:
            out.append(
                f"{_s(gap.seconds)} without a turn from {_s(gap.start)} to {_s(gap.end)} "
                f"(over {p.turn_gap_max_seconds:g} s)"
            )
        if self.ending_flag:
            out.append(f"no unresolved beat in the final {p.final_window_seconds:g} s")
        for speed in self.fast_lines:
            out.append(
                f"caption at {_s(speed.start)} ({speed.shot_id} line {speed.line + 1}) reads at "
                f"{float(speed.cps):.1f} characters/s (over {p.caption_cps_max:g})"
            )
        share = self.sound_off_share
        if share is not None and share < 1:
            out.append(f"only {float(share):.0%} of dialogue lines are captioned")
        return out

    def to_json(self) -> dict[str, Any]:
        gap = self.longest_gap
        return {
            "episode": self.number,
            "title": self.title,
            "seconds": _f(self.seconds),
            "hook": {"seconds": _f(self.hook), "source": self.hook_source,
                     "flag": self.hook_flag},
            "turns": [
                {"kind": t.kind, "seconds": _f(t.seconds), "frame": t.frame, "detail": t.detail}
                for t in self.turns
            ],
            "longest_gap": None if gap is None else _gap_json(gap),
            "long_gaps": [_gap_json(g) for g in self.long_gaps],
            "ending": {
                "unresolved": [{"kind": t.kind, "seconds": _f(t.seconds), "detail": t.detail}
                               for t in self.ending],
                "flag": self.ending_flag,
            },
            "shots": {"median_seconds": _f(self.shot_median), "p95_seconds": _f(self.shot_p95),
                      "cuts_per_minute": _f(self.cuts_per_minute)},
            "captions": {
                "max_cps": _f(self.max_cps),
                "fast_lines": [
                    {"shot": s.shot_id, "line": s.line, "seconds": _f(s.start),
                     "characters": s.characters, "cps": _f(s.cps)}
                    for s in self.fast_lines
                ],
                "flag": bool(self.fast_lines),
            },
            "sound_off": {"dialogue_lines": self.dialogue_lines,
                          "captioned_lines": self.captioned_lines,
                          "share": _f(self.sound_off_share), "why": SOUND_OFF_WHY},
            "flags": self.flags(),
            "preset": self.preset.to_json(),
        }  # fmt: skip


def episode_pacing(
    episode: Episode, fps: FrameRate, beats: list[Beat], preset: PacingPreset
) -> EpisodePacing:
    """Measure ``episode`` (its marked ``beats`` from :func:`~studio.core.pacing_beats.place_beats`)
    against ``preset``."""
    shots = list(episode.shots())
    total = fps.seconds(sum(s.duration_frames for s in shots))
    result = EpisodePacing(episode.number, episode.title, fps, total, preset)
    lines = _heard_lines(shots, fps)
    result.dialogue_lines = len(lines)
    result.captioned_lines = sum(1 for line in lines if line.text)  # see SOUND_OFF_WHY
    result.line_speeds = [
        LineSpeed(line.shot_id, line.index, line.start, line.characters, line.seconds)
        for line in lines
        if line.seconds > 0
    ]
    _hook(result, lines, beats, fps)
    result.turns = _turns(episode, fps, lines, beats)
    _gaps(result)
    _ending(result, lines, beats)
    _shot_lengths(result, [fps.seconds(s.duration_frames) for s in shots])
    return result


@dataclass(frozen=True, slots=True)
class _Heard:
    shot_id: str
    index: int
    text: str
    start: Fraction
    seconds: Fraction

    @property
    def characters(self) -> int:
        return len(" ".join(self.text.split()))

    @property
    def question(self) -> bool:
        return is_question(self.text)


def is_question(text: str) -> bool:
    """A line that ends in a question mark (``?`` or ``？``), closing quotes and ``!`` aside."""
    return text.rstrip(_CLOSERS).endswith(QUESTION_ENDS)


def is_threat(text: str, phrases: tuple[str, ...]) -> bool:
    """A line holding one of the preset's threat phrases (case and spacing aside)."""
    folded = " ".join(text.split()).casefold()
    return any(phrase in folded for phrase in phrases)


def _heard_lines(shots: list[Shot], fps: FrameRate) -> list[_Heard]:
    """Every dialogue line with text, where it is heard (seconds from the episode start)."""
    out: list[_Heard] = []
    at = Fraction(0)
    for shot in shots:
        length = fps.seconds(shot.duration_frames)
        voiced = {c.line: c for c in shot.voice if c.line < len(shot.dialogue)}
        unvoiced = [i for i, d in enumerate(shot.dialogue) if i not in voiced and d.text.strip()]
        for i, clip in sorted(voiced.items()):
            text = shot.dialogue[i].text.strip()
            if text:
                start = at + Fraction(clip.start, SAMPLE_RATE)
                out.append(_Heard(shot.id, i, text, start, Fraction(clip.samples, SAMPLE_RATE)))
        head, tail = (_HEAD, _TAIL) if length > _HEAD + _TAIL + Fraction(1, 2) else (0, 0)
        words = [len(shot.dialogue[i].text.split()) or 1 for i in unvoiced]
        step = (length - head - tail) / max(1, sum(words))
        position = at + head
        for i, count in zip(unvoiced, words, strict=True):
            text = shot.dialogue[i].text.strip()
            out.append(_Heard(shot.id, i, text, position, step * count))
            position += step * count
        at += length
    out.sort(key=lambda h: h.start)
    return out


def _hook(result: EpisodePacing, lines: list[_Heard], beats: list[Beat], fps: FrameRate) -> None:
    candidates: list[tuple[Fraction, str]] = []
    if lines:
        candidates.append((lines[0].start, "dialogue"))
    if beats:
        first = min(beats, key=lambda b: b.start)
        candidates.append((fps.seconds(first.start), f"beat: {first.kind}"))
    if candidates:
        result.hook, result.hook_source = min(candidates, key=lambda c: c[0])


def _turns(episode: Episode, fps: FrameRate, lines: list[_Heard], beats: list[Beat]) -> list[Turn]:
    turns: list[Turn] = []
    at, seen, first_scene = 0, set[str](), True
    for scene in episode.scenes:
        for k, shot in enumerate(scene.shots):
            if k == 0 and not first_scene:
                heading = scene.heading or f"scene {scene.index}"
                turns.append(Turn("scene", fps.seconds(at), at, heading))
            names = [*shot.characters, *(d.character for d in shot.dialogue)]
            for name in dict.fromkeys(names):
                if name not in seen and at > 0:
                    turns.append(Turn("character", fps.seconds(at), at, name))
                seen.add(name)
            at += shot.duration_frames
        first_scene = first_scene and not scene.shots
    for beat in beats:
        turns.append(Turn("beat", fps.seconds(beat.start), beat.start, beat.kind))
    for line in lines:
        if line.question:
            turns.append(Turn("question", line.start, fps.frames(line.start), line.text))
    turns.sort(key=lambda t: t.seconds)
    return turns


def _gaps(result: EpisodePacing) -> None:
    points = sorted({Fraction(0), result.seconds, *(t.seconds for t in result.turns)})
    points = [p for p in points if 0 <= p <= result.seconds]
    gaps = [Gap(a, b) for a, b in pairwise(points)]
    if gaps:
        result.longest_gap = max(gaps, key=lambda g: g.seconds)
    limit = Fraction(result.preset.turn_gap_max_seconds)
    result.long_gaps = [g for g in gaps if g.seconds > limit]


def _ending(result: EpisodePacing, lines: list[_Heard], beats: list[Beat]) -> None:
    fps, preset = result.fps, result.preset
    window = max(Fraction(0), result.seconds - Fraction(preset.final_window_seconds))
    wanted = set(preset.unresolved_beats)
    for beat in beats:
        if beat.kind not in wanted:
            continue
        result.cliffhangers.append(beat)
        start, end = fps.seconds(beat.start), fps.seconds(beat.end)
        if end > window or (start == end and start >= window):
            result.ending.append(Turn("beat", start, beat.start, beat.kind))
    for line in lines:
        if line.start + line.seconds <= window:
            continue
        if line.question:
            result.ending.append(Turn("question", line.start, fps.frames(line.start), line.text))
        elif is_threat(line.text, preset.threat_phrases):
            result.ending.append(Turn("threat", line.start, fps.frames(line.start), line.text))


def _shot_lengths(result: EpisodePacing, lengths: list[Fraction]) -> None:
    if not lengths:
        return
    ordered = sorted(lengths)
    n = len(ordered)
    middle = n // 2
    result.shot_median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    rank = -(-95 * n // 100)  # nearest rank: the smallest length at or above 95% of shots
    result.shot_p95 = ordered[rank - 1]
    if result.seconds > 0:
        result.cuts_per_minute = Fraction(n - 1) * 60 / result.seconds


def _gap_json(gap: Gap) -> dict[str, Any]:
    return {"start": _f(gap.start), "end": _f(gap.end), "seconds": _f(gap.seconds)}


def _f(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 3)


def _s(value: Fraction) -> str:
    return f"{float(value):.1f} s"
