"""Help ▸ Keyboard Shortcuts on the real window: it lists every key the window binds (transport
and the script's find keys included), and rebinding a key there changes the action at once,
refuses a key another action has, is kept in the settings file for the next start, and can be
reset to the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from workflow_window import Windows

from studio.ui import keymap
from studio.ui.dialogs.help_dialog import HelpDialog, shortcut_text, title
from studio.ui.timeline.timeline_canvas import KEYS as TIMELINE_KEYS

NATIVE = QKeySequence.SequenceFormat.NativeText


@pytest.fixture
def windows(qtbot, tmp_path: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened
    opened.close_all()


def help_dialog(window) -> HelpDialog:
    window.tools.shortcuts()
    dialog = window.tools.dialog
    assert isinstance(dialog, HelpDialog) and dialog.isVisible()
    return dialog


def native(text: str) -> str:
    return QKeySequence(text).toString(NATIVE)


def test_help_lists_every_key_the_window_binds(windows, project) -> None:
    window = windows.open(project)
    dialog = help_dialog(window)
    shown = dialog.shown()
    bound = [*window.findChildren(QAction), *window.findChildren(QShortcut)]
    keyed = [b for b in bound if shortcut_text(b)]
    assert len(keyed) > 40
    for item in keyed:
        assert (title(item), shortcut_text(item)) in shown, title(item)
    for row in [("Play / Pause", "Space"), ("Play Backwards (Faster)", "J"), ("Pause", "K"),
                ("Play Forwards (Faster)", "L"), ("Step Back", "Left"), ("Go to End", "End"),
                ("Find", "Ctrl+F"), ("Find Next", "F3"), ("Find Previous", "Shift+F3"),
                ("Close the Find Bar", "Esc")]:  # fmt: skip
        assert (row[0], native(row[1])) in shown, row
    assert {"File", "Playback", "Review", "Jobs", "Panels", "Timeline"} <= set(dialog.groups())
    for keys, what in TIMELINE_KEYS.items():  # the timeline's own keys, read-only
        assert (what, keys) in shown, keys
    for row in [("Split the shot at the playhead", "Ctrl+K"),
                ("Delete the selected shots and close the gap", "Delete or Shift+Delete"),
                ("Zoom in", "= / +"), ("Zoom out", "-"),
                ("Zoom to fit the episode", "Shift+Z or \\")]:  # fmt: skip
        assert row in shown, row
    assert any("Shift" in keys and "snap" in what for what, keys in shown)
    assert "cannot be changed" in dialog.note.text() and not dialog.note.isHidden()
    dialog.filter.setText("ctrl+k")
    assert dialog.shown() == [("Split the shot at the playhead", "Ctrl+K")]
    assert dialog.groups() == ["Timeline"]


def test_rebinding_a_key_applies_refuses_conflicts_persists_and_resets(
    windows, project, qtbot, tmp_path
) -> None:
    window = windows.open(project)
    dialog = help_dialog(window)
    play = window.player.controls.play_action
    editor = dialog.editors["play"]
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_P)  # P is Edit Prompt's: refused, with a message
    assert "Edit Prompt" in dialog.problem.text()
    assert [k.toString() for k in play.shortcuts()] == ["Space"]
    assert editor.keySequence().toString() == "Space"  # the editor shows the key kept

    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_F5)
    assert [k.toString() for k in play.shortcuts()] == ["F5"]  # applied at once
    assert ("Play / Pause", native("F5")) in dialog.shown()
    assert dialog.rebind("find_next", QKeySequence("Ctrl+G"))  # a script key too
    find_next = next(s for s in window.editor.findChildren(QShortcut)
                     if s.property(keymap.NAME) == "find_next")  # fmt: skip
    assert find_next.key().toString() == "Ctrl+G"
    assert not dialog.rebind("approve", QKeySequence("Ctrl+G"))  # now Find Next's
    assert dialog.rebind("approve", QKeySequence("Ctrl+Shift+A"))
    assert window.review.act["approve"].toolTip().endswith(f"({native('Ctrl+Shift+A')})")
    dialog.editors["mark"].clear()  # the clear button: no key
    qtbot.waitUntil(lambda: window.review.act["mark"].shortcuts() == [])

    from_disk = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    assert keymap.saved_keys(from_disk) == {
        "play": ("F5",),
        "find_next": ("Ctrl+G",),
        "approve": ("Ctrl+Shift+A",),
        "mark": (),
    }
    windows.close_all()
    again = windows.open(project)  # the next start reads them
    assert [k.toString() for k in again.player.controls.play_action.shortcuts()] == ["F5"]
    assert again.review.act["mark"].shortcuts() == []
    again.activateWindow()
    again.player.setFocus()
    qtbot.waitUntil(again.player.hasFocus)
    qtbot.keyClick(again.player, Qt.Key.Key_F5)
    assert again.player.playing
    again.player.pause()

    dialog = help_dialog(again)
    dialog.reset_all()
    assert [k.toString() for k in again.player.controls.play_action.shortcuts()] == ["Space"]
    assert keymap.saved_keys(QSettings(str(tmp_path / "window.ini"),
                                       QSettings.Format.IniFormat)) == {}  # fmt: skip


def test_saved_keys_skip_unknown_names_and_bad_keys(tmp_path) -> None:
    settings = QSettings(str(tmp_path / "keys.ini"), QSettings.Format.IniFormat)
    keymap.save_keys(settings, {"play": ("F5",), "next_shot": ("]", "Ctrl+,"), "mark": ()})
    settings.setValue("shortcuts/no_such_action", "F6")
    settings.sync()
    read = keymap.saved_keys(QSettings(settings.fileName(), QSettings.Format.IniFormat))
    assert read == {"play": ("F5",), "next_shot": ("]", "Ctrl+,"), "mark": ()}
    assert keymap.keys("mark", read) == [] and keymap.keys("approve", read)[0].toString() == "A"
