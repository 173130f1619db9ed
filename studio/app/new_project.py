"""A new project folder made from a script: what ``studio new`` does and what the window's
File ▸ New and its start page's "Open the demo" do. The script is read (Fountain, Final Draft,
Chinese or plain text), broken down into shots, and kept in the project as its script file."""

from __future__ import annotations

import shutil
from pathlib import Path

from studio.core.model import Project
from studio.core.resources import SAMPLE_SCRIPT, resource
from studio.core.script.importer import apply_script, read_script_text
from studio.core.script.reconcile import ReconcileReport
from studio.core.store import PROJECT_FILE, PROJECT_SUFFIX, StoreError, create_project
from studio.core.time import FrameRate

SCRIPT_REL = "script/script.fountain"  # where a new project keeps its script


def new_from_script(
    root: Path,
    script: str | Path,
    *,
    fmt: str = "auto",
    fps: str = "30",
    title: str = "",
    language: str = "",
) -> tuple[Project, ReconcileReport]:
    """Create the project folder ``root`` from the script file ``script``; the project and
    the breakdown's report. ValueError for a bad ``fps``; the reader's errors (ScriptError,
    OSError) and StoreError (the folder exists, cannot be written) as they come."""
    rate = FrameRate.parse(fps)
    text = read_script_text(script, fmt)
    project = Project(title=title, fps=rate, script=SCRIPT_REL, language=language)
    report = apply_script(project, text)
    project.title = project.title or root.name.removesuffix(PROJECT_SUFFIX)
    create_with_script(root, project, text)
    return project, report


def create_with_script(root: Path, project: Project, text: str) -> None:
    """A new project folder holding ``text`` as its script; nothing is left if that fails."""
    folder = create_project(root, project)
    try:
        folder.write_text(project.script, text)
        folder.save()
    except StoreError:
        folder.close()
        shutil.rmtree(root, ignore_errors=True)
        raise
    folder.close()


def demo_root(parent: Path) -> Path:
    """Where the demo project lives under ``parent`` (as ``studio demo PARENT`` makes it)."""
    return parent / f"{Path(SAMPLE_SCRIPT).stem}{PROJECT_SUFFIX}"


def ensure_demo(parent: Path) -> Path:
    """The demo project under ``parent``, broken down from the bundled sample script if it is
    not there yet (no takes: the window generates them as jobs); its folder."""
    root = demo_root(parent)
    if not (root / PROJECT_FILE).exists():
        root.parent.mkdir(parents=True, exist_ok=True)
        new_from_script(root, resource(SAMPLE_SCRIPT))
    return root
