"""A small project for the window's tests: two dialogue shots and an action shot, no takes."""

from __future__ import annotations

from pathlib import Path

from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.store import create_project

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
I'm just here for a delivery.

ETHAN
Then deliver it, and go.
"""


def make_project(root: Path, script: str = SCRIPT) -> Path:
    """A project folder at ``root`` broken down from ``script`` (small frames: fast jobs)."""
    model = Project(title="Glass", script="script/script.fountain", width=270, height=480)
    apply_script(model, script)
    folder = create_project(root, model)
    folder.write_text(model.script, script)
    folder.save()
    folder.close()
    return root
