"""What the window's menus open besides its panels: the Export, Models, Stats, Settings and
Help dialogs, the autosave timer, and the offer to recover an autosave after a crash.

Dialogs are opened without blocking (``show``/``open``), so the window keeps painting and jobs
keep reporting while one is up; each is kept on an attribute for as long as it is open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from studio.app.executors import ExecutorChoice
from studio.app.planner import Choice
from studio.core.kinds import Backend
from studio.core.store import StoreError
from studio.ui.dialogs.preferences import Preferences
from studio.ui.session import Session


class WindowTools(QObject):
    def __init__(
        self, window: QMainWindow, session: Session, settings: QSettings, status: Callable
    ) -> None:
        super().__init__(window)
        self.window, self.session, self.settings = window, session, settings
        self.status = status
        self.prefs = Preferences.load(settings)
        session.generation = self.generation_choice()
        session.executor = self.prefs.executor_choice()
        self.refresh_models()
        self.dialog: object = None  # the dialog open now (one at a time)
        self.recover_box: QMessageBox | None = None
        self.error_box: QMessageBox | None = None  # why a recovery failed
        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(session.autosaver.start)
        self._restart_autosave()
        session.autosaved.connect(lambda path: status(f"Autosaved ({Path(path).name})"))

    def generation_choice(self) -> Choice:
        """The model chosen in the Settings, for every generate button (shots, references)."""
        if self.prefs.backend == Backend.DIFFUSERS and self.prefs.model:
            return Choice(model=self.prefs.model)
        return Choice()

    def refresh_models(self) -> None:
        """Read the models folder in the background for the generate buttons (so planning a
        job never reads it on the GUI thread); until it is read they read it themselves."""
        from studio.app.models import scan_models
        from studio.ui.tasks import run_in_background

        folder = self.session.models_dir

        def read() -> object:
            return scan_models(folder)

        def keep(registry: object) -> None:
            if self.session.models_dir == folder:  # still the folder in use
                self.session.registry = registry  # type: ignore[assignment]

        # A folder that cannot be read is not an error here: the generate buttons then read it
        # themselves and say why in the status bar.
        run_in_background(self, read, keep, lambda exc: None, name="studio-models-read")

    # -- dialogs --------------------------------------------------------------------------------

    def export(self) -> None:
        from studio.ui.dialogs.export_dialog import ExportDialog

        session = self.session
        if session.root is None or session.project is None:
            self.status("Open a project to export it")
            return
        self._show(ExportDialog(session.root, session.project, session.episode_number, self.window))

    def models(self) -> None:
        from studio.ui.dialogs.models_dialog import ModelsDialog

        dialog = ModelsDialog(self.prefs.models_path(), self.window)
        dialog.finished.connect(lambda *_: self.refresh_models())  # models added or removed
        self._show(dialog)

    def stats(self) -> None:
        from studio.ui.dialogs.stats_dialog import StatsDialog

        if self.session.project is None:
            self.status("Open a project to see its statistics")
            return
        self._show(StatsDialog(self.session.project, self.window))

    def preferences(self) -> None:
        from studio.ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.window)
        dialog.saved.connect(self._apply_preferences)
        self._show(dialog)

    def shortcuts(self) -> None:
        from studio.ui.dialogs.help_dialog import HelpDialog, window_shortcuts

        groups = window_shortcuts(self.window)  # keys can be rebound there, kept in settings
        self._show(HelpDialog(groups, self.window, settings=self.settings, root=self.window))

    def _move_jobs(self, choice: ExecutorChoice) -> list[str]:
        """Jobs run on ``choice`` from now on, the open project's too; lines for the status."""
        session = self.session
        if choice == session.executor:
            return []
        session.executor = choice
        if session.runner is None:
            return [f"jobs will run on {choice.describe()}"]
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the worker stops first
        try:
            notes = session.runner.use(choice)
        finally:
            QApplication.restoreOverrideCursor()
        return notes or [f"jobs run on {choice.describe()} now"]

    def _show(self, dialog: object) -> None:
        self.dialog = dialog
        dialog.show()  # type: ignore[attr-defined]

    def _apply_preferences(self, prefs: Preferences) -> None:
        from studio.ui.theme import apply_theme

        self.prefs = prefs
        self.session.generation = self.generation_choice()
        lines = self._move_jobs(prefs.executor_choice())
        apply_theme(QApplication.instance(), prefs.theme)  # type: ignore[arg-type]
        self._restart_autosave()
        if self.session.models_dir != prefs.models_path():
            self.session.models_dir = prefs.models_path()
            self.session.registry = None
            lines.append("the models folder applies to the next project opened")
        self.status("; ".join(["Settings saved", *lines]))
        self.refresh_models()  # a model chosen may have been installed since it was last read

    def _restart_autosave(self) -> None:
        self.autosave_timer.start(self.prefs.autosave_minutes * 60_000)

    # -- recovery -------------------------------------------------------------------------------

    def offer_recovery(self) -> None:
        """After a crash, ask (without blocking) whether to recover the newest autosave."""
        folder = self.session.folder
        found = folder.recoverable() if folder is not None and not folder.read_only else None
        if found is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Recover unsaved changes?",
            f"The project was not closed cleanly last time. Recover the changes autosaved in "
            f"{found.name}?\n\nRecovering opens them unsaved; project.json stays as it is "
            "until you save.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Recover")
        box.button(QMessageBox.StandardButton.No).setText("Keep the Saved Project")
        box.accepted.connect(lambda: self._recover(found))
        self.recover_box = box
        box.open()

    def _recover(self, autosave: Path) -> None:
        try:
            problems = self.session.recover(autosave)
        except StoreError as exc:  # said in a box that does not block (kept while it is open)
            self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Cannot recover", str(exc),
                                         QMessageBox.StandardButton.Ok, self.window)  # fmt: skip
            self.error_box.open()
            return
        self.status("; ".join(problems) if problems else f"Recovered {autosave.name} (unsaved)")
