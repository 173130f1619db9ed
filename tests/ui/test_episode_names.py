"""An episode is named once: "Episode 1: The Wrong Delivery" in the export dialog and the
timeline's episode box, whichever way the writer titled it."""

from __future__ import annotations

from pathlib import Path

from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.store import create_project
from studio.ui.dialogs.export_dialog import ExportDialog
from studio.ui.session import Session
from studio.ui.timeline.timeline import TimelineView

SCRIPT = """Title: Glass

# Episode 1: The Wrong Delivery

INT. LOBBY - NIGHT

Rain hammers the glass.

# episode 2 - The Contract

INT. OFFICE - DAY

A pen waits on the desk.

# The Roof

EXT. ROOF - NIGHT

Wind.
"""


def titled(root: Path) -> Project:
    project = Project(title="Glass", width=270, height=480)
    apply_script(project, SCRIPT)
    folder = create_project(root, project)
    folder.save()
    folder.close()
    return project


def test_export_dialog_and_timeline_name_each_episode_once(qtbot, tmp_path: Path) -> None:
    root = tmp_path / "Glass.mdstudio"
    project = titled(root)
    assert [e.number for e in project.episodes] == [1, 2, 3]
    dialog = ExportDialog(root, project, 1)
    qtbot.addWidget(dialog)
    names = [dialog.episode.itemText(i) for i in range(dialog.episode.count())]
    assert names == ["Episode 1: The Wrong Delivery", "Episode 2: The Contract",
                     "Episode 3: The Roof"]  # fmt: skip
    session = Session(models_dir=tmp_path)
    session.open(root)
    try:
        timeline = TimelineView(session)
        qtbot.addWidget(timeline)
        box = timeline.episode_box
        shown = [box.itemText(i) for i in range(box.count())]
        assert shown == [n.replace(":", " —") for n in names]
    finally:
        session.dirty = False
        session.close()
