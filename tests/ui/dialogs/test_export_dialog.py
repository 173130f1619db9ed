"""The Export dialog on a real voiced project (tests/media/export_projects.py): the draft preset
exports an MP4 that PyAV reads back, progress fills stage by stage, the folder opens; Cancel and
closing stop it with nothing written; an export that cannot be done says why in a box; an
existing file is replaced only on Yes, and the status says the size and duration of what was
written, which opens (file and folder) without launching anything."""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from studio.core.model import Project
from studio.core.store import open_project
from studio.ui.dialogs.export_dialog import ExportDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "media"))
from export_projects import voiced_project

pytestmark = pytest.mark.slow
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def voiced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Project]:
    """Two episodes, every shot generated (animatic) and voiced, none approved; read-only."""
    root = voiced_project(tmp_path_factory.mktemp("export-dialog"))
    with open_project(root, read_only=True) as folder:
        return root, folder.project


class UrlRecorder(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def dialog_for(qtbot, voiced, episode: int = 1) -> ExportDialog:
    root, project = voiced
    dialog = ExportDialog(root, project, episode)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.preset.setCurrentText("draft")
    return dialog


def test_the_form_follows_the_episode_and_preset(qtbot, voiced) -> None:
    root, _ = voiced
    dialog = dialog_for(qtbot, voiced, 2)
    assert dialog.episode.currentData() == 2 and dialog.episode.count() == 2
    assert dialog.output.text() == str(root / "exports" / "Glass-ep02-draft.mp4")
    assert dialog.captions.currentText() == "both"  # the preset's own mode
    dialog.episode.setCurrentIndex(0)
    dialog.preset.setCurrentText("shorts")
    assert dialog.output.text() == str(root / "exports" / "Glass-ep01.mp4")
    dialog.output.clear()
    qtbot.keyClicks(dialog.output, "mine.mp4")  # typed by the user: kept from now on
    dialog.preset.setCurrentText("draft")
    assert dialog.output.text() == "mine.mp4"
    dialog.captions.setCurrentText("sidecar")
    dialog.labels.setChecked(False)
    options = dialog.options()
    assert (options.preset.name, options.captions, options.labels) == ("draft", "sidecar", False)


def test_exports_a_draft_mp4_and_opens_its_folder(qtbot, voiced) -> None:
    root, project = voiced
    before = project.to_json()
    dialog = dialog_for(qtbot, voiced)
    dialog.otio.setChecked(True)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as done:
        dialog.export_button.click()
        assert dialog.running and not dialog.export_button.isEnabled()
        assert not dialog.form.isEnabled() and dialog.cancel_button.isEnabled()
    result = done.args[0]
    out = root / "exports" / "Glass-ep01-draft.mp4"
    assert result.files["video"] == out and out.is_file()
    assert result.files["otio"].suffix == ".otio" and result.files["otio"].is_file()
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (540, 960)
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == result.frames > 0
    assert not dialog.running and dialog.export_button.isEnabled()
    assert all(bar.value() == bar.maximum() for bar in dialog.bars.values())
    assert dialog.bars["video"].maximum() == result.frames  # the shots' bar counts frames
    assert f"Saved {out}" in dialog.status.text() and "not approved" in dialog.status.text()
    assert dialog.error_box is None
    assert project.to_json() == before  # the export read a copy; the project is untouched
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "open")
    try:
        dialog.open_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in recorder.urls] == [str(root / "exports")]


def test_cancel_stops_the_export_and_leaves_no_file(qtbot, voiced, tmp_path) -> None:
    dialog = dialog_for(qtbot, voiced)
    out = tmp_path / "cancelled" / "episode.mp4"
    dialog.output.setText(str(out))
    dialog.export_button.click()
    dialog.cancel_button.click()
    assert not dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.running, timeout=WAIT_MS)
    assert dialog.status.text() == "Export cancelled."
    assert dialog.error_box is None and dialog.result is None
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    assert dialog.export_button.isEnabled() and dialog.isVisible()


def test_closing_while_exporting_cancels_then_closes(qtbot, voiced, tmp_path) -> None:
    dialog = dialog_for(qtbot, voiced)
    out = tmp_path / "closed.mp4"
    dialog.output.setText(str(out))
    dialog.export_button.click()
    dialog.close()
    assert dialog.isVisible()  # it waits for the export to stop
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert not dialog.running and not out.exists()


def test_an_export_that_cannot_be_done_says_why(qtbot, voiced, tmp_path) -> None:
    dialog = dialog_for(qtbot, voiced)
    dialog.approved_only.setChecked(True)  # and nothing is approved
    dialog.output.setText(str(tmp_path / "approved.mp4"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=WAIT_MS)
    box = dialog.error_box
    assert box is not None and box.isVisible() and "approved" in box.text()
    assert dialog.status.text().startswith("Export failed: ")
    box.close()
    dialog.approved_only.setChecked(False)
    dialog.output.setText(str(tmp_path / "notes.txt"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=WAIT_MS)
    assert ".mp4" in dialog.error_box.text()
    dialog.error_box.close()
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_only_when_the_user_says_so(qtbot, voiced, tmp_path) -> None:
    out = tmp_path / "old.mp4"
    out.write_bytes(b"an older cut")
    dialog = dialog_for(qtbot, voiced)
    dialog.output.setText(str(out))
    asked: list[Path] = []
    dialog.confirm_overwrite = lambda path: asked.append(path) or False  # No
    dialog.export_button.click()
    assert asked == [out] and not dialog.running and dialog.result is None
    assert out.read_bytes() == b"an older cut" and "kept" in dialog.status.text()
    assert not dialog.open_file_button.isEnabled()
    dialog.confirm_overwrite = lambda path: True  # Yes
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as done:
        dialog.export_button.click()
    result = done.args[0]
    size = out.stat().st_size
    assert size > 1000 and out.read_bytes() != b"an older cut"
    seconds = result.frames * Fraction(result.fps) ** -1
    unit, shown = ("MB", size / 1e6) if size >= 1e6 else ("KB", size / 1e3)
    minutes, rest = divmod(float(seconds), 60)
    said = f"Saved {out} ({shown:.1f} {unit}, {int(minutes)}:{rest:04.1f})"
    assert dialog.status.text().splitlines()[0] == said
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "open")
    try:
        dialog.open_file_button.click()  # the video itself
        dialog.open_button.click()  # its folder
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in recorder.urls] == [str(out), str(tmp_path)]
