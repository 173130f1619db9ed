"""Every keyboard shortcut of the window, in one place: action name -> its keys.

No key belongs to two actions. Transport and review keys work from anywhere in the window
(window-level shortcuts): the timeline, the player, the take grid. A text field with focus (the
script editor, a prompt or name line) still gets the letters, Space, Delete and the arrows it
types or moves with: Qt offers such a key to the focused text widget first, which keeps it.
The jobs panel's keys act on the job list, so they work while that panel has focus.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

Std = QKeySequence.StandardKey

KEYS: dict[str, tuple[str | Std, ...]] = {
    # File, Edit, Help
    "new": (Std.New,),
    "open": (Std.Open,),
    "close": (Std.Close,),
    "save": (Std.Save,),
    "export": ("Ctrl+E",),
    "quit": (Std.Quit,),
    "undo": (Std.Undo,),
    "redo": (Std.Redo,),
    "settings": ("Ctrl+,",),
    "shortcuts": ("F1",),
    # Playback (the player's transport)
    "play": ("Space",),
    "pause": ("K",),
    "reverse": ("J",),
    "forward": ("L",),
    "step_back": ("Left",),
    "step_forward": ("Right",),
    "go_start": ("Home",),
    "go_end": ("End",),
    "loop": ("Ctrl+L",),
    "safe_zones": ("Shift+S",),
    # Review (the selected shot's takes)
    "approve": ("A",),
    "reject": ("R",),
    "star": ("S",),
    "archive": ("Delete",),
    "regenerate": ("G",),
    "variations": ("V",),
    "edit_prompt": ("P",),
    "mark": ("M",),
    "compare": ("C",),
    "voice": ("Shift+V",),
    "lipsync": ("Shift+L",),
    "previous_take": ("Shift+Left",),
    "next_take": ("Shift+Right",),
    "next_shot": ("]", "N"),
    "previous_shot": ("[", "Shift+N"),
    # Jobs (the job list has focus)
    "pause_queue": ("Shift+P",),
    "cancel_job": ("Shift+Delete",),
    "retry_job": ("Shift+R",),
    "hold_job": ("H",),
    "job_up": ("Alt+Up",),
    "job_down": ("Alt+Down",),
}

JOB_ACTIONS = ("pause_queue", "cancel_job", "retry_job", "hold_job", "job_up", "job_down")


def keys(name: str) -> list[QKeySequence]:
    """The key sequences of action ``name`` (none for a name the keymap does not list)."""
    return [QKeySequence(k) for k in KEYS.get(name, ())]


def key_text(name: str) -> str:
    """Action ``name``'s keys as this platform writes them, for tooltips ("" for none)."""
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(k.toString(native) for k in keys(name))


def bind(action: QAction, name: str) -> QAction:
    """Give ``action`` the keys of ``name``: window-wide, or for the focused job list."""
    action.setShortcuts(keys(name))
    panel = name in JOB_ACTIONS
    action.setShortcutContext(
        Qt.ShortcutContext.WidgetWithChildrenShortcut
        if panel
        else Qt.ShortcutContext.WindowShortcut
    )
    return action
