"""What the preview player shows at each frame of an episode: which take file, which of its
frames, cropped where, and the captions on screen.

The choices are the export's: each shot shows the take :func:`export_take` picks (approved,
else latest finished), conformed to the project's rate the way :mod:`studio.media.conform`
does it (the source frame on screen at that moment; a short take holds its last frame),
fitted to the 9:16 delivery size around the shot's focus with :func:`studio.media.fit.fit`,
and the captions are the export plan's cues. Unlike the export, a shot with no usable take is
not an error here: its span carries the reason and the player shows a placeholder.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from studio.core.model import Episode, Project
from studio.core.time import FrameRate
from studio.media import export_plan
from studio.media.captions import Cue, build_cues
from studio.media.conform import source_index
from studio.media.export_plan import ExportError, export_take, plan_episode
from studio.media.fit import fit
from studio.media.presets import PRESETS

DELIVERY = (PRESETS["shorts"].width, PRESETS["shorts"].height)  # 1080×1920: what ships


@dataclass(frozen=True, slots=True)
class Span:
    """One shot of the episode as the player shows it."""

    shot_id: str
    start: int  # frames from the episode start
    frames: int
    media: Path | None  # the take file (absolute); None when the shot has no finished take
    take_id: str = ""
    focus: tuple[float, float] = (0.5, 0.5)
    problem: str = ""  # why the take cannot be shown ("" when it can)

    @property
    def end(self) -> int:
        return self.start + self.frames


@dataclass(frozen=True, slots=True)
class Placement:
    """Episode frame → the shot's span and the frame within the shot (at the project rate)."""

    span: Span
    local: int


class EpisodeTimeline:
    """An episode's spans, in order, and its captions; read-only and safe to share between
    threads."""

    def __init__(
        self,
        fps: FrameRate,
        spans: list[Span],
        cues: tuple[Cue, ...] = (),
        *,
        language: str = "",
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.fps = fps
        self.spans = tuple(spans)
        self.cues = tuple(sorted(cues, key=lambda c: c.start))
        self.language = language
        self.warnings = warnings
        self._starts = [s.start for s in self.spans]
        self._cue_starts = [c.start for c in self.cues]
        self.frames = self.spans[-1].end if self.spans else 0

    @classmethod
    def from_project(
        cls, root: Path, project: Project, number: int, captions: EpisodeTimeline | None = None
    ) -> EpisodeTimeline:
        """The timeline of episode ``number`` (an empty one when the project has no such
        episode). ``captions``: an earlier timeline of the episode whose captions still hold
        (only takes changed since: captions come from the lines): kept, not planned again."""
        episode = next((e for e in project.episodes if e.number == number), None)
        if episode is None:
            return cls(project.fps, [], language=project.language)
        spans, position = [], 0
        for shot in episode.shots():
            take = export_take(shot)
            media, problem = None, "no finished take"
            if take is not None:
                media = root / take.media
                problem = take.media_problem or ("" if media.is_file() else "the take is missing")
            spans.append(
                Span(
                    shot.id,
                    position,
                    shot.duration_frames,
                    media,
                    take.id if take is not None else "",
                    shot.focus,
                    problem,
                )
            )
            position += shot.duration_frames
        if captions is not None:
            cues, warnings = captions.cues, captions.warnings
        else:
            cues, warnings = _cues(root, project, episode)
        return cls(project.fps, spans, cues, language=project.language, warnings=warnings)

    def locate(self, frame: int) -> Placement | None:
        """Where ``frame`` falls; None outside the episode (or in a shot of no frames)."""
        if not 0 <= frame < self.frames:
            return None
        k = bisect.bisect_right(self._starts, frame) - 1
        while k >= 0 and self.spans[k].frames <= 0:
            k -= 1
        if k < 0:
            return None
        span = self.spans[k]
        return Placement(span, frame - span.start)

    def shows(self, shot_ids: Iterable[str]) -> bool:
        """Whether any of ``shot_ids`` is a shot of this timeline."""
        wanted = set(shot_ids)
        return any(span.shot_id in wanted for span in self.spans)

    def shot_range(self, frame: int) -> tuple[int, int]:
        """(first, end) frames of the shot under ``frame``; the whole episode outside it."""
        place = self.locate(frame)
        return (place.span.start, place.span.end) if place else (0, self.frames)

    def seconds(self, frame: int) -> Fraction:
        return self.fps.seconds(frame)

    def frame_at(self, seconds: float) -> int:
        """The frame on screen at ``seconds`` from the episode start."""
        return math.floor(seconds * float(self.fps) + 1e-6)

    def cues_at(self, frame: int) -> tuple[Cue, ...]:
        """The captions on screen during ``frame`` (as libass shows them: start ≤ t < end)."""
        t = self.fps.seconds(frame)
        k = bisect.bisect_right(self._cue_starts, t)
        return tuple(c for c in self.cues[max(0, k - 8) : k] if c.start <= t < c.end)

    def medias(self) -> list[Path]:
        """The take files shown, each once, in order of first appearance."""
        seen: dict[Path, None] = {}
        for span in self.spans:
            if span.media is not None and not span.problem:
                seen.setdefault(span.media)
        return list(seen)

    def first_use(self) -> dict[Path, int]:
        """Each take file → the frame where it first shows."""
        found: dict[Path, int] = {}
        for span in self.spans:
            if span.media is not None:
                found.setdefault(span.media, span.start)
        return found


def source_frame(local: int, source_fps: FrameRate, fps: FrameRate, source_frames: int) -> int:
    """The take's frame on screen at frame ``local`` of its shot (the export's conform)."""
    return source_index(local, source_fps, fps, source_frames)


def crop_box(
    source: tuple[int, int], focus: tuple[float, float], target: tuple[int, int] = DELIVERY
) -> tuple[float, float, float, float]:
    """(x, y, width, height) of ``source`` pixels that the export keeps when it fits the take
    to ``target`` around ``focus``."""
    geometry = fit(source, target, focus)
    sx, sy = geometry.scaled_width / source[0], geometry.scaled_height / source[1]
    return geometry.x / sx, geometry.y / sy, geometry.width / sx, geometry.height / sy


def _cues(
    root: Path, project: Project, episode: Episode
) -> tuple[tuple[Cue, ...], tuple[str, ...]]:
    """The export plan's captions; when the plan is refused (a shot has no usable take), the
    same captions from the dialogue alone."""
    try:
        plan = plan_episode(root, project, episode.number)
        return plan.cues, plan.warnings
    except ExportError as exc:
        warnings = [str(exc)]
    try:
        _, spoken = export_plan.spoken_dialogue(root, episode, project.fps, warnings)
    except ExportError as exc:
        return (), (*warnings, str(exc))
    return tuple(build_cues(spoken)), tuple(warnings)
