"""The folder an interactive episode ships as, and how it replaces an older one.

A package is ``index.html`` (the player page, with the story graph and the captions embedded
so it plays from ``file://``, where a page may not read its neighbours with ``fetch()``),
``graph.json`` (the same graph, for tools and for serving over HTTP), ``player.js``,
``player.css`` (copied from ``resources/interactive/``) and ``segments/`` (an MP4 and a WebVTT
file per segment).

It is built in a hidden folder beside the target and renamed into place when complete, so a
failure leaves nothing half written. The target may be missing, an empty folder, or an earlier
package (which the new one replaces whole); any other folder is refused, so an export never
deletes files it did not write.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.atomic import describe
from studio.media.export_plan import ExportError

FORMAT = "micro-drama-studio/interactive"
VERSION = 1
RESOURCES = "interactive"  # in resources/: the page template, the player's script and style
PLAYER_FILES = ("player.js", "player.css")
SEGMENTS = "segments"
_TOP = {"index.html", "graph.json", *PLAYER_FILES, SEGMENTS}
_SEGMENT_FILE = re.compile(r"^[a-z0-9][a-z0-9-]*\.(mp4|vtt)$")
_STEM = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(10)}
_FIELD = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True, slots=True)
class SegmentFiles:
    """What a segment plays, relative to the package: ``video`` None for a segment with no
    shots, ``captions`` None when it has no dialogue or captions are off."""

    video: str | None
    captions: str | None
    seconds: float


def file_stems(labels: list[str]) -> dict[str, str]:
    """Each label's file name in ``segments/`` (no suffix): the label itself when it is a
    plain lowercase ASCII name, else ``segment-K`` (K its place in the episode)."""
    stems: dict[str, str] = {}
    used: set[str] = set()
    for k, label in enumerate(labels, 1):
        stem = label if _STEM.match(label) and label not in _RESERVED else f"segment-{k}"
        while stem in used:
            stem = f"{stem}-{k}"
        used.add(stem)
        stems[label] = stem
    return stems


def is_package(folder: Path) -> bool:
    """Whether ``folder`` holds an exported package and nothing else."""
    try:
        names = set(os.listdir(folder))
        graph = json.loads((folder / "graph.json").read_text(encoding="utf-8"))
        inner = os.listdir(folder / SEGMENTS) if SEGMENTS in names else []
    except (OSError, ValueError):
        return False
    return (
        isinstance(graph, dict)
        and graph.get("format") == FORMAT
        and names <= _TOP
        and all(_SEGMENT_FILE.match(name) for name in inner)
    )


def check_target(out: Path) -> None:
    """ExportError unless ``out`` is missing, an empty folder or an earlier package."""
    if not out.exists():
        return
    if not out.is_dir():
        raise ExportError(f"{out} is a file: name a folder for the interactive package")
    try:
        empty = not any(out.iterdir())
    except OSError as exc:
        raise ExportError(f"cannot read {out}: {describe(exc)}") from None
    if not empty and not is_package(out):
        raise ExportError(
            f"{out} is not empty and is not an interactive package exported before: name a "
            "new or empty folder (an earlier package there is replaced whole)"
        )


def staging_folder(out: Path) -> Path:
    """A new hidden folder beside ``out`` to build the package in."""
    staging = _beside(out, "partial")
    staging.mkdir(parents=True)
    (staging / SEGMENTS).mkdir()
    return staging


def _beside(out: Path, kind: str) -> Path:
    return out.with_name(f".{out.name}-{os.getpid()}-{secrets.token_hex(4)}.{kind}")


def publish(staging: Path, out: Path) -> None:
    """Rename the finished ``staging`` folder to ``out``, replacing the earlier package (or
    empty folder) there; the earlier one is only removed once the new one is in place."""
    if not out.exists():
        os.rename(staging, out)
        return
    old = _beside(out, "old")
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def package_graph(
    story: dict[str, Any],
    files: dict[str, SegmentFiles],
    *,
    project_title: str,
    choice_seconds: float,
    timeout_seconds: float,
    captions_burned: bool,
    fps: str,
) -> dict[str, Any]:
    """``graph.json``: the story's JSON (graph, problems, paths) with each segment's files and
    the player's timing."""
    segments = []
    for segment in story["segments"]:
        made = files.get(segment["label"], SegmentFiles(None, None, 0.0))
        segments.append({**segment, "video": made.video, "captions": made.captions,
                         "seconds": made.seconds})  # fmt: skip
    return {
        "format": FORMAT,
        "version": VERSION,
        "project": project_title,
        **story,
        "segments": segments,
        "choice_seconds": choice_seconds,
        "timeout_seconds": timeout_seconds,
        "captions_burned": captions_burned,
        "fps": fps,
    }


def write_package_files(
    staging: Path,
    graph: dict[str, Any],
    captions: dict[str, str],
    resources: Path,
    *,
    language: str,
) -> None:
    """``graph.json``, ``index.html`` (graph and ``captions``, label → WebVTT text, inline)
    and the player's script and style, into ``staging``."""
    folder = resources / RESOURCES
    try:
        template = (folder / "index.html").read_text(encoding="utf-8")
        for name in PLAYER_FILES:
            shutil.copyfile(folder / name, staging / name)
    except FileNotFoundError as exc:
        raise ExportError(
            f"the player is missing from the app's resources: {exc.filename}"
        ) from None
    title = graph.get("title") or f"Episode {graph.get('episode')}"
    if graph.get("project"):
        title = f"{graph['project']} — {title}"
    values = {
        "title": html.escape(str(title)),
        "lang": html.escape(language or "en"),
        "story": script_json(graph),
        "captions": script_json(captions),
    }
    page = _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    text = json.dumps(graph, ensure_ascii=False, indent=1) + "\n"
    (staging / "graph.json").write_text(text, encoding="utf-8")
    (staging / "index.html").write_text(page, encoding="utf-8")


def script_json(value: Any) -> str:
    """``value`` as JSON that can sit inside ``<script type="application/json">``: no ``<``,
    ``>`` or ``&`` (so no ``</script>`` or ``<!--``), and no line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escaped)
    return text
