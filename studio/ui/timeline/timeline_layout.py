"""Geometry of the shot timeline, without painting: frame ↔ x, the track rows, which shots a
stretch of the view shows, what a point hits, where dragged shots land, the ruler's ticks, snapping,
where captions and voiced lines sit in a shot, and the rule that gives a shot its state colour.

Plain numbers only (no Qt), so all of it is tested without a window. ``starts`` everywhere is
the list of shot start frames followed by the episode's length (``len(shots) + 1`` items).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.model import Shot, TakeState
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE, VoiceClip

# -- a shot's state -------------------------------------------------------------------------------

NO_TAKE = "no take"
GENERATING = "generating"
REVIEW = "needs review"
APPROVED = "approved"
CHANGED = "changed"
STATES = (NO_TAKE, GENERATING, REVIEW, APPROVED, CHANGED)

_RUNNING = (TakeState.QUEUED, TakeState.RUNNING)
_FINISHED = (TakeState.DONE, TakeState.STARRED, TakeState.APPROVED)


def shot_state(shot: Shot) -> str:
    """The state a shot is coloured by, one of :data:`STATES`.

    A take queued or running makes it ``generating``; else a script change since its takes
    makes it ``changed``; else an approved take ``approved``; else a finished take waiting for
    a decision ``needs review``; else (no take, or only failed and rejected ones) ``no take``.
    """
    if any(take.state in _RUNNING for take in shot.takes):
        return GENERATING
    finished = any(take.state in _FINISHED for take in shot.takes)
    if shot.changed and finished:
        return CHANGED
    if shot.approved_take is not None:
        return APPROVED
    return REVIEW if finished else NO_TAKE


# -- rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    top: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def contains(self, y: float) -> bool:
        return self.top <= y < self.bottom


RULER = Row("ruler", 0, 24)
VIDEO = Row("video", 26, 56)
AUDIO = Row("audio", 84, 36)
CAPTIONS = Row("captions", 122, 22)
TRACKS = (VIDEO, AUDIO, CAPTIONS)
HEIGHT = CAPTIONS.bottom + 4
THUMB_HEIGHT = int(VIDEO.height) - 8  # a take's thumbnail fills the video track, less a margin


def row_at(y: float) -> Row | None:
    if RULER.contains(y):
        return RULER
    return next((row for row in TRACKS if row.contains(y)), None)


# -- frames and pixels ----------------------------------------------------------------------------

LEFT = 8.0  # px before frame 0
TAIL = 240.0  # px of room after the last shot, to drop a shot at the end or lengthen the last
MIN_PX_PER_FRAME = 0.005
MAX_PX_PER_FRAME = 64.0
EDGE = 8.0  # px inside a shot's right edge that grab the edge (less in a shot under 16 px)
SNAP_PX = 6.0  # an edge dragged this close to a snap target goes to it


@dataclass(slots=True)
class Viewport:
    """The visible window onto the episode: ``px_per_frame`` (zoom) and ``scroll`` (px of the
    content scrolled out to the left) in a canvas ``width`` px wide showing ``frames`` frames."""

    px_per_frame: float = 2.0
    scroll: float = 0.0
    width: float = 800.0
    frames: int = 0

    def x(self, frame: float) -> float:
        return LEFT + frame * self.px_per_frame - self.scroll

    def frame_at(self, x: float) -> float:
        return (x - LEFT + self.scroll) / self.px_per_frame

    def max_scroll(self) -> float:
        return max(0.0, LEFT + self.frames * self.px_per_frame + TAIL - self.width)

    def scroll_to(self, scroll: float) -> None:
        self.scroll = min(max(0.0, scroll), self.max_scroll())

    def zoom(self, factor: float, anchor_x: float) -> None:
        """Zoom by ``factor`` keeping the frame under ``anchor_x`` where it is (unless the
        content's ends stop the scroll)."""
        frame = self.frame_at(anchor_x)
        ppf = self.px_per_frame * factor
        self.px_per_frame = min(max(MIN_PX_PER_FRAME, ppf), MAX_PX_PER_FRAME)
        self.scroll_to(LEFT + frame * self.px_per_frame - anchor_x)

    def fit(self, first: float = 0, last: float | None = None) -> None:
        """Show frames ``first`` to ``last`` (default: the whole episode) across the width."""
        last = self.frames if last is None else last
        span = max(1.0, last - first)
        usable = max(1.0, self.width - 2 * LEFT)
        self.px_per_frame = min(max(MIN_PX_PER_FRAME, usable / span), MAX_PX_PER_FRAME)
        self.scroll_to(first * self.px_per_frame)

    def visible_frames(self, x0: float = 0.0, x1: float | None = None) -> tuple[float, float]:
        """The frames from ``x0`` to ``x1`` (default: the whole width)."""
        return self.frame_at(x0), self.frame_at(self.width if x1 is None else x1)


def shot_starts(durations: Sequence[int]) -> list[int]:
    """Each shot's start frame, then the total: ``[0, d0, d0 + d1, …]``."""
    return [0, *itertools.accumulate(durations)]


def visible_range(starts: Sequence[int], first: float, last: float) -> range:
    """The indexes of the shots overlapping frames ``[first, last)``, by binary search."""
    count = len(starts) - 1
    lo = max(0, bisect.bisect_right(starts, first) - 1)
    hi = min(count, bisect.bisect_left(starts, last))
    return range(lo, max(lo, hi))


def shot_at(starts: Sequence[int], frame: float) -> int | None:
    """The index of the shot showing ``frame``, or None outside the episode."""
    if not starts or frame < 0 or frame >= starts[-1]:
        return None
    return bisect.bisect_right(starts, frame) - 1


# -- hit testing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """What a point hits: ``part`` is "ruler", "shot" (its body), "edge" (its right edge),
    "track" (a track where there is no shot) or "none"; ``index`` the shot's, else -1."""

    part: str
    index: int = -1
    frame: float = 0.0


def edge_zone(view: Viewport, starts: Sequence[int], index: int) -> float:
    """How many px inside shot ``index``'s right edge grab the edge."""
    width = (starts[index + 1] - starts[index]) * view.px_per_frame
    return min(EDGE, width / 2)


def hit_test(view: Viewport, starts: Sequence[int], x: float, y: float) -> Hit:
    row = row_at(y)
    frame = view.frame_at(x)
    if row is None:
        return Hit("none", frame=frame)
    if row is RULER:
        return Hit("ruler", frame=frame)
    count = len(starts) - 1
    index = shot_at(starts, frame)
    if index is None:
        past_end = count and 0 <= x - view.x(starts[-1]) < EDGE
        return Hit("edge", count - 1, frame) if past_end else Hit("track", frame=frame)
    if x >= view.x(starts[index + 1]) - edge_zone(view, starts, index):
        return Hit("edge", index, frame)
    return Hit("shot", index, frame)


def snapped(view: Viewport, frame: int, targets: Sequence[int]) -> int:
    """``frame``, or the nearest of ``targets`` (shot edges, the playhead) when one is within
    :data:`SNAP_PX` of it at this zoom."""
    near = min(targets, key=lambda t: abs(t - frame), default=None)
    if near is not None and abs(near - frame) * view.px_per_frame <= SNAP_PX:
        return near
    return frame


# -- selecting and reordering ----------------------------------------------------------------------


def clicked(
    ids: Sequence[str], selected: Sequence[str], anchor: str, index: int, ctrl: bool, shift: bool
) -> list[str]:
    """The selection after a click on shot ``index``: Ctrl toggles it, Shift selects the run
    from ``anchor`` (the last shot clicked) to it, a plain click on a shot not selected selects
    it alone (on a selected one it keeps the selection, to drag it; release narrows it)."""
    shot_id = ids[index]
    if ctrl:
        return (
            [i for i in selected if i != shot_id] if shot_id in selected else [*selected, shot_id]
        )
    if shift and anchor in ids:
        a, b = sorted((ids.index(anchor), index))
        return list(ids[a : b + 1])
    return list(selected) if shot_id in selected else [shot_id]


def drop_index(starts: Sequence[int], moving: Sequence[int], frame: float) -> int:
    """Where shots ``moving`` (indexes) dropped at ``frame`` land, as an index into the shots
    *without* them (``move_shots``' meaning): the number of other shots whose middle, where they
    are shown now, is before ``frame``."""
    taken = set(moving)
    return sum(
        1
        for i in range(len(starts) - 1)
        if i not in taken and starts[i] + starts[i + 1] < 2 * frame
    )


def drop_frame(starts: Sequence[int], moving: Sequence[int], index: int) -> int:
    """The frame, as the shots are shown now, of the gap that ``drop_index`` ``index`` names."""
    taken = set(moving)
    staying = [i for i in range(len(starts) - 1) if i not in taken]
    if not staying:
        return 0
    if index <= 0:
        return starts[staying[0]]
    return starts[staying[min(index, len(staying)) - 1] + 1]


def reordered(ids: Sequence[str], moving: Sequence[str], index: int) -> list[str]:
    """``ids`` after moving ``moving`` (kept in their order) to ``index`` of the others."""
    taken = set(moving)
    staying = [i for i in ids if i not in taken]
    chosen = [i for i in ids if i in taken]
    return staying[:index] + chosen + staying[index:]


# -- the ruler ------------------------------------------------------------------------------------

MAJOR_PX = 100.0  # the least space between labelled ticks
MINOR_PX = 8.0
_SECONDS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


def tick_steps(px_per_frame: float, nominal_fps: int) -> tuple[int, int]:
    """The frames between labelled ticks and between small ticks (0 = none) at this zoom."""
    steps = [s for s in (1, 2, 5, 10) if s < nominal_fps] + [s * nominal_fps for s in _SECONDS]
    major = next((s for s in steps if s * px_per_frame >= MAJOR_PX), steps[-1])
    minors = [s for s in steps if s < major and major % s == 0 and s * px_per_frame >= MINOR_PX]
    return major, (minors[0] if minors else 0)


def ticks(first: float, last: float, step: int) -> range:
    """The multiples of ``step`` from ``first`` (not before 0) to ``last``."""
    if step <= 0:
        return range(0)
    begin = max(0, math.ceil(first / step)) * step
    return range(begin, math.floor(last) + 1, step)


# -- sound and captions inside a shot -------------------------------------------------------------


def frames_per_sample(fps: FrameRate) -> float:
    return fps.num / (fps.den * SAMPLE_RATE)


def clip_span(clip: VoiceClip, fps: FrameRate) -> tuple[float, float]:
    """Where a voiced line sits in its shot, in frames from the shot's start."""
    per = frames_per_sample(fps)
    return clip.start * per, clip.end * per


def caption_spans(shot: Shot, fps: FrameRate) -> list[tuple[float, float, str]]:
    """A caption block per dialogue line, in frames from the shot's start: a voiced line spans
    its clip, a line not voiced yet its even share of the shot; each cut at the shot's end."""
    clips = {clip.line: clip for clip in shot.voice}
    count = len(shot.dialogue)
    spans = []
    for i, line in enumerate(shot.dialogue):
        clip = clips.get(i)
        if clip is not None:
            begin, end = clip_span(clip, fps)
        else:
            share = shot.duration_frames / count
            begin, end = i * share, (i + 1) * share
        end = min(end, shot.duration_frames)
        if end > begin:
            spans.append((begin, end, line.text))
    return spans
