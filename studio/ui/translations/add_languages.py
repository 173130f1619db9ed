"""Add Languages…: add target languages to the project, by BCP 47 tag, as one undoable edit."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from studio.core.history import Scope
from studio.core.translations import add_languages
from studio.ui.session import Session

PROMPT = "Target languages, as BCP 47 tags separated by commas or spaces (es, pt-BR, zh-Hans):"


def split_tags(text: str) -> list[str]:
    """The tags typed in ``text`` (commas or spaces between them)."""
    return [tag for tag in text.replace(",", " ").split() if tag]


class AddLanguagesDialog(QDialog):
    """Asks for tags; OK adds them (the edit "Add Languages"), or says in the dialog why not."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.added: list[str] = []
        self.setWindowTitle("Add Languages")
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText("es, pt-BR")
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #d9534f")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(PROMPT, self))
        layout.addWidget(self.tags)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def accept(self) -> None:  # Qt's name
        """Add the tags typed; a bad one (or none) keeps the dialog open with the reason."""
        project, tags = self.session.project, split_tags(self.tags.text())
        why = self._problem(tags)
        if not why and project is not None:
            trial = dataclasses.replace(project, languages=list(project.languages))
            try:
                new = add_languages(trial, tags)  # a dry run: the reason stays in the dialog
            except ValueError as exc:
                why = str(exc)
            else:
                why = "" if new else "those languages are targets already"
        if why:
            self.problem.setText(why)
            return
        name = "Add Language" if len(tags) == 1 else "Add Languages"
        added: list[str] = []
        if self.session.edit(name, Scope.languages(),
                             lambda: added.extend(add_languages(project, tags))):  # fmt: skip
            self.added = added
            self.session.message.emit(f"Added {', '.join(added)}")
            super().accept()

    def _problem(self, tags: list[str]) -> str:
        if not self.session.writable:
            return "the project is not open for editing"
        return "" if tags else "type at least one language tag, like es or pt-BR"
