"""The Export dialog's interactive package: offered only for an episode that branches, refused
with the story's errors listed, and exported as a folder with ``index.html`` that the dialog can
open."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from studio.core.model import Project
from studio.core.store import open_project
from studio.media.interactive_export import InteractiveResult
from studio.ui.dialogs.export_dialog import INTERACTIVE, VIDEO, ExportDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "media"))
from interactive_projects import branching_project, edit_script

pytestmark = pytest.mark.slow
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def deal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Project]:
    root = branching_project(tmp_path_factory.mktemp("export-interactive"))
    with open_project(root, read_only=True) as folder:
        return root, folder.project


def dialog_for(qtbot, root: Path, project: Project, episode: int) -> ExportDialog:
    dialog = ExportDialog(root, project, episode)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.preset.setCurrentText("draft")
    return dialog


def interactive_item(dialog: ExportDialog):
    return dialog.format.model().item(dialog.format.findData(INTERACTIVE))


def test_offered_only_for_a_branching_episode(qtbot, deal) -> None:
    root, project = deal
    dialog = dialog_for(qtbot, root, project, 2)
    assert not interactive_item(dialog).isEnabled()
    assert "no [[choice" in interactive_item(dialog).toolTip()
    dialog.episode.setCurrentIndex(dialog.episode.findData(1))
    assert interactive_item(dialog).isEnabled()
    dialog.otio.setChecked(True)
    dialog.format.setCurrentIndex(dialog.format.findData(INTERACTIVE))
    assert dialog.interactive and not dialog.otio.isEnabled() and not dialog.otio.isChecked()
    assert dialog.output.text() == str(root / "exports" / "The-Deal-ep01-draft-interactive")
    dialog.episode.setCurrentIndex(dialog.episode.findData(2))  # back to a linear one
    assert dialog.format.currentData() == VIDEO and dialog.otio.isEnabled()
    assert dialog.output.text().endswith("The-Deal-ep02-draft.mp4")


def test_exports_the_package_and_opens_its_folder(qtbot, deal, tmp_path) -> None:
    root, project = deal
    dialog = dialog_for(qtbot, root, project, 1)
    dialog.format.setCurrentIndex(dialog.format.findData(INTERACTIVE))
    out = tmp_path / "play"
    dialog.output.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as done:
        dialog.export_button.click()
        assert dialog.running
    result = done.args[0]
    assert isinstance(result, InteractiveResult) and result.out == out
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert {s["label"] for s in graph["segments"]} >= {"start", "deal", "walk", "after"}
    assert (out / "index.html").is_file() and (out / "segments" / "start.mp4").is_file()
    assert f"Saved {out / 'index.html'}" in dialog.status.text()
    assert dialog.bars["package"].value() == dialog.bars["package"].maximum()
    assert dialog.open_button.isEnabled()


def test_story_errors_are_said_before_anything_runs(qtbot, deal, tmp_path) -> None:
    root, _ = deal
    broken = tmp_path / "Broken.mdstudio"
    import shutil

    shutil.copytree(root, broken)
    edit_script(broken, "Walk away -> #walk (default)", "Walk away -> #wlak (default)")
    with open_project(broken, read_only=True) as folder:
        project = folder.project
    dialog = dialog_for(qtbot, broken, project, 1)
    dialog.format.setCurrentIndex(dialog.format.findData(INTERACTIVE))
    assert "#wlak" in dialog.status.text() and "line " in dialog.status.text()
    assert not dialog.export_button.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData(VIDEO))
    assert dialog.export_button.isEnabled() and "#wlak" not in dialog.status.text()
