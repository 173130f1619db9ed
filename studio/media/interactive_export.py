"""A branching episode exported as a package that plays offline in a browser: each segment of
the story an MP4 (with its captions), and a small player that shows the choices.

Each segment is rendered by :func:`studio.media.episode_export.export_episode` itself, on a
view of the project whose episode holds that segment's shots only (in their scenes): the same
delivery preset, burned captions, AI-content label and metadata, loudness-normalized sound. The
large intro label plays at the start segment; the others carry the corner label from their
first frame. All segments share one cache folder in ``exports/.cache``
(``episode-N-<preset>-interactive``), pruned once for the whole package, so re-exporting
encodes only the shots that changed, and a linear export of the same episode (its own cache)
does not undo it.

What the package is and how it replaces an earlier one: :mod:`studio.media.interactive_package`.
The player: ``resources/interactive/``. Known limit: the episode's music bed starts again at
each segment.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from studio.core.atomic import describe
from studio.core.model import Project
from studio.core.resources import resources_dir
from studio.core.story import Problem, Segment, StoryGraph
from studio.core.time import FrameRate
from studio.media.episode_export import (
    CACHE,
    ExportEvent,
    ExportOptions,
    ExportResult,
    export_episode,
    inside_project,
    prune_cache,
)
from studio.media.export_plan import ExportError, plan_episode
from studio.media.interactive_package import (
    SEGMENTS,
    SegmentFiles,
    check_target,
    discard,
    file_stems,
    package_graph,
    publish,
    staging_folder,
    write_package_files,
)

CHOICE_SECONDS = 5.0  # the buttons show over a segment's last seconds
TIMEOUT_SECONDS = 10.0  # then the viewer has this long before the default option plays
MAX_SECONDS = 600.0


class Story(Protocol):
    """A branching episode's story (``studio.app.story.EpisodeStory``)."""

    @property
    def graph(self) -> StoryGraph: ...

    @property
    def problems(self) -> tuple[Problem, ...]: ...

    def to_json(self) -> dict[str, object]: ...


class StoryErrors(ExportError):
    """The validator found errors in the episode's story: ``problems`` lists them."""

    def __init__(self, number: int, problems: list[Problem]) -> None:
        self.problems = problems
        listed = "; ".join(p.where() for p in problems)
        super().__init__(f"episode {number}: the story has {len(problems)} error"
                         f"{'s' if len(problems) > 1 else ''}: {listed}")  # fmt: skip


@dataclass
class InteractiveResult:
    episode: int
    out: Path  # the package folder
    files: dict[str, Path] = field(default_factory=dict)  # index, graph, player, segment files
    segments: list[str] = field(default_factory=list)  # the labels encoded, in story order
    shots_encoded: int = 0
    shots_reused: int = 0
    warnings: list[str] = field(default_factory=list)


