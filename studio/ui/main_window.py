"""The Studio window: the preview player in the middle, the script editor, its outline and the
shot timeline in dockable panels around it, a menu bar, a toolbar and a status bar.

The layout (window geometry, where the panels are) is remembered between runs in the user's
settings file; the default one, and each panel's least size, are in :mod:`window_layout`. The
window owns no logic: it builds the panels on one :class:`Session` and forwards their messages
to the status bar.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from studio.core.store import StoreError, resolve_root
from studio.ui import keymap, window_layout
from studio.ui.assist.assist_actions import AssistantActions
from studio.ui.characters.character_panel import CharacterPanel
from studio.ui.dialogs import open_failure
from studio.ui.gui_thread import settle_long_lived
from studio.ui.jobs.jobs_panel import JobsPanel
from studio.ui.player.player import PlayerView
from studio.ui.project_files import ProjectFiles
from studio.ui.review.take_review import TakeReview
from studio.ui.script.script_editor import ScriptEditor
from studio.ui.session import Session
from studio.ui.timeline.timeline import TimelineView
from studio.ui.translations.language_script import LanguageScript
from studio.ui.translations.language_switcher import LanguageSwitcher
from studio.ui.wheel_guard import guard_wheel
from studio.ui.window_tools import WindowTools

_LAYOUT_VERSION = 3  # bump when the panels change, so an old saved layout is not restored


class MainWindow(QMainWindow):
    def __init__(
        self, session: Session, settings: QSettings, demo_parent: Path | None = None
    ) -> None:
        """``demo_parent``: where the start page's demo project is made (default: the user's
        data folder)."""
        super().__init__()
        self.session = session
        self.settings = settings
        self.wheel_guard = guard_wheel(self)  # the wheel scrolls; it edits only a focused box
        self.setWindowTitle("Micro-Drama Studio")
        self.resize(1440, 900)
        self.player = PlayerView(session)
        self.editor = ScriptEditor(session)
        self.timeline = TimelineView(session, script_text=self.editor.applied_text,
                                     before_script_edit=self.editor.apply_now)  # fmt: skip
        self.review = TakeReview(session)
        self.jobs = JobsPanel(session)
        self.characters = CharacterPanel(session)
        self.assistant = AssistantActions(session, self, self.editor)
        self.languages = LanguageSwitcher(session, self)  # the language shown, and translating
        self.language_script = LanguageScript(self.editor)
        self.review.promptsWanted.connect(self.assistant.suggest_prompts)
        self.tools = WindowTools(self, session, settings, self.show_status)
        self.files = ProjectFiles(self, settings, demo_parent or _data_folder())
        self.setCentralWidget(self.files.stack)  # the start page, or the player
        self.docks = {
            name: self._dock(name, title, widget)
            for name, title, widget in (
                ("script", "Script", self.editor),
                ("outline", "Outline", self.editor.outline),
                ("timeline", "Timeline", self.timeline),
                ("review", "Takes", self.review),
                ("jobs", "Jobs", self.jobs),
                ("characters", "Characters", self.characters),
            )
        }
        window_layout.arrange(self)
        self._fitted = False  # the side columns are sized for the window on the first show
        self.banner = QLabel()
        self.statusBar().addPermanentWidget(self.banner)
        self._menus()
        keymap.apply_keys(self, keymap.saved_keys(settings))  # the keys the user rebound
        self.player.status.connect(self.show_status)
        self.editor.problem.connect(self.show_status)
        self.timeline.paths.lineWanted.connect(self.show_script_line)
        self.jobs.takeRevealed.connect(self.show_take)
        self.timeline.canvas.shot_menu.lineWanted.connect(self.show_script_line)
        self.timeline.canvas.shot_menu.use_actions(self.review.act)
        session.message.connect(self.show_status)
        session.historyChanged.connect(self._history_names)
        session.projectChanged.connect(self._title)
        session.dirtyChanged.connect(self._title)
        session.projectChanged.connect(self._project_shown)
        self.timeline.canvas.playWanted.connect(self.player.play)
        self._history_names()
        self._restore_layout()
        self._project_shown()

    # -- building -----------------------------------------------------------------------------

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")  # saveState needs stable names
        dock.setWidget(widget)
        self.addDockWidget(window_layout.PLACES[name], dock)
        return dock

    def _menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New Project from a Script…", self.files.new_dialog, "new")
        opening = self._action(file, "&Open Project…", self.files.open_dialog, "open")
        file.addMenu(self.files.recent_menu)
        file.addSeparator()
        needs_project = [
            self._action(file, "Import &Final Draft…", self.import_dialog),
            saving := self._action(file, "&Save", self.save, "save"),
            exporting := self._action(file, "&Export Episode…", self.tools.export, "export"),
            self._action(file, "&Close Project", self.files.close_project, "close"),
        ]
        file.addSeparator()
        self._action(file, "&Quit", self.close, "quit")
        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", self.session.undo, "undo")
        self.redo_action = self._action(edit, "&Redo", self.session.redo, "redo")
        edit.addSeparator()
        self._action(edit, "&Find…", self.editor.find_bar.show_find)
        self._action(edit, "&Replace…", self.editor.find_bar.show_replace)
        edit.addSeparator()
        self._action(edit, "&Settings…", self.tools.preferences, "settings")
        view = bar.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        view.addAction(self.player.safe_zone_action)
        view.addMenu(self.languages.menu)
        playback = bar.addMenu("&Playback")
        for action in self.player.actions():
            playback.addAction(action)
        for title, panel in (("&Review", self.review), ("&Jobs", self.jobs)):
            menu = bar.addMenu(title)
            for action in panel.actions():
                menu.addAction(action)
        assistant = bar.addMenu("&Assistant")
        for action in self.assistant.actions():
            assistant.addAction(action)
        needs_project += self.assistant.actions()
        tools = bar.addMenu("&Tools")
        self._action(tools, "&Models…", self.tools.models)
        needs_project.append(self._action(tools, "&Statistics…", self.tools.stats))
        self.files.project_actions = [*needs_project, *self.player.actions()]  # transport too
        helping = bar.addMenu("&Help")
        self._action(helping, "&Keyboard Shortcuts…", self.tools.shortcuts, "shortcuts")
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar-main")
        for action in (opening, saving, exporting):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addSeparator()
        for action in self.player.actions()[:1]:
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addWidget(self.languages.combo)

    def _action(
        self, menu: QMenu, text: str, slot: Callable[[], object], name: str = ""
    ) -> QAction:
        """A menu item; ``name`` is its entry in :mod:`studio.ui.keymap` (its keys)."""
        action = keymap.bind(QAction(text, self), name)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- what the user does -------------------------------------------------------------------

    def open_project(self, path: str | Path, interactive: bool = True) -> bool:
        """Open a project; whether it opened. Why not is shown in a box, or printed on
        stderr when not ``interactive`` (a screenshot run has nobody to close the box)."""
        self.editor.apply_now()  # an edit still in its debounce belongs to the old project
        self.characters.apply_now()
        try:
            problems = self.session.open(path)
        except StoreError as exc:
            if interactive:
                return self._cannot_open(path, exc)
            reason, todo = open_failure.explain(path, exc)
            print(f"studio: error: {reason}\n{todo}", file=sys.stderr)
            return False
        self.banner.setText("read-only" if self.session.folder and self.session.folder.read_only
                            else "")  # fmt: skip
        self.show_status("; ".join(problems) if problems else f"Opened {self.session.root}")
        self.tools.offer_recovery()
        return True

    def _project_shown(self) -> None:
        self.files.show_state(_LAYOUT_VERSION)
        self._fit_once()
        if self.session.project is not None:  # opened (or recovered): it and its views stay
            settle_long_lived()

    def _cannot_open(self, path: str | Path, exc: StoreError) -> bool:
        """Say why ``path`` did not open; open its newest autosave if the user asks."""
        box = open_failure.failure_box(self, path, exc)
        box.exec()
        if box.clickedButton() is None or box.clickedButton() is not box.autosave_button:
            return False
        root = resolve_root(path)
        try:
            autosave, damaged = open_failure.promote_newest_autosave(root)
        except StoreError as error:
            QMessageBox.warning(self, "Cannot open the autosave", str(error))
            return False
        try:
            problems = self.session.open(root)
        except StoreError as error:
            open_failure.put_back(root, damaged)
            QMessageBox.warning(self, "Cannot open the autosave", str(error))
            return False
        self.banner.setText("read-only" if self.session.folder.read_only else "")  # type: ignore[union-attr]
        kept = f"Opened the autosave {autosave.name}; the damaged file is kept as {damaged.name}"
        self.show_status("; ".join([kept, *problems]))
        return True

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Import a script",
            "",
            "Scripts (*.fdx *.fountain *.txt *.md);;Final Draft (*.fdx);;Text (*.txt *.md)",
        )
        if not path:
            return
        from studio.core.script.elements import ScriptError
        from studio.core.script.importer import read_script_text

        try:
            text = read_script_text(path)
        except (OSError, ScriptError) as exc:
            QMessageBox.warning(self, "Cannot import the script", str(exc))
            return
        self.editor.text_edit.setPlainText(text)  # the whole script, converted to Fountain
        if self.editor.apply_now():
            self.show_status(f"Imported {Path(path).name}")

    def save(self) -> bool:
        """Save the project; whether it was saved (why not is shown in a box)."""
        self.editor.apply_now()
        self.characters.apply_now()
        try:
            self.session.save()
        except StoreError as exc:
            QMessageBox.warning(self, "Cannot save", str(exc))
            return False
        self.show_status("Saved")
        return True

    def show_script_line(self, line: int) -> None:
        """Show the script panel with the cursor on the 1-based ``line``."""
        self.docks["script"].show()
        self.docks["script"].raise_()
        self.editor.go_to_line(line)

    def show_take(self, take_id: str) -> None:
        """Show the take review panel with ``take_id`` (of the shot selected) current."""
        self.docks["review"].show()
        self.docks["review"].raise_()
        self.review.reveal(take_id)

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 0)

    def panel(self, name: str) -> QWidget:
        """The widget of panel ``name`` (see :data:`PANELS`)."""
        if name == "player":
            return self.player
        return self.docks[name]  # type: ignore[return-value]

    def _history_names(self) -> None:
        """The Edit menu says what undo and redo would do."""
        history = self.session.history
        for action, verb, name in ((self.undo_action, "&Undo", history.undo_name),
                                   (self.redo_action, "&Redo", history.redo_name)):  # fmt: skip
            action.setText(f"{verb} {name}" if name else verb)
            action.setEnabled(bool(name) and self.session.writable)

    # -- layout -------------------------------------------------------------------------------

    def _title(self, *_: object) -> None:
        root = self.session.root
        if root is None:  # the start page
            self.setWindowTitle("Micro-Drama Studio")
            return
        self.setWindowTitle(f"{'• ' if self.session.dirty else ''}{root.name} — Micro-Drama Studio")

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self._fitted = self.restoreState(state, _LAYOUT_VERSION)  # the user's own sizes

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self._fit_once()

    def _fit_once(self) -> None:
        """The default layout's column widths, for this window's width: once, when the
        panels are first shown (not over a remembered layout)."""
        if not self._fitted and self.isVisible() and self.session.root is not None:
            self._fitted = True
            window_layout.fit(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        if not self.files.settle():  # Cancel, or a save that failed (a box said why)
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.files.layout_state(_LAYOUT_VERSION))
        self.settings.sync()
        self.player.stop()
        self.session.close()
        event.accept()


def _data_folder() -> Path:
    """The user's data folder for Micro-Drama Studio (where the demo project is made)."""
    import platformdirs

    return platformdirs.user_data_path("micro-drama-studio")
