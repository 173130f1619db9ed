"""What the Export dialog says and opens once an export is over: the file or package folder it
wrote, the lines of its status, and the story's errors that stop an interactive export."""

from __future__ import annotations

from pathlib import Path

from studio.core.story import Problem
from studio.media.episode_export import ExportResult
from studio.media.interactive_export import InteractiveResult

Result = ExportResult | InteractiveResult


def written(result: Result | None) -> Path | None:
    """The video or the package folder an export wrote (None before one has)."""
    if isinstance(result, InteractiveResult):
        return result.out
    return result.files.get("video") if result is not None else None


def folder_of(result: Result | None) -> Path | None:
    """The folder to show for ``result``: the video's, or the package itself."""
    path = written(result)
    if path is None:
        return None
    return path.parent if isinstance(result, ExportResult) else path


def saved_lines(result: Result) -> list[str]:
    """The status after a finished export: where it went, then each warning."""
    path = written(result)
    saved = path / "index.html" if isinstance(result, InteractiveResult) and path else path
    return [f"Saved {saved}"] + [f"Warning: {w}" for w in result.warnings]


def story_errors(problems: list[Problem]) -> str:
    lines = [p.where() for p in problems]
    return "The story has errors; fix them in the script, then export:\n" + "\n".join(lines)
