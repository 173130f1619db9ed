"""What a branching episode's graph lets a viewer do: the validator's findings and every path.

The viewer's state is the segment playing and the story's variables. :func:`check_story` walks
every state reachable from ``start`` (at most :data:`MAX_STATES`) and reports:

- ``broken-link`` (error): an option or divert names a label the episode does not have;
- ``unreachable``: a segment no path reaches;
- ``dead-end``: a segment with no choice, divert or ``[[end]]``: the viewer stops there;
- ``no-option``: a choice whose options are all unavailable in some reachable state;
- ``loop``: a way round back to a segment already played (kept: a "try again" is a loop; the
  exported player lets the viewer go round, :func:`story_paths` stops at the repeat);
- ``empty``: a segment with no shots: nothing plays;

plus the reader's own problems (syntax, duplicate labels, two exits). :func:`story_paths` lists
each path from ``start`` to an ending, a dead end or a repeat, with the option chosen at each
choice: the timeline's path picker and the exported package's tests walk them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from studio.core.story import Problem, Segment, StoryGraph
from studio.core.story_syntax import NoteKind, Option

MAX_STATES = 4096
MAX_PATHS = 256
MAX_LOOPS = 20

_State = tuple[str, tuple[tuple[str, int], ...]]


def available(segment: Segment, variables: dict[str, int]) -> list[Option]:
    """The options of ``segment``'s choice a viewer with ``variables`` is shown."""
    return [o for o in segment.options if o.condition is None or o.condition.holds(variables)]


def default_option(segment: Segment, variables: dict[str, int]) -> Option | None:
    """What plays when the viewer does not choose: the ``(default)`` option if shown, else the
    first option shown."""
    shown = available(segment, variables)
    return next((o for o in shown if o.default), shown[0] if shown else None)


def entered(segment: Segment, variables: dict[str, int]) -> dict[str, int]:
    """The variables after ``segment`` played."""
    out = dict(variables)
    for assignment in segment.sets:
        assignment.apply(out)
    return out


def _freeze(variables: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((k, v) for k, v in variables.items() if v))


def _next(graph: StoryGraph, segment: Segment, variables: dict[str, int]) -> list[Option]:
    """Where the viewer can go from ``segment`` (after it played), to labels that exist."""
    labels = set(graph.labels())
    if segment.exit is NoteKind.CHOICE:
        return [o for o in available(segment, variables) if o.target in labels]
    if segment.exit is NoteKind.DIVERT:
        return [o for o in segment.options if o.target in labels]
    return []


def check_story(graph: StoryGraph) -> list[Problem]:
    """Every finding about ``graph``, errors first, then in script order."""
    problems = list(graph.problems)
    labels = set(graph.labels())
    for segment in graph.segments:
        for option in segment.options:
            if option.target not in labels:
                problems.append(Problem(
                    "error", "broken-link", segment.label,
                    f"#{segment.label} goes to #{option.target}, which this episode does not "
                    "have (a ## section or a scene numbered #" + option.target + "#)",
                    segment.exit_line,
                ))  # fmt: skip
        if not segment.shot_ids:
            problems.append(Problem("warning", "empty", segment.label,
                                    f"#{segment.label} has no shots: nothing plays",
                                    segment.lines[0]))  # fmt: skip
        if segment.exit is None:
            problems.append(Problem(
                "warning", "dead-end", segment.label,
                f"#{segment.label} ends with no choice, no [[-> #label]] and no [[end]]: the "
                "viewer stops there", segment.lines[0],
            ))  # fmt: skip
    problems += _walk(graph)
    order = {segment.label: i for i, segment in enumerate(graph.segments)}
    problems.sort(key=lambda p: (p.severity != "error", order.get(p.segment, -1), p.line))
    return problems


