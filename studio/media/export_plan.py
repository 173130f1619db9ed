"""What an episode's export is made of: each shot's take in timeline order, where it sits, the
dialogue heard and the captions shown.

:func:`plan_episode` reads the project only (no ffmpeg): it picks each shot's approved take,
else its latest finished one (with a warning, or an error under ``approved_only``), places the
voiced lines at their samples, and times the captions from the word timings. A shot with
dialogue that is not voiced yet gets captions spread evenly over the shot, with a warning, so
a draft still reads with the sound off; a voiced line without a word timing (a translated line
heard in the source voice: ``VoiceClip.timing`` "") gets its captions spread over its clip.
Captions read faster than the language allows (:mod:`studio.media.caption_rules`) are kept
whole and named in a warning.
"""

from __future__ import annotations

import bisect
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from studio.core.model import Episode, Project, Shot, Take, TakeState
from studio.core.speech_timing import Mark, SpeechTiming
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE
from studio.media.caption_rules import caption_rules, caption_style, too_fast
from studio.media.captions import CaptionStyle, Cue, SpokenWords, build_cues, caption_words

_HEAD, _TAIL = Fraction(1, 5), Fraction(2, 5)  # unvoiced captions: as voiced shots place lines


class ExportError(Exception):
    """The episode cannot be exported as asked: one line for the user."""


@dataclass(frozen=True, slots=True)
class Cut:
    """One shot in the export: the take shown, from frame ``start`` for ``frames`` frames."""

    shot_id: str
    take_id: str
    media: Path  # absolute
    start: int  # frames from the episode start
    frames: int
    focus: tuple[float, float]
    approved: bool
    request: dict[str, Any] = field(default_factory=dict, compare=False)  # the take's request
    cues: tuple[Cue, ...] = ()  # captions starting in this shot, seconds from the episode start


@dataclass(frozen=True, slots=True)
class Line:
    """A voiced dialogue line placed in the episode (samples at 48 kHz from its start)."""

    shot_id: str
    line: int  # index in the shot's dialogue
    character: str
    text: str
    media: Path  # the WAV, absolute
    start: int
    samples: int
    request: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class EpisodePlan:
    project_title: str
    number: int
    title: str
    fps: FrameRate
    frames: int
    language: str
    cuts: tuple[Cut, ...]
    lines: tuple[Line, ...]
    cues: tuple[Cue, ...]
    warnings: tuple[str, ...] = ()

    @property
    def seconds(self) -> Fraction:
        return self.fps.seconds(self.frames)


def export_take(shot: Shot) -> Take | None:
    """The take a shot exports: its approved take, else its latest finished one (not one
    lip-synced to a target language's dub: the language's own export shows that), else None."""
    approved = shot.approved_take
    if approved is not None:
        return shot.take(approved)
    usable = (TakeState.DONE, TakeState.STARRED)
    done = [t for t in shot.takes if t.state in usable and t.media and not _dubbed(t)]
    return done[-1] if done else None


def _dubbed(take: Take) -> bool:
    return bool(getattr(take.request, "variant", ""))


def plan_episode(
    root: Path,
    project: Project,
    number: int,
    *,
    approved_only: bool = False,
    style: CaptionStyle | None = None,
) -> EpisodePlan:
    """The export plan of episode ``number``; ExportError naming every shot that stops it.
    ``style`` None: :func:`~studio.media.caption_rules.caption_style` for the project's
    language."""
    try:
        episode = project.episode(number)
    except KeyError as exc:
        raise ExportError(str(exc.args[0])) from None
    shots = list(episode.shots())
    if not shots:
        raise ExportError(f"episode {number} has no shots")
    fps = project.fps
    warnings: list[str] = []
    cuts: list[tuple[Shot, Take, int]] = []
    missing, unapproved, broken = [], [], []
    position = 0
    for shot in shots:
        take = export_take(shot)
        if take is None:
            missing.append(shot.id)
        elif take.media_problem or not (root / take.media).is_file():
            broken.append(f"{shot.id} ({take.media_problem or f'{take.media} is missing'})")
        elif take.state is not TakeState.APPROVED:
            unapproved.append(f"{shot.id} (take {take.id})")
        if take is not None:
            cuts.append((shot, take, position))
        position += shot.duration_frames
    if missing:
        raise ExportError(
            f"episode {number}: no finished take for shot {', '.join(missing)}; generate first"
        )
    if broken:
        raise ExportError(f"episode {number}: cannot read the take of shot {'; '.join(broken)}")
    if unapproved and approved_only:
        raise ExportError(
            f"episode {number}: --approved-only, and shot {', '.join(unapproved)} is not approved"
        )
    if unapproved:
        named = ", ".join(unapproved[:4]) + (
            f" and {len(unapproved) - 4} more" if len(unapproved) > 4 else ""
        )
        warnings.append(
            f"episode {number}: {len(unapproved)} of {len(shots)} shots are not approved; "
            f"exporting their latest takes ({named})"
        )
    lines, spoken = spoken_dialogue(root, episode, fps, warnings)
    cues = tuple(build_cues(spoken, style or caption_style(project.language)))
    shot_of = _shot_finder([position for _, _, position in cuts], fps)
    cues_of: list[list[Cue]] = [[] for _ in cuts]
    for cue in cues:
        cues_of[shot_of(cue.start)].append(cue)
    fast = too_fast(cues, project.language)
    if fast:
        where = sorted({cuts[shot_of(c.start)][0].id for c in fast})
        warnings.append(
            f"episode {number}: {len(fast)} caption{'s' if len(fast) > 1 else ''} read faster "
            f"than {caption_rules(project.language).cps:g} characters a second (shot "
            f"{', '.join(where)}): shorten the line or give it more time"
        )
    return EpisodePlan(
        project_title=project.title,
        number=number,
        title=episode.title,
        fps=fps,
        frames=position,
        language=project.language,
        cuts=tuple(
            Cut(
                shot.id,
                take.id,
                root / take.media,
                at,
                shot.duration_frames,
                shot.focus,
                take.state is TakeState.APPROVED,
                take.request_json(),
                tuple(cues_of[k]),
            )
            for k, (shot, take, at) in enumerate(cuts)
        ),
        lines=tuple(lines),
        cues=cues,
        warnings=tuple(warnings),
    )


