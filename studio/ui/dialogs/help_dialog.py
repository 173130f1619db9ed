"""The Help dialog: every keyboard shortcut of the window, grouped by the menu it is in (the
panels' own keys, such as the script's find keys, under "Panels"), with a box that filters them
by name or key.

Given the app settings and the window, each action of :mod:`studio.ui.keymap` gets a key
editor: a new key is refused, with a line saying why, when another action has it; otherwise it
is saved in the settings and put on the window's actions at once (and read again at the next
start). "Reset All" brings back the default keys. The timeline's own keys (those it takes while
it has focus, :data:`~studio.ui.timeline.timeline_canvas.KEYS`) are listed under "Timeline" as
read-only rows: they cannot be rebound.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.ui import keymap

Bound = QAction | QShortcut
Actions = Iterable[Bound] | Mapping[str, Iterable[Bound]]
FixedKeys = Mapping[str, Mapping[str, str]]  # group -> {keys as written: what they do}
FIXED_NOTE = ("Timeline keys work while the timeline has focus, where they win over the "
              "window's keys; they cannot be changed here.")  # fmt: skip
PORTABLE = QKeySequence.SequenceFormat.PortableText
NATIVE = QKeySequence.SequenceFormat.NativeText


def plain_text(text: str) -> str:
    """A menu text as read: mnemonic '&' gone ('&&' is a real '&'), no trailing '…'."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


def bound_keys(bound: Bound) -> list[QKeySequence]:
    """The keys of an action or a shortcut (no empty ones)."""
    found = bound.keys() if isinstance(bound, QShortcut) else bound.shortcuts()
    return [k for k in found if not k.isEmpty()]


def shortcut_text(action: Bound) -> str:
    """The action's (or shortcut's) keys as this platform writes them ("" when it has none)."""
    return ", ".join(k.toString(NATIVE) for k in bound_keys(action))


def title(bound: Bound) -> str:
    """What an action or a shortcut does, as the dialog names it."""
    if isinstance(bound, QShortcut):
        return keymap.TITLES.get(bound.property(keymap.NAME) or "") or bound.whatsThis()
    return plain_text(bound.text())


def menu_actions(bar: QMenuBar) -> dict[str, list[QAction]]:
    """The actions of each menu of ``bar`` (submenus' actions under their menu), by menu name."""
    found: dict[str, list[QAction]] = {}

    def walk(menu: QMenu, into: list[QAction]) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), into)  # type: ignore[arg-type]
            elif not action.isSeparator():
                into.append(action)

    for action in bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            walk(menu, found.setdefault(plain_text(action.text()), []))
    return found


def window_shortcuts(window: QMainWindow) -> dict[str, list[Bound]]:
    """Every action and shortcut of ``window`` that has keys (or a keymap name): those of its
    menus by menu name (:func:`menu_actions`), then the rest under "Panels"."""
    groups: dict[str, list[Bound]] = dict(menu_actions(window.menuBar()))
    listed = {id(a) for actions in groups.values() for a in actions}
    rest: list[Bound] = [*window.findChildren(QAction), *window.findChildren(QShortcut)]
    panels = [b for b in rest if id(b) not in listed and (bound_keys(b) or _name(b))]
    if panels:
        groups["Panels"] = panels
    return groups


def timeline_keys() -> dict[str, dict[str, str]]:
    """The timeline's own keys, as the "Timeline" group of read-only rows."""
    from studio.ui.timeline.timeline_canvas import KEYS

    return {"Timeline": dict(KEYS)}


def _has_keys(chosen: keymap.Keys, name: str) -> bool:
    return bool(keymap.portable(name, chosen))


def _name(bound: Bound) -> str:
    name = bound.property(keymap.NAME)
    return name if isinstance(name, str) and name in keymap.KEYS else ""


