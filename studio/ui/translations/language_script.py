"""The script panel while a target language is shown: a banner and the script's dialogue in that
language, read-only, in place of the editor (which keeps the source text, untouched)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from studio.app.language_script import language_script
from studio.ui.language_state import LanguageState
from studio.ui.script.script_editor import ScriptEditor

BANNER = ("Showing the script in {tag}: read-only. To edit the script, choose Source in the "
          "Language box of the toolbar (or View ▸ Language ▸ Source).")  # fmt: skip


class LanguageScript(QWidget):
    """Shown over ``editor``'s text while a target language is; the editor is read-only then."""

    def __init__(self, editor: ScriptEditor) -> None:
        pane = editor.text_edit.parentWidget()
        super().__init__(pane)
        self.editor = editor
        self.language = LanguageState.of(editor.session)
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #3a3a20; color: #ffe08a; padding: 6px")
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(editor.text_edit.font())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.text, 1)
        pane.layout().insertWidget(0, self)  # type: ignore[union-attr]
        self.hide()
        self.language.changed.connect(self.show_language)
        editor.session.shotsChanged.connect(self._refill)

    def show_language(self, tag: str) -> None:
        """Show the script in ``tag``, or the editor again ("")."""
        editor = self.editor
        if tag:
            editor.apply_now()  # an edit still in its debounce is the source's
            editor.text_edit.setReadOnly(True)
            editor.text_edit.hide()
            self.banner.setText(BANNER.format(tag=tag))
            self._refill()
            self.show()
        else:
            self.hide()
            editor.text_edit.setReadOnly(not editor.session.writable)
            editor.text_edit.show()

    def _refill(self) -> None:
        tag, view = self.language.tag, self.language.project()
        if tag and view is not None:
            self.text.setPlainText(language_script(view, tag))