def _shot_finder(starts: list[int], fps: FrameRate) -> Callable[[Fraction], int]:
    """The index of the shot playing at a time in seconds (the last one past the end; among
    shots starting together, the last), for shots starting at the frames ``starts``."""
    seconds = [fps.seconds(start) for start in starts]

    def shot_of(at: Fraction) -> int:
        return max(0, bisect.bisect_right(seconds, at) - 1)

    return shot_of


def spoken_dialogue(
    root: Path, episode: Episode, fps: FrameRate, warnings: list[str]
) -> tuple[list[Line], list[SpokenWords]]:
    """The voiced lines placed in the episode, and every line's words for the captions."""
    lines: list[Line] = []
    spoken: list[SpokenWords] = []
    position = 0
    for shot in episode.shots():
        at = round(fps.seconds(position) * SAMPLE_RATE)
        voiced = {clip.line: clip for clip in shot.voice if clip.line < len(shot.dialogue)}
        unvoiced = [i for i in range(len(shot.dialogue)) if i not in voiced]
        for i, clip in sorted(voiced.items()):
            text = shot.dialogue[i].text
            lines.append(
                Line(
                    shot.id,
                    i,
                    clip.character,
                    text,
                    root / clip.media,
                    at + clip.start,
                    clip.samples,
                    clip.request_json(),
                )
            )
            if clip.timing:
                words = _timing(root, clip.timing, shot.id, i).words
                spoken.append(SpokenWords(at + clip.start, words, clip.character, text=text))
            else:
                seconds = Fraction(clip.samples, SAMPLE_RATE)
                marks = _even([text], Fraction(0), seconds)[0]
                spoken.append(SpokenWords(at + clip.start, marks, clip.character, text=text))
        if unvoiced:
            warnings.append(
                f"shot {shot.id} has unvoiced dialogue: its captions are spread over the shot"
            )
            spoken += _spread(shot, unvoiced, at, fps.seconds(shot.duration_frames))
        position += shot.duration_frames
    return lines, spoken


def _timing(root: Path, rel: str, shot_id: str, line: int) -> SpeechTiming:
    try:
        timing = SpeechTiming.from_json(json.loads((root / rel).read_text(encoding="utf-8")))
        return timing if timing.sample_rate == SAMPLE_RATE else timing.rescaled(SAMPLE_RATE)
    except (OSError, ValueError) as exc:  # SchemaError and JSONDecodeError are ValueErrors
        raise ExportError(
            f"shot {shot_id} line {line + 1}: cannot read the word timing {rel} ({exc}); "
            "voice the shot again"
        ) from None


def _spread(shot: Shot, indexes: list[int], at: int, seconds: Fraction) -> list[SpokenWords]:
    """Unvoiced lines as words evenly spread over the shot, after its head, before its tail."""
    head, tail = (_HEAD, _TAIL) if seconds > _HEAD + _TAIL + Fraction(1, 2) else (0, 0)
    texts = [shot.dialogue[i].text for i in indexes]
    marks = _even(texts, head, seconds - head - tail)
    return [
        SpokenWords(at, tuple(m), shot.dialogue[i].character, text=text)
        for text, m, i in zip(texts, marks, indexes, strict=True)
    ]


def _even(texts: list[str], start: Fraction, seconds: Fraction) -> tuple[tuple[Mark, ...], ...]:
    """The words of ``texts`` (see :func:`caption_words`) given equal times one after another,
    over ``seconds`` from ``start``; the marks of each text."""
    return _even_marks(tuple(texts), start, seconds)


@functools.lru_cache(maxsize=4096)
def _even_marks(
    texts: tuple[str, ...], start: Fraction, seconds: Fraction
) -> tuple[tuple[Mark, ...], ...]:
    """:func:`_even`, once for each set of texts and times (the player plans the episode's
    captions again whenever a take arrives, with the same unvoiced lines)."""
    words = [caption_words(text) or [text] for text in texts]
    step = seconds / max(1, sum(len(w) for w in words))
    out, k = [], 0
    for items in words:
        marks = []
        for word in items:
            begin = round((start + k * step) * SAMPLE_RATE)
            marks.append(Mark(begin, round((start + (k + 1) * step) * SAMPLE_RATE), word))
            k += 1
        out.append(tuple(marks))
    return tuple(out)
