"""The language switcher: a box for the toolbar and a View ▸ Language menu, both listing the
source and each target language with its progress ("es 12/30"), plus Translations… (the
side-by-side table, in a window of its own) and Add Languages…."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QDialog, QMenu, QVBoxLayout, QWidget

from studio.ui.language_state import LanguageState
from studio.ui.session import Session
from studio.ui.translations.translations_panel import TranslationsPanel


class LanguageSwitcher(QObject):
    """Owns :attr:`combo` (for a toolbar) and :attr:`menu`; both choose the language shown.
    ``window``: the window they sit in (the parent of the dialogs)."""

    def __init__(self, session: Session, window: QWidget | None = None) -> None:
        super().__init__(window)
        self.session, self.window = session, window
        self.state = LanguageState.of(session)
        self.combo = QComboBox(window)
        self.combo.setObjectName("language-switcher")
        self.combo.setToolTip("The language the script, captions, player and timeline show")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.activated.connect(lambda i: self.choose(str(self.combo.itemData(i) or "")))
        self.menu = QMenu("&Language", window)
        self.menu.aboutToShow.connect(self._fill_menu)
        self.translations_action = QAction("&Translations…", self)
        self.translations_action.triggered.connect(self.show_translations)
        self.add_action = QAction("&Add Languages…", self)
        self.add_action.triggered.connect(self.add_languages)
        self.dialog: QDialog | None = None
        for signal in (session.projectChanged, session.shotsChanged, self.state.changed):
            signal.connect(self.refresh)
        self.refresh()
        self._fill_menu()

    def choose(self, tag: str) -> None:
        """Show ``tag`` ("" the source) everywhere; a tag no longer a target goes to the bar."""
        try:
            self.state.show(tag)
        except ValueError as exc:
            self.session.message.emit(str(exc))
            tag = ""
        if tag:
            self.session.message.emit(f"Showing {tag}: the script is read-only until Source")
        self.refresh()

    def refresh(self, *_: object) -> None:
        """List the languages again (their progress changes as lines are translated)."""
        choices = self.state.choices()
        self.combo.blockSignals(True)
        self.combo.clear()
        for tag, label in choices:
            self.combo.addItem(label, tag)
        self.combo.setCurrentIndex(max(0, self.combo.findData(self.state.tag)))
        self.combo.blockSignals(False)
        has_project = self.session.project is not None
        self.combo.setEnabled(has_project)
        self.translations_action.setEnabled(has_project)
        self.add_action.setEnabled(self.session.writable)

    def _fill_menu(self) -> None:
        self.menu.clear()
        group = QActionGroup(self.menu)
        for tag, label in self.state.choices():
            action = self.menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(tag == self.state.tag)
            action.setData(tag)
            action.setEnabled(self.session.project is not None)
            group.addAction(action)
            action.triggered.connect(lambda _on=False, t=tag: self.choose(t))
        self.menu.addSeparator()
        self.menu.addAction(self.translations_action)
        self.menu.addAction(self.add_action)

    def show_translations(self) -> TranslationsPanel:
        """The translations table, in a window beside the main one (made on first use)."""
        if self.dialog is None:
            self.dialog = QDialog(self.window)
            self.dialog.setWindowTitle("Translations")
            self.dialog.resize(980, 560)
            layout = QVBoxLayout(self.dialog)
            layout.setContentsMargins(4, 4, 4, 4)
            layout.addWidget(TranslationsPanel(self.session, self.dialog))
        self.dialog.show()
        self.dialog.raise_()
        return self.panel  # type: ignore[return-value]

    @property
    def panel(self) -> TranslationsPanel | None:
        return self.dialog.findChild(TranslationsPanel) if self.dialog is not None else None

    def add_languages(self) -> None:
        from studio.ui.translations.add_languages import AddLanguagesDialog

        AddLanguagesDialog(self.session, self.window).exec()
