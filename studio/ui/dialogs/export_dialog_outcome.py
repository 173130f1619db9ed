"""What the Export dialog says and opens once an export is over: the file or package folder it
wrote, the lines of its status (where, how big, how long, the warnings), the file an export
would overwrite, and the story's errors that stop an interactive export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from studio.core.story import Problem
from studio.core.time import FrameRate
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


def opened_file(result: Result | None) -> Path | None:
    """The file to open for ``result``: the video, or the package's page."""
    path = written(result)
    return path / "index.html" if isinstance(result, InteractiveResult) and path else path


def overwritten(out: Path, interactive: bool) -> Path | None:
    """The file an export to ``out`` would replace, if there is one."""
    target = out / "index.html" if interactive else out
    return target if target.exists() else None


def ask_overwrite(parent: QWidget, path: Path) -> bool:
    """Whether to replace ``path`` (Yes), or keep it and not export (No, the default)."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(parent, "Export", f"{path} exists. Replace it?",
                                  buttons.Yes | buttons.No, buttons.No)  # fmt: skip
    return answer == buttons.Yes


def saved_lines(result: Result) -> list[str]:
    """The status after a finished export: where it went, its size (and a video's duration),
    then each warning."""
    path = written(result)
    about = [_size(path)] if path is not None else []
    if isinstance(result, ExportResult) and result.fps:
        about.append(_duration(FrameRate.parse(result.fps).seconds(result.frames)))
    saved = f"Saved {opened_file(result)}" + (f" ({', '.join(about)})" if about else "")
    return [saved] + [f"Warning: {w}" for w in result.warnings]


def _size(path: Path) -> str:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    size = float(sum(p.stat().st_size for p in files))
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return ""  # not reached


def _duration(seconds: float) -> str:
    """``0:42.5``: minutes and seconds, to a tenth."""
    minutes, rest = divmod(float(seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def story_errors(problems: list[Problem]) -> str:
    lines = [p.where() for p in problems]
    return "The story has errors; fix them in the script, then export:\n" + "\n".join(lines)
