"""Beat markers a writer puts in the script, placed on the episode's time line.

A writer marks a beat with a Fountain note: ``[[beat: reveal]]`` (any word after ``beat:``,
lower-cased: ``reveal``, ``threat``, ``twist``…) or ``[[cliffhanger]]``. Notes never become shot
text (see :mod:`studio.core.script.breakdown`), so the markers are not stored on shots: they are
read from the project's script, which is always Fountain and which every shot's
``source_lines`` points into. That needs no new field on :class:`~studio.core.model.Shot` and
no schema upgrade, and a marker moved in the editor is seen at once.

Where a marker is:

- inside a shot's span (``She opens the door. [[cliffhanger]]``): during that shot, from its
  start to its end;
- between shots: at the cut after the shot written before it, in that shot's episode;
- before the first shot of an episode (after its ``# Episode`` section line): at the start of the
  next shot written after it;
- before any shot at all: at the start of the first shot. A marker with no shot near it is lost.

Markers inside boneyard ``/* */`` are commented out and ignored.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from studio.core.model import Episode, Project
from studio.core.script.fountain_lines import logical_lines

CLIFFHANGER = "cliffhanger"
_BEAT = re.compile(r"^\s*beat\s*:\s*([^\]\n]*?)\s*$", re.IGNORECASE)
_CLIFF = re.compile(r"^\s*cliff-?hanger\s*$", re.IGNORECASE)
_EPISODE_SECTION = re.compile(r"^\s*#(?!#)")


@dataclass(frozen=True, slots=True)
class Marker:
    """A beat note as written: its kind and its physical line (1-based)."""

    kind: str
    line: int


@dataclass(frozen=True, slots=True)
class Beat:
    """A marked beat in an episode: from ``start`` to ``end`` frames (equal at a cut)."""

    kind: str
    start: int
    end: int
    shot_id: str = ""  # the shot it is in or after; "" at an episode's start


def read_markers(script: str) -> tuple[list[Marker], list[int]]:
    """The beat markers of a Fountain text, and the lines that start an episode (``# …``)."""
    markers: list[Marker] = []
    sections: list[int] = []
    for line in logical_lines(script.splitlines()):
        if _EPISODE_SECTION.match(line.vis) and not line.hidden:
            sections.append(line.first)
        for note in line.notes:
            kind = _kind(note)
            if kind:
                markers.append(Marker(kind, line.first))
    return markers, sections


def _kind(note: str) -> str:
    if _CLIFF.match(note):
        return CLIFFHANGER
    match = _BEAT.match(note)
    if match and match.group(1):
        return " ".join(match.group(1).split()).casefold()
    return ""


@dataclass(frozen=True, slots=True)
class _Placed:
    episode: int
    shot_id: str
    first: int
    last: int
    start: int
    end: int


def _placed_shots(episodes: list[Episode]) -> list[_Placed]:
    """Every shot with a script span, in script order, with its frames in its episode."""
    out: list[_Placed] = []
    for episode in episodes:
        at = 0
        for shot in episode.shots():
            first, last = shot.source_lines
            if first > 0:
                out.append(
                    _Placed(episode.number, shot.id, first, max(first, last), at,
                            at + shot.duration_frames)
                )  # fmt: skip
            at += shot.duration_frames
    out.sort(key=lambda p: (p.first, p.last))
    return out


def place_beats(project: Project, script: str) -> dict[int, list[Beat]]:
    """The marked beats of each episode (by number), in the order written."""
    markers, sections = read_markers(script)
    shots = _placed_shots(project.episodes)
    firsts = [p.first for p in shots]
    beats: dict[int, list[Beat]] = {}
    for marker in markers:
        placed = _place(marker, shots, firsts, sections)
        if placed is not None:
            episode, beat = placed
            beats.setdefault(episode, []).append(beat)
    return beats


def _place(
    marker: Marker, shots: list[_Placed], firsts: list[int], sections: list[int]
) -> tuple[int, Beat] | None:
    k = bisect_left(firsts, marker.line + 1)  # shots[:k] start at or before the marker
    before = shots[k - 1] if k > 0 else None
    after = shots[k] if k < len(shots) else None
    if before is not None and before.first <= marker.line <= before.last:
        return before.episode, Beat(marker.kind, before.start, before.end, before.shot_id)
    new_episode = before is not None and any(before.last < s < marker.line for s in sections)
    if before is not None and not (new_episode and after is not None):
        return before.episode, Beat(marker.kind, before.end, before.end, before.shot_id)
    if after is not None:
        return after.episode, Beat(marker.kind, after.start, after.start, "")
    return None
