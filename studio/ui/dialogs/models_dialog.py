"""The Models dialog: what the models folder holds, grouped by kind with each model's problems;
importing a folder or a .safetensors file into it (off the window's thread, since it copies
gigabytes); opening the folder in the file manager. Listing and installing are the engine's
(``studio.engine.registry``, ``studio.engine.model_install``); both run through
:func:`studio.ui.tasks.run_in_background`, which hands their outcome back to the window's thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.app.models import scan_models as scan
from studio.core.kinds import ModelKind
from studio.engine.chat_models import license_note
from studio.engine.model_install import import_model
from studio.engine.registry import ModelEntry, ModelError, Registry
from studio.ui.tasks import failure_text, run_in_background

KIND_NAMES = {
    ModelKind.TEXT_TO_IMAGE: "Text to image",
    ModelKind.IMAGE_TO_VIDEO: "Image to video",
    ModelKind.TEXT_TO_VIDEO: "Text to video",
    ModelKind.LORA: "LoRAs",
    ModelKind.IP_ADAPTER: "IP-Adapters",
    ModelKind.TTS: "Voices (TTS)",
    ModelKind.LIPSYNC: "Lip-sync",
    ModelKind.CHAT: "Chat (assistant)",
    ModelKind.TRANSLATION: "Translation",
    ModelKind.UNKNOWN: "Not recognised",
}
COLUMNS = ("Name", "Family", "Size", "Problems", "License")


def model_failure(exc: BaseException) -> str:
    """What a failed listing or import says: ModelError and OSError give their own message;
    anything else says it was unexpected."""
    return failure_text(exc, (ModelError, OSError))


def human_size(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


class ModelsDialog(QDialog):
    """The installed models of ``models_dir``. ``changed`` is emitted after an import."""

    changed = Signal()

    def __init__(self, models_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(760, 480)
        self.models_dir = Path(models_dir).expanduser().absolute()
        self.registry = Registry(self.models_dir)
        self.busy = False
        self.error_box: QMessageBox | None = None
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setColumnWidth(0, 260)
        self.status = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: copying has no useful fraction
        self.progress.hide()
        self.import_folder_button = QPushButton("Import &Folder…")
        self.import_file_button = QPushButton("Import F&ile…")
        self.open_button = QPushButton("&Open Models Folder")
        self.refresh_button = QPushButton("&Refresh")
        self.import_folder_button.clicked.connect(self.choose_folder)
        self.import_file_button.clicked.connect(self.choose_file)
        self.open_button.clicked.connect(self.open_folder)
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.import_folder_button, self.import_file_button, self.open_button,
                       self.refresh_button):  # fmt: skip
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addLayout(row)
        self._show_folder()
        self.refresh()

    # -- what the user does -------------------------------------------------------------------

    def refresh(self, select: str = "", note: str = "") -> None:
        """List the folder again (off the window's thread: hashing new weights takes a while),
        then select the model called ``select`` and say ``note``."""
        folder = self.models_dir
        self._start(f"Reading {folder}…", lambda: scan(folder),
                    lambda registry: self._listed(registry, select, note))  # fmt: skip

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a diffusers model folder")
        if folder:
            self._ask_name_and_import(Path(folder), Path(folder).name)

    def choose_file(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self, "Import a model file", "", "Safetensors (*.safetensors)"
        )
        if file:
            self._ask_name_and_import(Path(file), Path(file).stem)

    def import_path(self, source: Path, name: str | None = None) -> None:
        """Install ``source`` (a diffusers folder or a .safetensors file) as ``name`` (default:
        its own name), then list the folder again with it selected."""
        root = self.models_dir

        def work() -> ModelEntry:
            return import_model(source, root, name or None)

        self._start(f"Importing {Path(source).name}…", work, self._imported)

    def open_folder(self) -> None:
        """Show the models folder in the file manager (made first if it does not exist)."""
        try:
            self.models_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._error(f"Cannot make the models folder {self.models_dir}: {exc.strerror or exc}")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.models_dir))):
            self._error(f"No file manager could open {self.models_dir}")

    def entry_names(self, kind: ModelKind | None = None) -> list[str]:
        """The names listed (under ``kind`` only, if given), as shown."""
        names = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if kind is None or group.data(0, Qt.ItemDataRole.UserRole) == kind:
                names += [group.child(k).text(0) for k in range(group.childCount())]
        return names

    # -- inside -------------------------------------------------------------------------------

    def _ask_name_and_import(self, source: Path, default: str) -> None:
        name, ok = QInputDialog.getText(
            self, "Import model", "Name it:", QLineEdit.EchoMode.Normal, default
        )
        if ok and name.strip():
            self.import_path(source, name.strip())

    def _start(self, message: str, work: Callable[[], object],
               then: Callable[[object], None]) -> None:  # fmt: skip
        if self.busy:
            return
        self._set_busy(True, message)
        run_in_background(self, work, then, self._failed, name="studio-models")

    def _listed(self, registry: object, select: str, note: str) -> None:
        assert isinstance(registry, Registry)
        self.registry = registry
        count = f"{len(registry)} models" if len(registry) else "No models yet"
        self._set_busy(False, note or count)
        self._show_folder()
        self.tree.clear()
        for kind in ModelKind:
            entries = registry.of_kind(kind)
            if not entries:
                continue
            group = QTreeWidgetItem([f"{KIND_NAMES[kind]} ({len(entries)})"])
            group.setData(0, Qt.ItemDataRole.UserRole, kind)
            self.tree.addTopLevelItem(group)
            for entry in entries:
                item = QTreeWidgetItem([entry.name, entry.family, human_size(entry.size),
                                        "; ".join(entry.problems), entry.license])  # fmt: skip
                item.setToolTip(0, str(entry.path))
                item.setToolTip(4, license_note(entry.license) or entry.license)
                item.setToolTip(3, "\n".join(entry.problems))
                if entry.problems:
                    item.setForeground(3, self.palette().brightText())
                group.addChild(item)
                if entry.name == select:
                    self.tree.setCurrentItem(item)
            group.setExpanded(True)

    def _imported(self, entry: object) -> None:
        assert isinstance(entry, ModelEntry)
        self._set_busy(False, "")
        self.changed.emit()
        self.refresh(select=entry.name, note=f"Imported {entry.name} ({KIND_NAMES[entry.kind]})")

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False, "")
        self._error(model_failure(exc))

    def _set_busy(self, busy: bool, message: str) -> None:
        self.busy = busy
        self.status.setText(message)
        self.progress.setVisible(busy)
        for button in (self.import_folder_button, self.import_file_button, self.refresh_button):
            button.setEnabled(not busy)

    def _show_folder(self) -> None:
        note = "" if self.models_dir.is_dir() else " (not made yet: importing makes it)"
        self.folder_label.setText(f"Models folder: {self.models_dir}{note}")

    def _error(self, message: str) -> None:
        """Say what went wrong in a window-modal box (it does not block the caller)."""
        self.status.setText(message)
        self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Models", message,
                                     QMessageBox.StandardButton.Ok, self)  # fmt: skip
        self.error_box.open()
