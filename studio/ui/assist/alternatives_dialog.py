"""The assistant's three alternative cliffhangers or hooks for an episode, each with "Insert
into Script" and "Copy".

Inserting puts the text at the script editor's cursor and applies it as the edit "Edit Script",
so Undo takes it out again; the assistant never writes into the script unasked.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.app.assistant import Suggestion
from studio.core.assist import AssistTask
from studio.ui.script.script_editor import ScriptEditor


def insert_into_script(editor: ScriptEditor, text: str) -> bool:
    """Put ``text`` at ``editor``'s cursor as a paragraph of its own (blank lines around it, as
    Fountain wants) and apply it: one undoable edit, after any edit still waiting. Whether the
    project now holds it."""
    if editor.text_edit.isReadOnly():
        return False
    editor.apply_now()  # a pending edit is its own undo step
    cursor = editor.text_edit.textCursor()
    block = cursor.block()
    if not cursor.atBlockStart():
        before = "\n\n"
    else:
        previous = block.previous()
        before = "\n" if previous.isValid() and previous.text().strip() else ""
    rest = block.text()[cursor.positionInBlock() :]
    after = "\n\n" if rest.strip() else "\n"
    cursor.insertText(f"{before}{text.strip()}{after}")
    editor.text_edit.setTextCursor(cursor)
    return editor.apply_now()


class AlternativesDialog(QDialog):
    """The alternatives of ``suggestion`` (cliffhangers or hooks), inserted into ``editor``."""

    def __init__(
        self, suggestion: Suggestion, editor: ScriptEditor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.suggestion, self.editor = suggestion, editor
        request = suggestion.request
        which = "Cliffhangers" if suggestion.task is AssistTask.CLIFFHANGERS else "Hooks"
        self.setWindowTitle(f"Suggested {which} — Episode {request.episode}")
        self.resize(560, 420)
        self.texts = [item["text"].strip() for item in suggestion.answers[0]["alternatives"]]
        self.insert_buttons: list[QPushButton] = []
        self.copy_buttons: list[QPushButton] = []
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            f"By {html.escape(request.model)} (seed {request.seed}). Insert one at the script "
            "editor's cursor, or copy it.", wordWrap=True))  # fmt: skip
        for i, text in enumerate(self.texts):
            frame = QFrame(frameShape=QFrame.Shape.StyledPanel)
            label = QLabel(text, wordWrap=True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            insert = QPushButton("Insert into Script")
            copy = QPushButton("Copy")
            insert.clicked.connect(lambda _=False, n=i: self.insert(n))
            copy.clicked.connect(lambda _=False, n=i: self.copy(n))
            self.insert_buttons.append(insert)
            self.copy_buttons.append(copy)
            buttons = QHBoxLayout()
            buttons.addStretch(1)
            buttons.addWidget(insert)
            buttons.addWidget(copy)
            inner = QVBoxLayout(frame)
            inner.addWidget(QLabel(f"<b>{i + 1}.</b>"))
            inner.addWidget(label)
            inner.addLayout(buttons)
            layout.addWidget(frame)
        layout.addStretch(1)
        layout.addWidget(self.status)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.close)
        layout.addWidget(box)

    def insert(self, index: int) -> bool:
        """Insert alternative ``index`` into the script; whether it went in."""
        done = insert_into_script(self.editor, self.texts[index])
        self.status.setText(
            f"Alternative {index + 1} inserted into the script (Edit ▸ Undo takes it out)"
            if done
            else "Not inserted into the project: the script cannot be edited or broken down"
        )
        return done

    def copy(self, index: int) -> None:
        QGuiApplication.clipboard().setText(self.texts[index])
        self.status.setText(f"Alternative {index + 1} copied")
