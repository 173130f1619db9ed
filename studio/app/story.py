"""Branching episodes of a project, for ``studio story``, ``studio export --interactive`` and the
timeline's path picker: the graph read from the script, the validator's findings and the paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.app.pacing import script_text
from studio.core.model import Project
from studio.core.story import Problem, StoryGraph, build_stories
from studio.core.story_check import Path as StoryPath
from studio.core.story_check import check_story, story_paths


@dataclass(frozen=True, slots=True)
class EpisodeStory:
    graph: StoryGraph
    problems: tuple[Problem, ...]  # errors first
    paths: tuple[StoryPath, ...]
    more_paths: bool = False  # there were more than story_check.MAX_PATHS

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_json(self) -> dict[str, object]:
        return {
            **self.graph.to_json(),
            "problems": [p.to_json() for p in self.problems],
            "paths": [p.to_json() for p in self.paths],
            "more_paths": self.more_paths,
        }


def project_stories(
    project: Project, root: Path | None, script: str | None = None, only: int | None = None
) -> dict[int, EpisodeStory]:
    """Each branching episode's story (or episode ``only``'s), by episode number; ``script``
    overrides the file's text (the window passes the editor's)."""
    text = script_text(root, project) if script is None else script
    out = {}
    for number, graph in build_stories(project, text, only).items():
        paths, more = story_paths(graph)
        out[number] = EpisodeStory(graph, tuple(check_story(graph)), tuple(paths), more)
    return out


def episode_story(
    project: Project, root: Path | None, number: int, script: str | None = None
) -> EpisodeStory | None:
    """Episode ``number``'s story, None when it does not branch. ValueError when the project has
    no such episode."""
    if not any(ep.number == number for ep in project.episodes):
        raise ValueError(f"no episode {number} (the project has {len(project.episodes)})")
    return project_stories(project, root, script, only=number).get(number)
