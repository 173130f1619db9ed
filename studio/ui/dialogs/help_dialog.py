"""The Help dialog: every keyboard shortcut of the window, grouped by the menu it is in, with a
box that filters them by name or key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

Actions = Iterable[QAction] | Mapping[str, Iterable[QAction]]


def plain_text(text: str) -> str:
    """A menu text as read: mnemonic '&' gone ('&&' is a real '&'), no trailing '…'."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


def shortcut_text(action: QAction) -> str:
    """The action's shortcuts as this platform writes them ("" when it has none)."""
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(s.toString(native) for s in action.shortcuts() if not s.isEmpty())


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


class HelpDialog(QDialog):
    """The shortcuts of ``actions``: a list, or lists by menu name (see :func:`menu_actions`)."""

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(520, 560)
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
        seen: set[int] = set()
        for name, group_actions in groups.items():
            rows = []
            for action in group_actions:
                keys = shortcut_text(action)
                if keys and id(action) not in seen:
                    seen.add(id(action))
                    rows.append([plain_text(action.text()), keys])
            if not rows:
                continue
            if name:
                group = QTreeWidgetItem([name])
                self.tree.addTopLevelItem(group)
                group.addChildren([QTreeWidgetItem(row) for row in rows])
                group.setExpanded(True)
            else:
                self.tree.addTopLevelItems([QTreeWidgetItem(row) for row in rows])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)

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