def _walk(graph: StoryGraph) -> list[Problem]:
    problems: list[Problem] = []
    start = graph.segment(graph.start)
    first: _State = (start.label, ())
    seen = {first}
    queue = deque([first])
    edges: dict[str, set[str]] = {}
    stuck: dict[str, dict[str, int]] = {}
    while queue:
        label, frozen = queue.popleft()
        segment = graph.segment(label)
        variables = entered(segment, dict(frozen))
        options = _next(graph, segment, variables)
        if segment.exit is NoteKind.CHOICE and not available(segment, variables):
            stuck.setdefault(label, variables)
        for option in options:
            edges.setdefault(label, set()).add(option.target)
            state = (option.target, _freeze(variables))
            if state in seen:
                continue
            if len(seen) >= MAX_STATES:
                problems.append(Problem("warning", "too-many-states", "",
                                        f"the story has over {MAX_STATES:,} states (segments × "
                                        "variable values): the rest was not checked"))  # fmt: skip
                queue.clear()
                break
            seen.add(state)
            queue.append(state)
    reached = {label for label, _ in seen}
    for segment in graph.segments:
        if segment.label not in reached:
            problems.append(
                Problem(
                    "warning",
                    "unreachable",
                    segment.label,
                    f"no path reaches #{segment.label}",
                    segment.lines[0],
                )
            )
    for label, variables in stuck.items():
        state = ", ".join(f"{k} = {v}" for k, v in sorted(variables.items())) or "no variable set"
        problems.append(Problem(
            "warning", "no-option", label,
            f"the choice at the end of #{label} shows no option when {state}: the viewer stops "
            "there", graph.segment(label).exit_line,
        ))  # fmt: skip
    problems += _loops(graph, edges)
    return problems


def _loops(graph: StoryGraph, edges: dict[str, set[str]]) -> list[Problem]:
    """One finding per edge that goes back to a segment on the way to it (depth-first)."""
    found: list[Problem] = []
    order = graph.labels()
    on_path: list[str] = []
    done: set[str] = set()

    def visit(label: str) -> None:
        on_path.append(label)
        for target in sorted(edges.get(label, ()), key=order.index):
            if target in on_path and len(found) < MAX_LOOPS:
                cycle = [*on_path[on_path.index(target) :], target]
                found.append(Problem("warning", "loop", label,
                                     "loop: " + " → ".join(f"#{c}" for c in cycle),
                                     graph.segment(label).exit_line))  # fmt: skip
            elif target not in done and target not in on_path:
                visit(target)
        on_path.pop()
        done.add(label)

    visit(graph.start)
    return found


@dataclass(frozen=True, slots=True)
class Path:
    """One way through the episode: the segments played and the option chosen after each but
    the last (``""`` after a divert)."""

    segments: tuple[str, ...]
    choices: tuple[str, ...]
    ending: str  # end | dead-end | no-option | loop

    def to_json(self) -> dict[str, object]:
        return {"segments": list(self.segments), "choices": list(self.choices),
                "ending": self.ending}  # fmt: skip

    def describe(self) -> str:
        parts = [f"#{self.segments[0]}"]
        for choice, label in zip(self.choices, self.segments[1:], strict=True):
            parts.append(f"({choice}) #{label}" if choice else f"#{label}")
        return " → ".join(parts) + ("" if self.ending == "end" else f"  [{self.ending}]")


def story_paths(graph: StoryGraph) -> tuple[list[Path], bool]:
    """Every path from ``start`` (depth-first, options in the order written), and whether there
    were more than :data:`MAX_PATHS`."""
    paths: list[Path] = []
    segments: list[str] = []
    choices: list[str] = []
    more = False

    def walk(label: str, variables: dict[str, int]) -> None:
        nonlocal more
        if len(paths) >= MAX_PATHS:
            more = True
            return
        segment = graph.segment(label)
        segments.append(label)
        after = entered(segment, variables)
        options = _next(graph, segment, after)
        if not options:
            ending = "end" if segment.exit is NoteKind.END else "dead-end"
            if segment.exit is NoteKind.CHOICE:
                ending = "no-option"
            paths.append(Path(tuple(segments), tuple(choices), ending))
        for option in options:
            if option.target in segments:
                paths.append(Path(tuple([*segments, option.target]),
                                  tuple([*choices, option.text]), "loop"))  # fmt: skip
                continue
            choices.append(option.text)
            walk(option.target, after)
            choices.pop()
        segments.pop()

    walk(graph.start, {})
    return paths[:MAX_PATHS], more
