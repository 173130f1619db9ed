"""The window's projects: File ▸ New (a project from a script, as ``studio new`` makes it),
Open, Open Recent and Close, the start page shown while no project is open, and the demo.

While no project is open the start page replaces the player and the panels are hidden (the
layout they had comes back with the next project, and is what the window remembers); the
actions that need a project (Save, Export…) are disabled. Before another project replaces
the open one, or Close shows the start page, unsaved changes are asked about.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QStackedWidget

from studio.core.store import PROJECT_SUFFIX, StoreError, resolve_root
from studio.ui.recent_projects import forget_project, recent_projects, remember_project
from studio.ui.start_page import StartPage

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow

SCRIPT_FILTER = "Scripts (*.fountain *.fdx *.txt *.md);;All files (*)"
Button = QMessageBox.StandardButton


class ProjectFiles(QObject):
    def __init__(self, window: MainWindow, settings: QSettings, demo_parent: Path) -> None:
        super().__init__(window)
        self.window, self.settings, self.demo_parent = window, settings, demo_parent
        self.start = StartPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start)
        self.stack.addWidget(window.player)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.project_actions: list[QAction] = []  # enabled only while a project is open
        self.panel_layout: QByteArray | None = None  # the panels' layout, while they are hidden
        self.start.newWanted.connect(self.new_dialog)
        self.start.openWanted.connect(self.open_dialog)
        self.start.demoWanted.connect(self.open_demo)
        self.start.recentWanted.connect(self.open_recent)

    # -- what is shown ------------------------------------------------------------------------

    def show_state(self, layout_version: int) -> None:
        """The project (player and panels) when one is open, else the start page."""
        window, root = self.window, self.window.session.root
        for action in self.project_actions:
            action.setEnabled(root is not None)
        if root is not None:
            remember_project(self.settings, root)
            self.stack.setCurrentWidget(window.player)
            if self.panel_layout is not None:
                window.restoreState(self.panel_layout, layout_version)
                self.panel_layout = None
            return
        if self.panel_layout is None:
            self.panel_layout = window.saveState(layout_version)
            for dock in window.docks.values():
                dock.hide()
        self.start.show_recent(recent_projects(self.settings))
        self.stack.setCurrentWidget(self.start)

    def layout_state(self, layout_version: int) -> QByteArray:
        """The layout to remember: the panels' as they were shown last."""
        return self.panel_layout or self.window.saveState(layout_version)

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = recent_projects(self.settings)
        for path in paths:
            action = menu.addAction(str(path))
            action.setEnabled(path.is_dir())
            action.triggered.connect(lambda _=False, p=str(path): self.open_recent(p))
        if not paths:
            menu.addAction("No recent projects").setEnabled(False)

    # -- asking before the open project goes ---------------------------------------------------

    def settle(self, verb: str = "closing") -> bool:
        """Ask about unsaved changes (Save, Discard or Cancel); whether to go on."""
        window, session = self.window, self.window.session
        window.editor.apply_now()  # edits still waiting for their pause are changes too
        window.characters.apply_now()
        if not session.dirty or not session.writable:
            return True
        answer = QMessageBox.question(
            window, "Unsaved changes", f"Save the changes to the project before {verb}?",
            Button.Save | Button.Discard | Button.Cancel,
        )  # fmt: skip
        if answer == Button.Cancel:
            return False
        if answer == Button.Save:
            return window.save()  # a failed save said why in a box: nothing is lost
        session.discard()
        return True

    # -- File menu and start page -------------------------------------------------------------

    def close_project(self) -> bool:
        """File ▸ Close: back to the start page (after asking about unsaved changes)."""
        if self.window.session.project is None or not self.settle():
            return False
        self.window.player.stop()
        self.window.session.close()
        self.window.show_status("Closed the project")
        return True

    def open_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self.window, "Open a project folder (.mdstudio)")
        if path and self.settle("opening another project"):
            self.window.open_project(path)

    def open_recent(self, path: str) -> bool:
        """Open a recent project; one that is gone is dropped from the list, and said so."""
        if not Path(path).is_dir():
            forget_project(self.settings, Path(path))
            self.start.show_recent(recent_projects(self.settings))
            self.window.show_status(f"{path} is no longer there: removed from the recent list")
            return False
        return self.settle("opening another project") and self.window.open_project(path)

    def open_demo(self) -> bool:
        """Open the demo project (made from the sample script the first time)."""
        from studio.app.new_project import ensure_demo

        if not self.settle("opening the demo"):
            return False
        try:
            root = ensure_demo(self.demo_parent)
        except (OSError, ValueError, StoreError) as exc:
            QMessageBox.warning(self.window, "Cannot make the demo project", str(exc))
            return False
        return self.window.open_project(root)

    def new_dialog(self) -> None:
        """Ask for a script, then for the new project's folder, and make it."""
        window = self.window
        script, _ = QFileDialog.getOpenFileName(window, "New project from a script", "",
                                                SCRIPT_FILTER)  # fmt: skip
        if not script:
            return
        suggested = str(Path(script).with_suffix(PROJECT_SUFFIX))
        root, _ = QFileDialog.getSaveFileName(window, "Where to make the project", suggested,
                                              f"Projects (*{PROJECT_SUFFIX})")  # fmt: skip
        if root and self.settle("making a new project"):
            self.new_project(Path(script), Path(root))

    def new_project(self, script: Path, root: Path) -> bool:
        """Make a project at ``root`` from ``script`` (as ``studio new``) and open it; why not
        is said in a box."""
        from studio.app.new_project import new_from_script

        root = resolve_root(root)
        try:
            new_from_script(root, script)
        except (OSError, ValueError, StoreError) as exc:  # ScriptError is a ValueError
            QMessageBox.warning(self.window, "Cannot make the project", str(exc))
            return False
        return self.window.open_project(root)
