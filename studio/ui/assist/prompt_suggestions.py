"""The suggestions panel: each shot's prompt today beside the assistant's, with a word-level
diff (words struck out in red are dropped, green ones added), and per shot Accept, Edit (change
the suggested text, then accept it) and Reject; Accept All takes every shot not rejected.

Accepting is one undoable edit of the episode (:func:`studio.app.assistant.accept_prompts`
through :meth:`Session.edit`); the rows read the project again after every edit, undo included,
so a row says "accepted" only while the shot's prompt is the suggested one. A shot that has the
artist's own prompt says that accepting replaces it.
"""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.app.assistant import PromptChange, Suggestion, accept_prompts, prompt_changes
from studio.app.prompt_diff import word_diff
from studio.core.history import Scope
from studio.ui.session import Session

DELETED = "#e0433a"
ADDED = "#2f9a57"
OWN = "replaces your prompt"


def diff_html(before: str, after: str) -> str:
    """The diff of two prompts as rich text: dropped words struck and red, added ones green."""
    out = []
    for part in word_diff(before, after):
        text = html.escape(part.text)
        if part.kind == "deleted":
            out.append(f'<s style="color:{DELETED}">{text}</s>')
        elif part.kind == "added":
            out.append(f'<span style="color:{ADDED}">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


class SuggestionRow(QFrame):
    """One shot's suggestion: its prompt today, the diff, an editor for the suggested text."""

    def __init__(self, panel: PromptSuggestions, change: PromptChange) -> None:
        super().__init__()
        self.panel, self.shot_id = panel, change.shot_id
        self.suggested = change.suggested  # as the assistant wrote it, or as the artist edited it
        self.rejected = False
        self.accepted = False  # the shot's prompt is the suggested one (see show_change)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.own = QLabel(f"<i>{OWN}</i>")
        self.current = QLabel(wordWrap=True)
        self.diff = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        for label in (self.current, self.diff):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.editor = QPlainTextEdit(self.suggested)
        self.editor.setMaximumHeight(70)
        self.editor.hide()
        self.state = QLabel()
        self.accept_button = QPushButton("Accept")
        self.edit_button = QPushButton("Edit")
        self.reject_button = QPushButton("Reject")
        self.accept_button.clicked.connect(self.accept)
        self.edit_button.clicked.connect(self.edit)
        self.reject_button.clicked.connect(self.reject)
        grid = QGridLayout(self)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.own, 0, 1)
        grid.addWidget(QLabel("Now:"), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.current, 1, 1)
        grid.addWidget(QLabel("Suggested:"), 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.diff, 2, 1)
        grid.addWidget(self.editor, 3, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        for button in (self.accept_button, self.edit_button, self.reject_button):
            buttons.addWidget(button)
        grid.addLayout(buttons, 4, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.show_change(change)

    @property
    def pending(self) -> bool:
        """Neither rejected nor accepted yet."""
        return not self.rejected and not self.accepted

    def text(self) -> str:
        """The text to accept: the editor's while it is open."""
        return " ".join(self.editor.toPlainText().split()) if self.editor.isVisible() else (
            self.suggested)  # fmt: skip

    def show_change(self, change: PromptChange) -> None:
        """Show the shot as it is now."""
        self.accepted = change.own and change.current == self.suggested
        self.title.setText(f"<b>Shot {change.number}</b> ({html.escape(change.shot_id)})")
        self.own.setVisible(change.own and not self.accepted)
        self.current.setText(change.current)
        self.diff.setText(diff_html(change.current, self.suggested))
        self.state.setText("accepted" if self.accepted else "rejected" if self.rejected else "")
        for button in (self.accept_button, self.edit_button, self.reject_button):
            button.setEnabled(self.pending)
        self.editor.setEnabled(self.pending)

    def accept(self) -> None:
        text = self.text()
        if not text:
            self.panel.session.message.emit("a prompt cannot be empty: write one or Reject")
            return
        self.suggested = text
        self.editor.hide()
        self.panel.accept_rows([self])

    def edit(self) -> None:
        """Open the editor on the suggested text (Accept then takes what it holds)."""
        self.editor.setPlainText(self.suggested)
        self.editor.show()
        self.editor.setFocus()

    def reject(self) -> None:
        self.rejected = True
        self.editor.hide()
        self.panel.refresh()


class PromptSuggestions(QDialog):
    """The prompts of ``suggestion`` against ``session``'s project; modeless."""

    def __init__(self, session: Session, suggestion: Suggestion, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.suggestion = session, suggestion
        request = suggestion.request
        self.setWindowTitle(f"Suggested Prompts — Episode {request.episode}")
        self.resize(760, 620)
        self.rows: list[SuggestionRow] = []
        project = session.project
        changes = prompt_changes(project, suggestion) if project is not None else []
        column = QVBoxLayout()
        for change in changes:
            row = SuggestionRow(self, change)
            self.rows.append(row)
            column.addWidget(row)
        column.addStretch(1)
        inner = QWidget()
        inner.setLayout(column)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(inner)
        about = QLabel(
            f"By {html.escape(request.model)} (seed {request.seed}, template {request.template}) "
            f"in {html.escape(suggestion.media)}. "
            + ("" if changes else "None of its shots is in the project any more."),
            wordWrap=True,
        )
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.accept_all_button = box.addButton("Accept All", QDialogButtonBox.ButtonRole.ActionRole)
        self.accept_all_button.clicked.connect(self.accept_all)
        box.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(scroll, 1)
        layout.addWidget(box)
        session.shotsChanged.connect(self.refresh)
        self.refresh()

    def row(self, shot_id: str) -> SuggestionRow:
        """The row of ``shot_id`` (KeyError: none)."""
        found = next((r for r in self.rows if r.shot_id == shot_id), None)
        if found is None:
            raise KeyError(shot_id)
        return found

    def accept_all(self) -> bool:
        """Accept every row neither rejected nor accepted, as one edit."""
        return self.accept_rows([r for r in self.rows if r.pending])

    def accept_rows(self, rows: list[SuggestionRow]) -> bool:
        """Make the rows' texts their shots' prompts: one undoable edit; whether it was made."""
        project = self.session.project
        if project is None or not rows:
            return False
        texts = {r.shot_id: r.text() for r in rows}
        shots = self.suggestion.request.shots
        answers = tuple(
            {"prompt": texts.get(shot.shot_id, answer["prompt"])}
            for shot, answer in zip(shots, self.suggestion.answers, strict=True)
        )
        edited = replace(self.suggestion, answers=answers)
        name = (
            "Accept Suggested Prompt" if len(rows) == 1 else f"Accept {len(rows)} Suggested Prompts"
        )
        scope = Scope.episode(self.suggestion.request.episode)
        done = self.session.edit(name, scope, lambda: accept_prompts(project, edited, set(texts)))
        self.refresh()
        return done

    def refresh(self, *_: object) -> None:
        """Show each shot's prompt as it is now (after an edit, an undo or a redo)."""
        project = self.session.project
        if project is None:
            return
        changes = {c.shot_id: c for c in prompt_changes(project, self.suggestion)}
        for row in self.rows:
            if row.shot_id in changes:
                row.show_change(changes[row.shot_id])
            else:  # the shot was removed since
                row.setEnabled(False)
        self.accept_all_button.setEnabled(any(r.pending for r in self.rows))
