"""A project that cannot open says why readably (the reason on one line, what to do below),
offers its newest autosave as a button that opens it (the damaged file kept), and names the
path the user typed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from workflow_window import Windows, crash

PROMPT = "a lighthouse in fog"


@pytest.fixture
def windows(qtbot, tmp_path: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened
    opened.close_all()


def test_a_damaged_project_offers_its_newest_autosave(windows, project, qtbot) -> None:
    window = windows.open(project)
    shot = window.session.shots()[0]
    window.session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt=PROMPT)
    autosave = window.session.autosave()
    assert autosave is not None
    crash(window)
    damaged = b'{"schema": "micro-drama-studio.project", "version": 5, "project": {"title": "Gl'
    (project / "project.json").write_bytes(damaged)
    seen: list[tuple[str, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append((box.text(), box.informativeText()))
        (getattr(box, "autosave_button", None) or box.buttons()[0]).click()  # never hang

    QTimer.singleShot(0, answer)
    assert window.open_project(project)
    ((reason, todo),) = seen
    assert "\n" not in reason and "damaged" in reason and "Unterminated string" in reason
    assert str(autosave) not in reason and "autosave" in todo
    assert window.session.root == project and window.session.writable
    assert window.session.shots()[0].prompt == PROMPT  # the autosave's work is open
    assert (project / "project.damaged.json").read_bytes() == damaged  # nothing lost
    assert "project.damaged.json" in window.statusBar().currentMessage()
    window.save()
    assert window.session.folder is not None  # it stays open, and saves


def test_a_folder_that_is_not_a_project_is_named_as_typed(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDIO_CONFIG_DIR": str(tmp_path)}
    for typed, says in (("notes", "is not a Micro-Drama Studio project"),
                        ("missing", "does not exist")):  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-m", "studio", "gui", typed, "--screenshot", "w.png"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 1
        assert f"studio: error: {typed} {says}" in done.stderr
        assert ".mdstudio does not exist" not in done.stderr  # a path nobody typed
