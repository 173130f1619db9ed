"""The find / replace bar under the script editor.

Plain-text search (no patterns) in a QPlainTextEdit, optionally case-sensitive, wrapping at
either end. Replace all is one undo step. Escape hides the bar and gives the focus back to the
text; F3 / Shift+F3 are bound by the widget that owns the bar (they work from the text too).

The search and replace fields never collapse: each keeps room for :data:`FIELD_CHARS`
characters, so a narrow script panel is held at the bar's minimum width instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

__all__ = ["FIELD_CHARS", "FindBar"]

FIELD_CHARS = 14  # the fields' minimum width, in average characters of their font


class FindBar(QWidget):
    """Find, replace and replace all in ``editor``; hidden until :meth:`show_find`."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText("Find")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setPlaceholderText("Replace with")
        self.match_case = QCheckBox("Match case", self)
        for field in (self.find_edit, self.replace_edit):
            field.setMinimumWidth(field.fontMetrics().averageCharWidth() * FIELD_CHARS + 24)
        self.status = QLabel(self)
        self.status.setMinimumWidth(self.status.fontMetrics().horizontalAdvance("99 replaced"))
        self._buttons: dict[str, QPushButton] = {}
        self._build()
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_edit.textChanged.connect(lambda _text: self.status.clear())
        self.replace_edit.returnPressed.connect(self.replace)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setWhatsThis("Close the Find Bar")  # its name in Help
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_bar)
        self.hide()

    def _build(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.addWidget(self.find_edit, 0, 0)
        grid.addWidget(self.replace_edit, 1, 0)
        actions = [
            ("previous", "Previous", self.find_previous, 0, 1),
            ("next", "Next", self.find_next, 0, 2),
            ("replace", "Replace", self.replace, 1, 1),
            ("replace_all", "Replace all", self.replace_all, 1, 2),
        ]
        for key, label, slot, row, column in actions:
            button = QPushButton(label, self)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            grid.addWidget(button, row, column)
            self._buttons[key] = button
        grid.addWidget(self.match_case, 0, 3)
        grid.addWidget(self.status, 1, 3)
        close = QPushButton("×", self)
        close.setFlat(True)
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        grid.addWidget(close, 0, 4)
        grid.setColumnStretch(0, 1)

    # -- showing ------------------------------------------------------------------------------

    def show_find(self) -> None:
        """Show the find row, seeded with the editor's selection, and focus it."""
        self._show(replacing=False)

    def show_replace(self) -> None:
        """Show find and replace; the replace field takes the focus if there is a search."""
        self._show(replacing=True)

    def _show(self, *, replacing: bool) -> None:
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        writable = not self.editor.isReadOnly()
        self.replace_edit.setVisible(replacing and writable)
        self._buttons["replace"].setVisible(replacing and writable)
        self._buttons["replace_all"].setVisible(replacing and writable)
        self.show()
        target = self.replace_edit if replacing and writable and self.find_edit.text() else None
        (target or self.find_edit).setFocus()
        (target or self.find_edit).selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.editor.setFocus()

    # -- searching ----------------------------------------------------------------------------

    def _flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.match_case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        return flags

    def find_next(self) -> bool:
        """Select the next match after the cursor, wrapping at the end; whether one exists."""
        return self._find(backward=False)

    def find_previous(self) -> bool:
        """Select the match before the cursor, wrapping at the start; whether one exists."""
        return self._find(backward=True)

    def _find(self, *, backward: bool) -> bool:
        needle = self.find_edit.text()
        if not needle:
            return False
        document = self.editor.document()
        flags = self._flags(backward)
        found = document.find(needle, self.editor.textCursor(), flags)
        if found.isNull():
            start = QTextCursor(document)
            start.movePosition(
                QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            )
            found = document.find(needle, start, flags)
        if found.isNull():
            self.status.setText("not found")
            return False
        self.status.clear()
        self.editor.setTextCursor(found)
        return True

    def _is_match(self, cursor: QTextCursor) -> bool:
        selected, needle = cursor.selectedText(), self.find_edit.text()
        if self.match_case.isChecked():
            return selected == needle
        return selected.casefold() == needle.casefold()

    def replace(self) -> bool:
        """Replace the selected match (if the selection is one) and select the next."""
        if self.editor.isReadOnly() or not self.find_edit.text():
            return False
        cursor = self.editor.textCursor()
        if cursor.hasSelection() and self._is_match(cursor):
            cursor.insertText(self.replace_edit.text())
            self.editor.setTextCursor(cursor)
        return self.find_next()

    def replace_all(self) -> int:
        """Replace every match in one undo step; how many were replaced (shown in the bar)."""
        needle = self.find_edit.text()
        if self.editor.isReadOnly() or not needle:
            return 0
        document = self.editor.document()
        flags = self._flags()
        replacement = self.replace_edit.text()
        count = 0
        edit = QTextCursor(document)
        edit.beginEditBlock()
        found = document.find(needle, 0, flags)
        while not found.isNull():
            found.insertText(replacement)  # leaves the cursor after the replacement
            count += 1
            found = document.find(needle, found.position(), flags)
        edit.endEditBlock()
        self.status.setText(f"{count} replaced" if count else "not found")
        return count
