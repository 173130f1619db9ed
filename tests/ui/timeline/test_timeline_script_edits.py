"""The timeline's edits in the whole window on a project with a script: a split at the playhead,
a delete and a reorder are written into the script too (the editor and the file show it) and one
undo puts both back; a reorder asks first; what the script cannot say is refused in the status
bar; a shot's context menu holds the review's actions, split, delete and Reveal in Script."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_project import make_project

from studio.ui.main_window import MainWindow
from studio.ui.session import Session
from studio.ui.timeline import timeline_layout as tl
from studio.ui.timeline.timeline_canvas import TimelineCanvas
from studio.ui.timeline.timeline_edit_actions import REORDER_SCRIPT

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.
The lights flicker.

MAYA
I'm just here for a delivery.

ETHAN
Then deliver it, and go.
"""
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL_K = (Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    root = make_project(tmp_path / "Glass.mdstudio", SCRIPT)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(models_dir=tmp_path), settings)
    assert win.open_project(root)
    win.show()
    qtbot.waitExposed(win)
    win.timeline.canvas.setFocus()
    yield win
    win.session.dirty = False
    win.close()
    win.deleteLater()


def described(session: Session) -> list[str]:
    return [s.description.split("\n")[0] for s in session.shots()]


def script_file(window: MainWindow) -> str:
    session = window.session
    return session.folder.resolve(session.project.script).read_text(encoding="utf-8")


def at(canvas: TimelineCanvas, index: int, fraction: float = 0.5) -> QPoint:
    s = canvas.starts
    x = canvas.view.x(s[index] + (s[index + 1] - s[index]) * fraction)
    return QPoint(round(x), round(tl.VIDEO.top + tl.VIDEO.height / 2))


def test_split_at_playhead_cuts_the_paragraph_and_undo_puts_script_and_shots_back(
    window: MainWindow,
) -> None:
    session, canvas, editor = window.session, window.timeline.canvas, window.editor
    rain = session.shots()[0]
    total = rain.duration_frames
    session.set_playhead(session.shot_start(session.shots()[1].id) + 5)  # inside MAYA's
    QTest.keyClick(canvas, *CTRL_K)
    assert "a dialogue block" in window.statusBar().currentMessage()
    assert len(session.shots()) == 3
    session.set_playhead(30)
    QTest.keyClick(canvas, *CTRL_K)
    assert described(session) == ["Rain hammers the glass.", "The lights flicker.",
                                  "MAYA speaks", "ETHAN speaks"]  # fmt: skip
    first, second = session.shots()[:2]
    assert (first.duration_frames, second.duration_frames) == (30, total - 30)
    assert first.id == rain.id and first.duration_locked
    cut = "Rain hammers the glass.\n\nThe lights flicker."
    assert cut in editor.text_edit.toPlainText() and cut in script_file(window)
    assert window.undo_action.text() == "&Undo Split Shot"
    session.undo()
    assert described(session) == ["Rain hammers the glass.", "MAYA speaks", "ETHAN speaks"]
    assert editor.text_edit.toPlainText() == SCRIPT == script_file(window)


def test_delete_takes_the_shot_and_its_lines_out(window: MainWindow) -> None:
    session, canvas, editor = window.session, window.timeline.canvas, window.editor
    maya = session.shots()[1]
    QTest.mouseClick(canvas, LEFT, NONE, at(canvas, 1))
    assert session.selected == [maya.id]
    QTest.keyClick(canvas, Qt.Key.Key_Delete)  # the timeline's Delete, not the take's
    assert described(session) == ["Rain hammers the glass.", "ETHAN speaks"]
    assert "MAYA" not in editor.text_edit.toPlainText() and "MAYA" not in script_file(window)
    assert [s.id for s in session.project.archived_shots] == [maya.id]
    session.undo()
    assert [s.id for s in session.shots()][1] == maya.id
    assert script_file(window) == SCRIPT


def test_a_reorder_asks_and_reorders_the_script_too(window: MainWindow, qtbot) -> None:
    session, canvas, editor = window.session, window.timeline.canvas, window.editor
    ids = [s.id for s in session.shots()]
    asked: list[int] = []
    window.timeline.edits.confirm_reorder = lambda count: asked.append(count) or False

    def drag_last_to_the_start() -> None:
        QTest.mousePress(canvas, LEFT, NONE, at(canvas, 2))
        QTest.mouseMove(canvas, at(canvas, 1))
        QTest.mouseMove(canvas, at(canvas, 0, 0.2))
        QTest.mouseRelease(canvas, LEFT, NONE, at(canvas, 0, 0.2))

    drag_last_to_the_start()  # Cancel: nothing moves
    assert asked == [1] and [s.id for s in session.shots()] == ids and not session.dirty
    window.timeline.edits.confirm_reorder = window.timeline.edits._ask_reorder

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        next(b for b in box.buttons() if b.text() == REORDER_SCRIPT).click()

    QTimer.singleShot(0, answer)
    drag_last_to_the_start()
    assert [s.id for s in session.shots()] == [ids[2], ids[0], ids[1]]
    text = editor.text_edit.toPlainText()
    assert text.index("ETHAN") < text.index("Rain hammers") < text.index("MAYA")
    assert script_file(window) == text
    session.undo()
    assert [s.id for s in session.shots()] == ids and script_file(window) == SCRIPT


def test_a_shots_context_menu(window: MainWindow) -> None:
    session, canvas, editor = window.session, window.timeline.canvas, window.editor
    session.set_playhead(10)
    point = at(canvas, 2)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, canvas.mapToGlobal(point))
    QApplication.sendEvent(canvas, event)
    ethan = session.shots()[2]
    assert session.selected == [ethan.id]
    menu = canvas.shot_menu.menu
    assert menu is not None and menu.isVisible()
    items = {a.text().replace("&", ""): a for a in menu.actions() if a.text()}
    review = window.review.act
    assert items["Generate 1 shot"] is review["generate_selected"]
    assert items["Generate 1 shot"].isEnabled()
    assert not items["Variations (4 New Seeds)"].isEnabled()  # no take to vary
    assert items["Voice 1 shot"].isEnabled()
    assert not items["Split at Playhead"].isEnabled()  # the playhead is in another shot
    assert items["Delete (Close the Gap)"].isEnabled()
    menu.close()
    items["Reveal in Script"].trigger()
    assert editor.current_line() == ethan.source_lines[0] == 11
