"""The Settings dialog: the models folder, the default backend and model, the autosave interval,
the theme, and where jobs run (the local worker, or the Ray farm: its cluster address and
worker count). OK checks the choices, then stores them (``Preferences.save``) and emits
``saved``; the window applies them (where jobs run: from the next project opened)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.app.executors import KINDS, RAY
from studio.app.models import scan_models as scan
from studio.core.kinds import PIPELINE_KINDS, Backend
from studio.engine.models_dir import models_dir
from studio.engine.registry import Registry
from studio.ui.dialogs.models_dialog import model_failure
from studio.ui.dialogs.preferences import AUTOSAVE_MINUTES, BACKENDS, FARM_WORKERS, Preferences
from studio.ui.tasks import run_in_background
from studio.ui.theme import THEMES


class SettingsDialog(QDialog):
    """Edit the preferences stored in ``settings``; ``saved`` carries them after OK."""

    saved = Signal(object)  # Preferences

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self.settings = settings
        self.preferences = Preferences.load(settings)
        self.scanning = False
        self._scanned = ""  # the folder whose models the model list shows
        prefs = self.preferences
        self.models_folder = QLineEdit(prefs.models_dir)
        self.models_folder.setPlaceholderText(f"default: {models_dir()}")
        self.models_folder.editingFinished.connect(self.list_models)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.models_folder, 1)
        folder_row.addWidget(browse)
        self.backend = QComboBox()
        self.backend.addItems(list(BACKENDS))
        self.backend.setCurrentText(prefs.backend)
        self.backend.currentTextChanged.connect(self._backend_chosen)
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setCurrentText(prefs.model)
        self.autosave = QSpinBox()
        self.autosave.setRange(*AUTOSAVE_MINUTES)
        self.autosave.setSuffix(" min")
        self.autosave.setValue(prefs.autosave_minutes)
        self.theme = QComboBox()
        self.theme.addItems(list(THEMES))
        self.theme.setCurrentText(prefs.theme)
        self.executor = QComboBox()
        self.executor.addItems(list(KINDS))
        self.executor.setCurrentText(prefs.executor)
        self.executor.setToolTip("local: this machine's worker; ray: the render farm, one worker "
                                 "per GPU (from the next project opened)")  # fmt: skip
        self.executor.currentTextChanged.connect(self._executor_chosen)
        self.ray_address = QLineEdit(prefs.ray_address)
        self.ray_address.setPlaceholderText("default: a local Ray with this machine's GPUs")
        self.ray_workers = QSpinBox()
        self.ray_workers.setRange(*FARM_WORKERS)
        self.ray_workers.setSpecialValueText("one per GPU")
        self.ray_workers.setValue(prefs.ray_workers)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #ff5555")
        form = QFormLayout()
        form.addRow("Models folder", folder_row)
        form.addRow("Default backend", self.backend)
        form.addRow("Default model", self.model)
        form.addRow("Autosave every", self.autosave)
        form.addRow("Theme", self.theme)
        form.addRow("Run jobs on", self.executor)
        form.addRow("Ray cluster", self.ray_address)
        form.addRow("Farm workers", self.ray_workers)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._backend_chosen(prefs.backend)
        self._executor_chosen(prefs.executor)
        self.list_models()

    def edited(self) -> Preferences:
        """The preferences as the form shows them (not yet checked or stored)."""
        farm = self.executor.currentText() == RAY
        return Preferences(
            models_dir=self.models_folder.text().strip(),
            backend=self.backend.currentText(),
            model=self.model.currentText().strip()
            if self.backend.currentText() == Backend.DIFFUSERS else "",
            autosave_minutes=self.autosave.value(),
            theme=self.theme.currentText(),
            executor=self.executor.currentText(),
            ray_address=self.ray_address.text().strip() if farm else "",
            ray_workers=self.ray_workers.value() if farm else 0,
        )  # fmt: skip

    def check(self, prefs: Preferences) -> str:
        """What is wrong with ``prefs``, in one line; "" when nothing is."""
        if prefs.models_dir and not Path(prefs.models_dir).expanduser().is_dir():
            return f"The models folder {prefs.models_dir} does not exist: choose an existing folder"
        if prefs.backend == Backend.DIFFUSERS and not prefs.model:
            return "Choose the default model for the diffusers backend (see Models)"
        if prefs.executor == RAY:
            from studio.engine.ray_cluster import INSTALL_HINT, ray_installed

            if not ray_installed():
                return INSTALL_HINT[0].upper() + INSTALL_HINT[1:]
        return ""

    def accept(self) -> None:
        """Store the preferences if they are right; else say what is wrong and stay open."""
        prefs = self.edited()
        problem = self.check(prefs)
        self.problem.setText(problem)
        if problem:
            return
        prefs.save(self.settings)
        if self.settings.status() != QSettings.Status.NoError:
            self.problem.setText(f"Cannot write the settings file {self.settings.fileName()}")
            return
        self.preferences = prefs
        self.saved.emit(prefs)
        super().accept()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Models folder", str(self.edited().models_path())
        )
        if folder:
            self.models_folder.setText(folder)
            self.list_models()

    def list_models(self) -> None:
        """Offer the pipelines installed in the chosen folder as default models (listed off the
        window's thread)."""
        folder = self.edited().models_path()
        if self.scanning or str(folder) == self._scanned:
            return
        self.scanning = True
        self._scanned = str(folder)
        run_in_background(self, lambda: scan(folder), self._listed, self._not_listed,
                          name="studio-models")  # fmt: skip

    def _listed(self, registry: object) -> None:
        assert isinstance(registry, Registry)
        self.scanning = False
        typed = self.model.currentText()
        self.model.clear()
        self.model.addItems([e.name for e in registry if e.kind in PIPELINE_KINDS])
        self.model.setCurrentText(typed)
        if str(self.edited().models_path()) != self._scanned:
            self.list_models()  # the folder changed while it was read

    def _not_listed(self, exc: Exception) -> None:
        self.scanning = False
        self.problem.setText(f"Cannot list the models: {model_failure(exc)}")

    def _backend_chosen(self, backend: str) -> None:
        self.model.setEnabled(backend == Backend.DIFFUSERS)

    def _executor_chosen(self, executor: str) -> None:
        for field in (self.ray_address, self.ray_workers):
            field.setEnabled(executor == RAY)
