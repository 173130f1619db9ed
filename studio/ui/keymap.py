"""Every keyboard shortcut of the window, in one place: action name -> its keys.

No key belongs to two actions. The user may rebind them (Help ▸ Keyboard Shortcuts): their keys
are kept in the app settings' ``shortcuts`` group (name -> keys, in Qt's portable text; only
the keys that differ from these defaults), read by :func:`saved_keys` and put on the window's
actions and shortcuts by :func:`apply_keys`, which finds them by the name :func:`bind` gave.

Transport and review keys work from anywhere in the window (window-level shortcuts): the
timeline, the player, the take grid. A text field with focus (the script editor, a prompt or
name line) still gets the letters, Space, Delete and the arrows it types or moves with: Qt
offers such a key to the focused text widget first, which keeps it. The jobs panel's keys act
on the job list, so they work while that panel has focus; the script's find keys while the
script editor has it.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

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
    # Script (the script editor or its find bar has focus)
    "find": (Std.Find,),
    "replace": ("Ctrl+H",),
    "find_next": ("F3",),
    "find_previous": ("Shift+F3",),
}
TITLES = {  # the names bound to a QShortcut (which has no text of its own)
    "find": "Find",
    "replace": "Replace",
    "find_next": "Find Next",
    "find_previous": "Find Previous",
}
NAME = "keymap"  # the Qt property holding the name an action or shortcut was bound to
GROUP = "shortcuts"  # the settings group of the user's keys
Keys = Mapping[str, tuple[str, ...]]  # name -> the user's keys, in portable text

JOB_ACTIONS = ("pause_queue", "cancel_job", "retry_job", "hold_job", "job_up", "job_down")


def keys(name: str, chosen: Keys | None = None) -> list[QKeySequence]:
    """The key sequences of action ``name``: the user's (``chosen``) or the defaults (none
    for a name the keymap does not list)."""
    if chosen is not None and name in chosen:
        return [QKeySequence(k) for k in chosen[name]]
    return [QKeySequence(k) for k in KEYS.get(name, ())]


def portable(name: str, chosen: Keys | None = None) -> tuple[str, ...]:
    """Action ``name``'s keys in Qt's portable text ("Ctrl+S")."""
    return tuple(k.toString(QKeySequence.SequenceFormat.PortableText) for k in keys(name, chosen))


def key_text(name: str, chosen: Keys | None = None) -> str:
    """Action ``name``'s keys as this platform writes them, for tooltips ("" for none)."""
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(k.toString(native) for k in keys(name, chosen))


def bind(action: QAction, name: str) -> QAction:
    """Give ``action`` the keys of ``name``: window-wide, or for the focused job list."""
    action.setShortcuts(keys(name))
    if name:
        action.setProperty(NAME, name)
    panel = name in JOB_ACTIONS
    action.setShortcutContext(
        Qt.ShortcutContext.WidgetWithChildrenShortcut
        if panel
        else Qt.ShortcutContext.WindowShortcut
    )
    return action


def bind_shortcut(shortcut: QShortcut, name: str) -> QShortcut:
    """Give ``shortcut`` the keys of ``name`` (one of :data:`TITLES`), and its title."""
    shortcut.setKeys(keys(name))
    shortcut.setProperty(NAME, name)
    shortcut.setWhatsThis(TITLES.get(name, name))
    return shortcut


def saved_keys(settings: QSettings) -> dict[str, tuple[str, ...]]:
    """The keys the user chose, by name (names this keymap does not know are skipped)."""
    chosen: dict[str, tuple[str, ...]] = {}
    settings.beginGroup(GROUP)
    try:
        for name in settings.childKeys():
            value = settings.value(name, "")  # "" for no key, a key, or a list of keys
            texts = [value] if isinstance(value, str) else value
            texts = (
                [t for t in texts if isinstance(t, str) and t] if isinstance(texts, list) else []
            )
            if name in KEYS and all(not QKeySequence(t).isEmpty() for t in texts):
                chosen[name] = portable(name, {name: tuple(texts)})
    finally:
        settings.endGroup()
    return chosen


def save_keys(settings: QSettings, chosen: Keys) -> None:
    """Keep the user's keys (those that differ from the defaults) in ``settings``."""
    settings.remove(GROUP)
    settings.beginGroup(GROUP)
    for name, sequences in chosen.items():
        if name in KEYS and tuple(sequences) != portable(name):
            settings.setValue(name, list(sequences) if len(sequences) > 1 else "".join(sequences))
    settings.endGroup()
    settings.sync()


def apply_keys(root: QObject, chosen: Keys) -> None:
    """Give every action and shortcut under ``root`` bound to a keymap name its keys now."""
    native = QKeySequence.SequenceFormat.NativeText
    for action in root.findChildren(QAction):
        if name := action.property(NAME):
            old = ", ".join(k.toString(native) for k in action.shortcuts())
            action.setShortcuts(keys(name, chosen))
            tip, new = action.toolTip(), key_text(name, chosen)
            if old and tip.endswith(f" ({old})"):  # a tooltip naming the keys names the new ones
                action.setToolTip(tip[: -len(old) - 3] + (f" ({new})" if new else ""))
    for shortcut in root.findChildren(QShortcut):
        if name := shortcut.property(NAME):
            shortcut.setKeys(keys(name, chosen))