class HelpDialog(QDialog):
    """The shortcuts of ``actions``: a list, or lists by menu name (see :func:`menu_actions`
    and :func:`window_shortcuts`). With ``settings`` and ``root`` (the window) the keymap's
    actions can be given other keys, kept in ``settings`` and applied under ``root``. ``fixed``
    keys are listed read-only after them (with ``root``, by default: :func:`timeline_keys`)."""

    def __init__(
        self,
        actions: Actions,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        root: QObject | None = None,
        fixed: FixedKeys | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(560, 640)
        self.settings, self.root = settings, root
        self.chosen = keymap.saved_keys(settings) if settings is not None else {}
        self.editors: dict[str, QKeySequenceEdit] = {}  # keymap name -> its key editor
        self.titles: dict[str, str] = {}  # keymap name -> its row's title
        self._rows: list[tuple[QTreeWidgetItem, Bound]] = []
        self._updating = False
        groups = dict(actions) if isinstance(actions, Mapping) else {"": actions}
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name or key…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(any(groups))
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._fill(groups)
        fixed = timeline_keys() if fixed is None and root is not None else fixed or {}
        self._fill_fixed(fixed)
        self.note = QLabel(FIXED_NOTE if fixed else "", wordWrap=True)
        self.note.setVisible(bool(fixed))
        self.problem = QLabel(wordWrap=True)  # why a key was refused, or what was done
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        if self.editable:
            reset = buttons.addButton("Reset All", QDialogButtonBox.ButtonRole.ResetRole)
            reset.setToolTip("Give every action its default keys again")
            reset.clicked.connect(self.reset_all)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    @property
    def editable(self) -> bool:
        return self.settings is not None and self.root is not None

    def _fill(self, groups: Mapping[str, Iterable[Bound]]) -> None:
        seen: set[int] = set()
        for group_name, group_actions in groups.items():
            rows = []
            for bound in group_actions:
                name = _name(bound) if self.editable else ""
                if (bound_keys(bound) or name) and id(bound) not in seen:
                    seen.add(id(bound))
                    rows.append((QTreeWidgetItem([title(bound), shortcut_text(bound)]), bound))
            if not rows:
                continue
            if group_name:
                group = QTreeWidgetItem([group_name])
                self.tree.addTopLevelItem(group)
                group.addChildren([item for item, _ in rows])
                group.setExpanded(True)
            else:
                self.tree.addTopLevelItems([item for item, _ in rows])
            self._rows += rows
        for item, bound in self._rows:
            if (name := _name(bound) if self.editable else "") and name not in self.editors:
                self.titles[name] = item.text(0)
                self.editors[name] = self._editor(name)
                self.tree.setItemWidget(item, 1, self.editors[name])
        self._show_keys()

    def _fill_fixed(self, fixed: FixedKeys) -> None:
        """Read-only rows (what the keys do, the keys) under each group of ``fixed``."""
        for group_name, rows in fixed.items():
            group = QTreeWidgetItem([group_name])
            self.tree.addTopLevelItem(group)
            for keys, what in rows.items():
                item = QTreeWidgetItem([what, keys])
                item.setToolTip(1, FIXED_NOTE)
                group.addChild(item)
            group.setExpanded(True)

    def _editor(self, name: str) -> QKeySequenceEdit:
        editor = QKeySequenceEdit()
        editor.setMaximumSequenceLength(1)
        editor.setClearButtonEnabled(True)
        editor.setToolTip("Press the new key; clear it for none")
        editor.editingFinished.connect(lambda: self._edited(name))
        editor.keySequenceChanged.connect(lambda keys: self._maybe_cleared(name, keys))
        return editor

    def _edited(self, name: str) -> None:
        """The editor of ``name`` finished (a key pressed, or the focus left it)."""
        keys = self.editors[name].keySequence()
        if not self._updating and (keys.toString(PORTABLE),) != keymap.portable(name, self.chosen):
            self.rebind(name, keys)

    def _maybe_cleared(self, name: str, keys: QKeySequence) -> None:
        """The clear button empties the editor, and so does the first key pressed: it was
        cleared if it is still empty once the key press is over."""
        if keys.isEmpty() and not self._updating:
            QTimer.singleShot(0, self, lambda: self._cleared(name))

    def _cleared(self, name: str) -> None:
        if self.editors[name].keySequence().isEmpty() and _has_keys(self.chosen, name):
            self.rebind(name, QKeySequence())

    # -- rebinding ------------------------------------------------------------------------------

    def rebind(self, name: str, keys: QKeySequence) -> bool:
        """Give action ``name`` the key ``keys`` (empty: none), unless another action has it
        (refused, with a line saying which); saved and applied at once. Whether it was."""
        if not self.editable:
            return False
        text = keys.toString(PORTABLE)
        owner = self._owner(text, name) if text else ""
        if owner:
            self.problem.setText(f"{keys.toString(NATIVE)} is already the key of {owner}: "
                                 "choose another, or give that one another key first")  # fmt: skip
            self._show_keys()
            return False
        self.chosen[name] = (text,) if text else ()
        if self.chosen[name] == keymap.portable(name):
            del self.chosen[name]
        self._save()
        what = keys.toString(NATIVE) or "no key"
        self.problem.setText(f"{self.titles.get(name, name)}: {what}")
        return True

    def reset_all(self) -> None:
        """Every action's default keys again (saved and applied at once)."""
        self.chosen = {}
        self._save()
        self.problem.setText("Every action has its default keys again")

    def _save(self) -> None:
        assert self.settings is not None and self.root is not None
        keymap.save_keys(self.settings, self.chosen)
        keymap.apply_keys(self.root, self.chosen)
        self._show_keys()

    def _owner(self, text: str, name: str) -> str:
        """The title of the action other than ``name`` that has the key ``text`` ("": none)."""
        for other in keymap.KEYS:
            if other != name and text in keymap.portable(other, self.chosen):
                return self.titles.get(other, other)
        for item, bound in self._rows:  # keys that are not the keymap's (Escape…)
            if not _name(bound) and text in (k.toString(PORTABLE) for k in bound_keys(bound)):
                return item.text(0)
        return ""

    def _show_keys(self) -> None:
        """Show each row's keys as its action has them now."""
        self._updating = True
        try:
            for item, bound in self._rows:
                item.setText(1, shortcut_text(bound))
                if (name := _name(bound)) in self.editors:
                    found = bound_keys(bound)
                    self.editors[name].setKeySequence(found[0] if found else QKeySequence())
        finally:
            self._updating = False

    def apply_filter(self, text: str) -> None:
        """Show only the shortcuts whose name or keys contain ``text`` (any case)."""
        wanted = text.strip().casefold()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.childCount():
                shown = [self._match(top.child(k), wanted) for k in range(top.childCount())]
                top.setHidden(not any(shown))
            else:
                self._match(top, wanted)

    def shown(self) -> list[tuple[str, str]]:
        """(action, shortcut) of every row not filtered out, in order."""
        rows = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            items = [top.child(k) for k in range(top.childCount())] or [top]
            rows += [(it.text(0), it.text(1)) for it in items if not it.isHidden()]
        return rows

    def groups(self) -> list[str]:
        """The menu names shown (groups with a shortcut left after filtering)."""
        return [
            self.tree.topLevelItem(i).text(0)
            for i in range(self.tree.topLevelItemCount())
            if self.tree.topLevelItem(i).childCount() and not self.tree.topLevelItem(i).isHidden()
        ]

    @staticmethod
    def _match(item: QTreeWidgetItem, wanted: str) -> bool:
        hit = not wanted or wanted in f"{item.text(0)}\t{item.text(1)}".casefold()
        item.setHidden(not hit)
        return hit
