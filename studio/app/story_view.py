"""One path through a branching episode, as the timeline shows it and the player plays it.

The timeline's path picker offers "All shots (script order)" and then each path of the episode
(:func:`episode_paths`); choosing one shows the shots a viewer on that path sees, in that order
(:func:`path_episode`), with the segment boundaries marked (:func:`segment_marks`) and the pacing
measured on that path (:func:`path_pacing`). Nothing here edits the project: a path episode
holds the project's own shots in a scene of its own, and is thrown away after use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.app.pacing import script_text
from studio.app.story import episode_story
from studio.core.model import Episode, Project, Scene
from studio.core.pacing import EpisodePacing, episode_pacing
from studio.core.pacing_beats import Beat, place_beats
from studio.core.pacing_preset import PacingPreset
from studio.core.story import Problem, StoryGraph

ALL_SHOTS = "All shots (script order)"


@dataclass(frozen=True, slots=True)
class PathChoice:
    """An entry of the path picker: ``segments`` () is "all shots"."""

    text: str
    segments: tuple[str, ...]
    shot_ids: tuple[str, ...]
    frames: int
    ending: str = ""  # end | dead-end | no-option | loop; "" for all shots


@dataclass(frozen=True, slots=True)
class EpisodePaths:
    """What the picker shows for a branching episode: its choices (all shots first), the
    validator's findings (errors first) and whether there were more paths than listed."""

    graph: StoryGraph
    choices: tuple[PathChoice, ...]
    problems: tuple[Problem, ...]
    more: bool = False

    def find(self, segments: tuple[str, ...]) -> int:
        """The index of the choice walking ``segments`` (0, all shots, when none does)."""
        return next((i for i, c in enumerate(self.choices) if c.segments == segments), 0)


def episode_paths(
    project: Project, root: Path | None, number: int, script: str | None = None
) -> EpisodePaths | None:
    """The picker's entries for episode ``number``; None when it does not branch (or there is
    no such episode). ``script`` overrides the script file's text (the window passes the
    editor's)."""
    try:
        story = episode_story(project, root, number, script)
    except ValueError:
        return None
    if story is None:
        return None
    episode = project.episode(number)
    durations = {shot.id: shot.duration_frames for shot in episode.shots()}
    every = tuple(durations)
    choices = [PathChoice(ALL_SHOTS, (), every, sum(durations.values()))]
    for path in story.paths:
        shots = tuple(story.graph.shots_on(path.segments))
        frames = sum(durations.get(shot, 0) for shot in shots)
        choices.append(PathChoice(path.describe(), path.segments, shots, frames, path.ending))
    return EpisodePaths(story.graph, tuple(choices), story.problems, story.more_paths)


def problem_summary(problems: Sequence[Problem]) -> str:
    """ "1 error, 2 warnings", "3 warnings", or "no problems"."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    parts = [f"{n} {word}{'' if n == 1 else 's'}"
             for n, word in ((errors, "error"), (warnings, "warning")) if n]  # fmt: skip
    return ", ".join(parts) or "no problems"


def segment_marks(graph: StoryGraph, shot_ids: Sequence[str]) -> list[tuple[int, str]]:
    """(index into ``shot_ids``, segment label) where the shots shown pass into another segment,
    the first shot included."""
    owner = {shot: segment.label for segment in graph.segments for shot in segment.shot_ids}
    marks: list[tuple[int, str]] = []
    last = None
    for i, shot in enumerate(shot_ids):
        label = owner.get(shot)
        if label is not None and label != last:
            marks.append((i, label))
        last = label
    return marks


def path_episode(episode: Episode, shot_ids: Sequence[str]) -> Episode:
    """``episode`` as a viewer on one path sees it: its shots ``shot_ids`` (the same objects, a
    shot played twice appears twice), in that order, in one scene; ids it lacks are skipped."""
    by_id = {shot.id: shot for shot in episode.shots()}
    shots = [by_id[shot] for shot in shot_ids if shot in by_id]
    heading = episode.scenes[0].heading if episode.scenes else ""
    return Episode(episode.number, episode.title, [Scene(heading, 1, shots=shots)],
                   music=episode.music)  # fmt: skip


def path_beats(beats: Sequence[Beat], episode: Episode, shot_ids: Sequence[str]) -> list[Beat]:
    """The marked ``beats`` of ``episode`` moved onto the path ``shot_ids``: a beat in or after
    a shot goes with the shot (its first showing), one in a shot off the path is dropped, one at
    the episode's start stays there."""
    durations = {shot.id: shot.duration_frames for shot in episode.shots()}
    in_episode, at = {}, 0
    for shot_id, frames in durations.items():
        in_episode[shot_id], at = at, at + frames
    on_path, at = {}, 0
    for shot_id in shot_ids:
        on_path.setdefault(shot_id, at)
        at += durations.get(shot_id, 0)
    moved = []
    for beat in beats:
        if not beat.shot_id:
            moved.append(beat)
        elif beat.shot_id in on_path and beat.shot_id in in_episode:
            shift = on_path[beat.shot_id] - in_episode[beat.shot_id]
            moved.append(Beat(beat.kind, beat.start + shift, beat.end + shift, beat.shot_id))
    return moved


def path_pacing(
    project: Project,
    root: Path | None,
    preset: PacingPreset,
    number: int,
    shot_ids: Sequence[str],
    script: str | None = None,
) -> EpisodePacing:
    """The pacing of episode ``number`` along the path ``shot_ids``, its beats placed as on the
    whole episode and moved with their shots. KeyError when there is no such episode."""
    episode = project.episode(number)
    text = script_text(root, project) if script is None else script
    beats = place_beats(project, text).get(number, [])
    shown = path_episode(episode, shot_ids)
    return episode_pacing(shown, project.fps, path_beats(beats, episode, shot_ids), preset)
