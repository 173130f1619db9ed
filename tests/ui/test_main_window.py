"""The Studio window as a whole: its panels on one project, the layout remembered, the
screenshot command, and selection flowing between the script and the timeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage, QTextCursor

from studio.ui.main_window import MainWindow
from studio.ui.session import Session


@pytest.fixture
def window(qtbot, project: Path, tmp_path: Path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(), settings)
    qtbot.addWidget(win)
    assert win.open_project(project)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.session.dirty = False  # nothing to ask about on close
    win.close()


def test_all_panels_show_the_project(window: MainWindow) -> None:
    assert window.files.stack.currentWidget() is window.player
    for name in ("script", "outline", "timeline"):
        assert window.docks[name].isVisible()
    assert "Rain hammers the glass." in window.editor.text_edit.toPlainText()
    assert "Glass.mdstudio" in window.windowTitle()
    names = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert names[:4] == ["File", "Edit", "View", "Playback"]


def test_cursor_in_the_script_selects_the_shot_and_the_timeline_follows(window, qtbot) -> None:
    shots = window.session.shots()
    dialogue = next(s for s in shots if s.dialogue)
    block = window.editor.text_edit.document().findBlockByNumber(dialogue.source_lines[0] - 1)
    cursor = window.editor.text_edit.textCursor()
    cursor.setPosition(block.position())
    window.editor.text_edit.setTextCursor(cursor)
    qtbot.waitUntil(lambda: window.session.selected == [dialogue.id])
    window.session.select([shots[0].id])  # as the timeline does on a click
    line = window.editor.text_edit.textCursor().blockNumber() + 1
    assert shots[0].source_lines[0] <= line <= shots[0].source_lines[1]
    window.editor.text_edit.moveCursor(QTextCursor.MoveOperation.End)


def test_the_layout_is_remembered(project: Path, tmp_path: Path, qtbot) -> None:
    ini = str(tmp_path / "layout.ini")
    first = MainWindow(Session(), QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.open_project(project)
    first.show()
    qtbot.waitExposed(first)
    first.docks["outline"].hide()
    first.close()
    second = MainWindow(Session(), QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert not second.docks["timeline"].isVisible()  # the start page, until a project opens
    assert second.open_project(project)
    assert not second.docks["outline"].isVisible() and second.docks["timeline"].isVisible()
    second.close()


def test_screenshot_from_the_command_line(project: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDIO_CONFIG_DIR": str(tmp_path)}
    for panel, name in ((None, "window.png"), ("timeline", "timeline.png")):
        out = tmp_path / name
        args = ["gui", str(project), "--screenshot", str(out)]
        if panel:
            args += ["--panel", panel]
        done = subprocess.run([sys.executable, "-m", "studio", *args], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        image = QImage(str(out))
        assert not image.isNull() and image.width() > 100 and image.height() > 50
        colours = {image.pixel(x, y) for x in range(0, image.width(), 17)
                   for y in range(0, image.height(), 17)}  # fmt: skip
        assert len(colours) > 5  # painted, not a blank surface
    bad = subprocess.run([sys.executable, "-m", "studio", "gui", str(project), "--panel", "x"],
                         env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode != 0


def test_the_window_starts_without_torch(project: Path, tmp_path: Path) -> None:
    probe = (
        "import sys, time; t = time.perf_counter();"
        "from studio.ui.app import run; from pathlib import Path;"
        f"run({str(project)!r}, Path({str(tmp_path / 'w.png')!r}));"
        "print(json.dumps({m: m in sys.modules for m in ('torch', 'diffusers')}))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDIO_CONFIG_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "import json;" + probe], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"torch": False, "diffusers": False}
