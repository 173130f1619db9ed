"""A branching episode as a graph of segments, read from the project's script.

An episode branches when its script holds story notes (:mod:`studio.core.story_syntax`):
``[[choice: …]]``, ``[[-> #label]]``, ``[[end]]`` or ``[[set: …]]``. Its text is then cut into
**segments**:

- the opening segment, ``start``: from the episode's start to the first labelled one (dropped
  when it holds neither shots nor notes, so a script may open on a labelled segment);
- a segment at each level-2 section, ``## The deal`` (label ``the-deal``);
- a segment at each scene heading whose scene number a choice or divert names:
  ``INT. ROOF - NIGHT #walk#`` starts segment ``walk`` when some option says ``-> #walk``.

Each segment plays its shots, then leaves by its one exit: a choice, a divert or an ending. Like
an Ink knot, a segment never runs on into the next one written: a segment with no exit is a dead
end (:mod:`studio.core.story_check` reports it). As with beat markers, nothing of this is stored
in the project file: the script is the source, so a choice edited in the script is seen at once,
and shots belong to segments by the script lines they came from.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from studio.core.model import Episode, Project
from studio.core.script import fountain
from studio.core.script.elements import Kind
from studio.core.script.fountain_lines import logical_lines
from studio.core.story_syntax import (
    Assignment,
    NoteKind,
    Option,
    StoryNote,
    StorySyntaxError,
    label_of,
    read_note,
)

START = "start"
MAX_SEGMENTS = 500
_EPISODE = re.compile(r"^\s*#(?!#)")
_SEGMENT = re.compile(r"^\s*##(?!#)\s*(.*?)\s*$")


@dataclass(frozen=True, slots=True)
class Problem:
    """What the reader or the validator found: ``error`` stops an export, ``warning`` does not."""

    severity: str  # error | warning
    kind: str  # syntax | duplicate-label | two-exits | broken-link | unreachable | dead-end |
    #            no-option | loop | empty | too-many-states | too-many-paths
    segment: str  # its label, "" for the episode
    message: str
    line: int = 0  # in the script, 1-based; 0 when not one line

    def where(self) -> str:
        """``line 12: message``, or the message alone when it is not on one line."""
        return f"line {self.line}: {self.message}" if self.line else self.message

    def to_json(self) -> dict[str, object]:
        return {"severity": self.severity, "kind": self.kind, "segment": self.segment,
                "message": self.message, "line": self.line}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Segment:
    label: str  # folded: "start", "the-deal"
    title: str  # as written: the section's text or the scene heading
    lines: tuple[int, int]  # the script lines it spans, 1-based, inclusive
    shot_ids: tuple[str, ...] = ()  # in timeline order
    frames: int = 0  # the sum of its shots' durations
    exit: NoteKind | None = None  # CHOICE, DIVERT or END; None: no exit written
    options: tuple[Option, ...] = ()  # a choice's options; a divert's one target
    exit_line: int = 0
    sets: tuple[Assignment, ...] = ()

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(option.target for option in self.options))

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label, "title": self.title, "lines": list(self.lines),
            "shots": list(self.shot_ids), "frames": self.frames,
            "exit": str(self.exit) if self.exit else None, "exit_line": self.exit_line,
            "options": [
                {"text": o.text, "target": o.target, "default": o.default,
                 "condition": None if o.condition is None else {
                     "name": o.condition.name, "op": o.condition.op,
                     "value": o.condition.value}}
                for o in self.options
            ],
            "sets": [{"name": a.name, "op": a.op, "value": a.value} for a in self.sets],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class StoryGraph:
    episode: int
    title: str
    segments: tuple[Segment, ...]
    problems: tuple[Problem, ...] = ()  # found while reading the notes

    @property
    def start(self) -> str:
        return self.segments[0].label

    def segment(self, label: str) -> Segment:
        for segment in self.segments:
            if segment.label == label:
                return segment
        raise KeyError(label)

    def labels(self) -> list[str]:
        return [segment.label for segment in self.segments]

    def shots_on(self, labels: tuple[str, ...] | list[str]) -> list[str]:
        """The shot ids a viewer sees along ``labels`` (a path), in order."""
        return [shot for label in labels for shot in self.segment(label).shot_ids]

    def to_json(self) -> dict[str, object]:
        return {"episode": self.episode, "title": self.title, "start": self.start,
                "segments": [segment.to_json() for segment in self.segments]}  # fmt: skip


def build_stories(project: Project, script: str, only: int | None = None) -> dict[int, StoryGraph]:
    """The graph of each branching episode of the project (by number), or of episode ``only``;
    linear episodes are not in it. Nothing is raised for what the writer wrote wrong: it is in
    each graph's problems."""
    lines = logical_lines(script.splitlines())
    episode_starts = [1] + [ln.first for ln in lines if _EPISODE.match(ln.vis) and not ln.hidden]
    notes = [(ln.first, note) for ln in lines for note in ln.notes]
    sections = [(ln.first, m.group(1)) for ln in lines if not ln.hidden
                for m in [_SEGMENT.match(ln.vis)] if m]  # fmt: skip
    headings = [(e.lines[0], e.scene_number, e.text) for e in fountain.parse(script)
                if e.kind is Kind.SCENE_HEADING and e.scene_number]  # fmt: skip
    end_line = max(1, len(script.splitlines()))
    stories: dict[int, StoryGraph] = {}
    for episode in project.episodes:
        if only is not None and episode.number != only:
            continue
        region = _region(episode, episode_starts, end_line)
        if region is None:
            continue
        inside = [(line, note) for line, note in notes if region[0] <= line <= region[1]]
        read = _read_notes(inside)
        if not read:
            continue
        graph = _graph(episode, region, read, sections, headings)
        stories[episode.number] = graph
    return stories