def export_interactive(
    root: Path,
    project: Project,
    number: int,
    story: Story | None,
    out: Path,
    options: ExportOptions | None = None,
    *,
    choice_seconds: float = CHOICE_SECONDS,
    timeout_seconds: float = TIMEOUT_SECONDS,
    on_event: Callable[[ExportEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> InteractiveResult:
    """Episode ``number`` (whose ``story`` comes from ``studio.app.story.episode_story``) as an
    interactive package in the folder ``out``. ExportError (:class:`StoryErrors` for the
    validator's errors) or MediaError, with nothing left behind, on failure."""
    options = options or ExportOptions()
    if story is None:
        raise ExportError(
            f"episode {number} does not branch: its script has no [[choice: …]], [[-> #label]] "
            "or [[end]] notes, so there is nothing to choose; export it as an MP4 instead"
        )
    errors = [p for p in story.problems if p.severity == "error"]
    if errors:
        raise StoryErrors(number, errors)
    _check_seconds(choice_seconds, "the choice time", zero=True)
    _check_seconds(timeout_seconds, "the choice timeout", zero=False)
    graph = story.graph
    emit = on_event or (lambda event: None)
    emit(ExportEvent(number, "plan", 0, 1))
    whole = plan_episode(root, project, number, approved_only=options.approved_only)
    out = out.expanduser().resolve()
    check_target(out)
    result = InteractiveResult(number, out)
    result.warnings += [f"story: {p.where()}" for p in story.problems]
    result.warnings += whole.warnings
    playing = [segment for segment in graph.segments if segment.shot_ids]
    emit(ExportEvent(number, "plan", 1, 1, f"{len(playing)} segments"))
    mode = options.captions or options.preset.captions
    burned = mode in ("burn", "both")
    per_segment = dataclasses.replace(
        options, cover=False, otio=False, prune=False,
        captions="none" if mode == "none" else "both" if burned else "sidecar",
        cache=f"episode-{number}-{options.preset.name}-interactive",
    )  # fmt: skip
    stems = file_stems(graph.labels())
    files: dict[str, SegmentFiles] = {}
    captions: dict[str, str] = {}
    cached: set[str] = set()
    progress = _Progress(number, sum(s.frames for s in playing), emit)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = staging_folder(out)
    except OSError as exc:
        raise ExportError(f"cannot write beside {out}: {describe(exc)}") from None
    try:
        for segment in playing:
            if cancel is not None and cancel.is_set():
                raise ExportError("export cancelled")
            target = staging / SEGMENTS / f"{stems[segment.label]}.mp4"
            made = export_episode(
                root, segment_view(project, number, segment), number, target,
                dataclasses.replace(per_segment, label_intro=segment.label == graph.start),
                on_event=progress.segment(segment), cancel=cancel,
            )  # fmt: skip
            files[segment.label], text = _segment_files(made, target)
            if text:
                captions[segment.label] = text
            _tally(result, segment, made)
            cached |= made.cached
            progress.done_with(segment)
        emit(ExportEvent(number, "package", 0, 1, "writing the player"))
        rate = options.preset.rate(project.fps)
        document = package_graph(
            dict(story.to_json()), files, project_title=project.title,
            choice_seconds=choice_seconds, timeout_seconds=timeout_seconds,
            captions_burned=burned and bool(captions), fps=str(rate),
        )  # fmt: skip
        write_package_files(staging, document, captions, options.resources or resources_dir(),
                            language=whole.language)  # fmt: skip
        names = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
        publish(staging, out)
    except OSError as exc:
        discard(staging)
        raise ExportError(
            f"cannot write the package of episode {number}: {describe(exc)}"
        ) from None
    except BaseException:
        discard(staging)
        raise
    result.files = {name.as_posix(): out / name for name in names}
    if cached:
        prune_cache(inside_project(root, f"{CACHE}/{per_segment.cache}"), cached)
    emit(ExportEvent(number, "package", 1, 1))
    emit(ExportEvent(number, "done", 1, 1, str(out)))
    return result


def segment_view(project: Project, number: int, segment: Segment) -> Project:
    """``project`` with episode ``number`` holding only ``segment``'s shots, in their scenes
    (the rest shared with ``project``, not copied: the export only reads it)."""
    keep = set(segment.shot_ids)
    episodes = []
    for episode in project.episodes:
        if episode.number == number:
            scenes = [dataclasses.replace(scene, shots=[s for s in scene.shots if s.id in keep])
                      for scene in episode.scenes]  # fmt: skip
            episode = dataclasses.replace(
                episode, scenes=[scene for scene in scenes if scene.shots], cover_frame=None
            )
        episodes.append(episode)
    return dataclasses.replace(project, episodes=episodes)


def _segment_files(made: ExportResult, target: Path) -> tuple[SegmentFiles, str]:
    """The segment's files as the package names them, and its WebVTT text ("" if none)."""
    srt = made.files.pop("srt", None)
    if srt is not None:
        srt.unlink()  # the package plays WebVTT
    vtt = made.files.get("vtt")
    text = vtt.read_text(encoding="utf-8") if vtt is not None else ""
    seconds = float(FrameRate.parse(made.fps).seconds(made.frames))
    video = f"{SEGMENTS}/{target.name}"
    return SegmentFiles(video, f"{SEGMENTS}/{vtt.name}" if vtt else None, seconds), text


def _tally(result: InteractiveResult, segment: Segment, made: ExportResult) -> None:
    result.segments.append(segment.label)
    result.shots_encoded += made.segments_encoded
    result.shots_reused += made.segments_reused
    skip = len(made.plan.warnings) if made.plan is not None else 0
    for message in made.warnings[skip:]:  # the episode plan's own warnings are in already
        if message not in result.warnings:
            result.warnings.append(message)


def _check_seconds(value: float, what: str, *, zero: bool) -> None:
    if not (0 <= value <= MAX_SECONDS) or (value == 0 and not zero):
        low = "0" if zero else "more than 0"
        raise ExportError(f"{what} must be {low} to {MAX_SECONDS:g} seconds, not {value:g}")


class _Progress:
    """The segments' export events as one ``video`` stage over the episode's frames."""

    def __init__(self, number: int, total: int, emit: Callable[[ExportEvent], None]) -> None:
        self.number, self.total, self.emit = number, max(1, total), emit
        self.before = 0

    def segment(self, segment: Segment) -> Callable[[ExportEvent], None]:
        def forward(event: ExportEvent) -> None:
            share = event.done / event.total if event.total else 1.0
            part = 0.9 * share if event.stage == "video" else 0.9 if event.stage != "done" else 1
            done = self.before + round(segment.frames * (0.0 if event.stage == "plan" else part))
            message = f"#{segment.label}" + (f": {event.message}" if event.message else "")
            self.emit(ExportEvent(self.number, "video", done, self.total, message))

        return forward

    def done_with(self, segment: Segment) -> None:
        self.before += segment.frames
