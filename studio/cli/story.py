"""``studio story``: each branching episode's segments, the validator's findings and its paths;
``--twee FILE`` also writes the graph as Twee 3 for Twine and the tools that read it.

Exit status: 0 when no episode has an error (warnings such as an unreachable segment or a loop
are findings, not failures), 1 when one has (a broken link, a duplicate label, a note that
cannot be read: the interactive export would refuse it) or the project cannot be read.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.cli.common import CliError, add_command, print_json

if TYPE_CHECKING:
    from studio.app.story import EpisodeStory
    from studio.core.model import Project


def register(sub: Any) -> None:
    p = add_command(sub, "story", cmd_story,
                    "branching episodes: segments, choices, the validator's findings and every "
                    "path")  # fmt: skip
    p.add_argument("project", help="project folder")
    p.add_argument("--episode", type=int, metavar="N", help="only this episode")
    p.add_argument("--json", action="store_true", help="print the graphs and findings as JSON")
    p.add_argument("--twee", metavar="FILE", help="also write the story as Twee 3 (for Twine)")


def cmd_story(args: argparse.Namespace) -> int:
    from studio.app.pacing import script_text
    from studio.app.story import project_stories
    from studio.core.atomic import describe, write_atomic
    from studio.core.store import open_project, resolve_root
    from studio.core.story_twee import story_twee

    root = resolve_root(args.project)
    with open_project(root, read_only=True) as folder:
        project, root = folder.project, folder.root
    if args.episode is not None and not any(e.number == args.episode for e in project.episodes):
        raise CliError(f"no episode {args.episode} (the project has {len(project.episodes)})")
    text = script_text(root, project)
    if not text:
        raise CliError("the project has no script to read choices from (import one first)")
    stories = project_stories(project, root, text, only=args.episode)
    if args.twee:
        if not stories:
            which = f"episode {args.episode} does not" if args.episode else "no episode"
            raise CliError(f"nothing to write as Twee: {which} branch")
        if len(stories) > 1:
            raise CliError("--twee writes one episode's story: name it with --episode")
        ((number, story),) = stories.items()
        text = story_twee(story.graph, project.episode(number), project.title)
        try:
            write_atomic(Path(args.twee).expanduser(), text.encode("utf-8"))
        except OSError as exc:
            raise CliError(f"cannot write {args.twee}: {describe(exc)}") from None
    if args.json:
        print_json([story.to_json() for story in stories.values()])
    elif not stories:
        which = f"episode {args.episode} does not" if args.episode else "no episode"
        print(f"{which} branch: write [[choice: Text -> #label | …]] in the script to make one")
    else:
        print("\n\n".join(_text(story, project) for story in stories.values()))
        if args.twee:
            print(f"\nTwee 3 written to {args.twee}")
    return 1 if any(story.errors for story in stories.values()) else 0


def _text(story: EpisodeStory, project: Project) -> str:
    from studio.cli.table import clip, render
    from studio.core.titles import episode_name

    graph = story.graph
    seconds = project.fps.seconds
    rows = []
    for segment in graph.segments:
        if segment.exit is None:
            leaves = "-"
        elif segment.options:
            leaves = ", ".join(
                (f"{{{o.condition}}} " if o.condition else "")
                + (f"{o.text} " if o.text else "") + f"-> #{o.target}"
                + (" (default)" if o.default else "")
                for o in segment.options
            )  # fmt: skip
        else:
            leaves = str(segment.exit)
        rows.append([f"#{segment.label}", clip(segment.title, 28), str(len(segment.shot_ids)),
                     f"{float(seconds(segment.frames)):.1f} s", clip(leaves, 60)])  # fmt: skip
    head = episode_name(graph.episode, graph.title, " — ")
    out = [head, render(["SEGMENT", "TITLE", "SHOTS", "LENGTH", "EXIT"], rows)]
    if story.problems:
        out.append("Findings:")
        out += [f"  {p.severity}: {p.message}" + (f" (line {p.line})" if p.line else "")
                for p in story.problems]  # fmt: skip
    else:
        out.append("No findings.")
    more = f" (the first {len(story.paths)})" if story.more_paths else ""
    out.append(f"Paths{more}:")
    out += [f"  {i}. {path.describe()}" for i, path in enumerate(story.paths, 1)]
    return "\n".join(out)