@dataclass
class _Note:
    line: int
    note: StoryNote | None
    error: str = ""


def _read_notes(notes: list[tuple[int, str]]) -> list[_Note]:
    out = []
    for line, text in notes:
        try:
            note = read_note(text)
        except StorySyntaxError as exc:
            out.append(_Note(line, None, str(exc)))
            continue
        if note is not None:
            out.append(_Note(line, note))
    return out


def _region(episode: Episode, starts: list[int], end_line: int) -> tuple[int, int] | None:
    """The script lines of ``episode``: those between the episode sections around its shots."""
    firsts = [shot.source_lines[0] for shot in episode.shots() if shot.source_lines[0] > 0]
    if not firsts:
        return None
    k = bisect_right(starts, min(firsts)) - 1
    first = starts[k]
    last = starts[k + 1] - 1 if k + 1 < len(starts) else end_line
    return first, last


@dataclass
class _Draft:
    label: str
    title: str
    first: int
    last: int = 0
    shots: list[str] = field(default_factory=list)
    frames: int = 0
    exit: _Note | None = None
    sets: list[Assignment] = field(default_factory=list)
    noted: bool = False  # holds any story note


def _graph(
    episode: Episode,
    region: tuple[int, int],
    notes: list[_Note],
    sections: list[tuple[int, str]],
    headings: list[tuple[int, str, str]],
) -> StoryGraph:
    problems: list[Problem] = []
    named = {o.target for n in notes if n.note for o in n.note.options}
    starts = [(line, label_of(text), text) for line, text in sections
              if region[0] <= line <= region[1]]  # fmt: skip
    starts += [(line, label_of(number), text) for line, number, text in headings
               if region[0] <= line <= region[1] and label_of(number) in named]  # fmt: skip
    starts = sorted(starts)[:MAX_SEGMENTS]
    drafts = [_Draft(START, episode.title or f"Episode {episode.number}", region[0])]
    drafts += [_Draft(label or f"line-{line}", text, line) for line, label, text in starts]
    for draft, after in itertools.pairwise(drafts):
        draft.last = after.first - 1
    drafts[-1].last = region[1]
    firsts = [draft.first for draft in drafts]

    def at(line: int) -> _Draft:
        return drafts[max(0, bisect_right(firsts, line) - 1)]

    current = drafts[0]
    for shot in episode.shots():
        if shot.source_lines[0] > 0:
            current = at(shot.source_lines[0])
        current.shots.append(shot.id)
        current.frames += shot.duration_frames
    for note in notes:
        draft = at(note.line)
        draft.noted = True
        _place_note(draft, note, problems)
    if len(drafts) > 1 and not drafts[0].shots and not drafts[0].noted:
        drafts.pop(0)
    seen: set[str] = set()
    for draft in drafts:
        if draft.label in seen:
            problems.append(Problem("error", "duplicate-label", draft.label,
                                    f"two segments are labelled #{draft.label}: rename one",
                                    draft.first))  # fmt: skip
        seen.add(draft.label)
    segments = tuple(_segment(d) for d in drafts)
    return StoryGraph(episode.number, episode.title, segments, tuple(problems))


def _place_note(draft: _Draft, note: _Note, problems: list[Problem]) -> None:
    if note.note is None:
        problems.append(Problem("error", "syntax", draft.label, note.error, note.line))
        return
    if note.note.kind is NoteKind.SET:
        assert note.note.assignment is not None
        draft.sets.append(note.note.assignment)
    elif draft.exit is None:
        draft.exit = note
    else:
        problems.append(Problem(
            "error", "two-exits", draft.label,
            f"segment #{draft.label} has a second exit (line {note.line}) after the one on line "
            f"{draft.exit.line}: a segment ends with one choice, divert or [[end]]", note.line,
        ))  # fmt: skip


def _segment(draft: _Draft) -> Segment:
    exit_note = draft.exit.note if draft.exit is not None else None
    return Segment(
        label=draft.label,
        title=draft.title,
        lines=(draft.first, draft.last),
        shot_ids=tuple(draft.shots),
        frames=draft.frames,
        exit=exit_note.kind if exit_note else None,
        options=exit_note.options if exit_note else (),
        exit_line=draft.exit.line if draft.exit is not None else 0,
        sets=tuple(draft.sets),
    )
