"""A character's reference images in the bible: the approved ones (import, remove) and the
generated candidates waiting for approval (generate, approve), as strips of thumbnails.

Thumbnails are read and scaled off the GUI thread by :class:`ImageThumbs` and cached by path,
size and modification time. Every change goes through :mod:`studio.ui.actions` (undoable).
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.app.results import Recorded
from studio.core.targets import ReferenceTarget
from studio.engine.jobs import JobState
from studio.ui import actions
from studio.ui.session import Session

STRIP_SIZE = 96  # px: the longer side of a thumbnail in a strip
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp)"


class ImageThumbs(QObject):
    """Scaled images of files, made in a background thread; ``ready`` when one arrives."""

    ready = Signal()
    _made = Signal(object, object)  # (key, QImage | None), from the worker thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache: dict[tuple[str, int, int], QImage | None] = {}
        self._pending: set[tuple[str, int, int]] = set()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="reference-thumbs")
        self._made.connect(self._store)
        pool = self._pool
        self.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))

    def image(self, path: Path, size: int) -> QImage | None:
        """The image at ``path`` fitted in ``size`` px if made; else None (and it is being made)."""
        try:
            key = (str(path), size, os.stat(path).st_mtime_ns)
        except OSError:
            return None
        if key in self._cache:
            return self._cache[key]
        if key not in self._pending:
            self._pending.add(key)
            self._pool.submit(self._make, key)
        return None

    def busy(self) -> bool:
        return bool(self._pending)

    def _make(self, key: tuple[str, int, int]) -> None:
        reader = QImageReader(key[0])
        reader.setAutoTransform(True)
        image = reader.read()
        if not image.isNull():
            image = image.scaled(key[1], key[1], Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)  # fmt: skip
        with contextlib.suppress(RuntimeError):  # deleted meanwhile
            self._made.emit(key, None if image.isNull() else image)

    def _store(self, key: tuple[str, int, int], image: QImage | None) -> None:
        self._pending.discard(key)
        self._cache[key] = image
        self.ready.emit()


class ImageStrip(QListWidget):
    """Thumbnails of project-relative images in a row; each item's data is its path."""

    def __init__(self, thumbs: ImageThumbs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbs = thumbs
        self.root: Path | None = None
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(STRIP_SIZE, STRIP_SIZE))
        self.setGridSize(QSize(STRIP_SIZE + 12, STRIP_SIZE + 24))
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setFixedHeight(STRIP_SIZE + 40)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        thumbs.ready.connect(self._icons)

    def show_images(self, root: Path | None, rels: list[str]) -> None:
        self.root = root
        if self.paths() == rels:
            self._icons()
            return
        chosen = set(self.chosen())
        self.clear()
        for rel in rels:
            item = QListWidgetItem(Path(rel).name)
            item.setData(Qt.ItemDataRole.UserRole, rel)
            item.setToolTip(rel)
            self.addItem(item)
            item.setSelected(rel in chosen)
        self._icons()

    def paths(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def chosen(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.selectedItems()]

    def _icons(self) -> None:
        for i in range(self.count()):
            item = self.item(i)
            if self.root is not None and item.icon().isNull():
                image = self.thumbs.image(self.root / item.data(Qt.ItemDataRole.UserRole),
                                          STRIP_SIZE)  # fmt: skip
                if image is not None:
                    item.setIcon(QIcon(QPixmap.fromImage(image)))


class ReferencesBox(QWidget):
    """The approved references and the candidates of one character, with their buttons."""

    def __init__(self, session: Session, thumbs: ImageThumbs, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.name = ""
        self.approved = ImageStrip(thumbs)
        self.candidates = ImageStrip(thumbs)
        self.import_button = QPushButton("Import…")
        self.remove_button = QPushButton("Remove")
        self.generate_button = QPushButton("Generate")
        self.count = QSpinBox()
        self.count.setRange(1, 8)
        self.count.setValue(4)
        self.count.setToolTip("How many stills to generate")
        self.approve_button = QPushButton("Approve")
        self.waiting = QLabel()  # "2 generating…"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Reference images"))
        layout.addWidget(self.approved)
        layout.addLayout(_row(self.import_button, self.remove_button))
        layout.addWidget(QLabel("Candidates"))
        layout.addWidget(self.candidates)
        layout.addLayout(_row(self.generate_button, self.count, self.approve_button, self.waiting))
        self.import_button.clicked.connect(self.import_dialog)
        self.remove_button.clicked.connect(self.remove_chosen)
        self.generate_button.clicked.connect(self.generate)
        self.approve_button.clicked.connect(self.approve_chosen)
        self.candidates.itemDoubleClicked.connect(lambda item: self.approve_chosen())
        self.approved.itemSelectionChanged.connect(self._enable)
        self.candidates.itemSelectionChanged.connect(self._enable)
        session.resultRecorded.connect(self._recorded)
        session.jobEvent.connect(lambda _event: self._count_waiting())

    def set_character(self, name: str) -> None:
        self.name = name
        self.refresh()

    def refresh(self) -> None:
        from studio.app.references import candidates

        project, root = self.session.project, self.session.root
        character = project.character(self.name) if project is not None else None
        approved = list(character.reference_images) if character is not None else []
        waiting = candidates(root, character) if character is not None and root else []
        self.approved.show_images(root, approved)
        self.candidates.show_images(root, waiting)
        self._count_waiting()
        self._enable()

    def import_files(self, paths: list[str]) -> None:
        for path in paths:
            if actions.import_reference(self.session, self.name, path):
                self.session.message.emit(f"imported {Path(path).name} as a reference of "
                                          f"{self.name}")  # fmt: skip

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, f"Import references of {self.name}",
                                                "", IMAGE_FILTER)  # fmt: skip
        self.import_files(paths)

    def remove_chosen(self) -> None:
        for rel in self.approved.chosen():
            actions.remove_reference(self.session, self.name, rel)

    def generate(self) -> None:
        jobs = actions.references(self.session, self.name, count=self.count.value())
        if jobs:
            self.session.message.emit(f"generating {len(jobs)} references of {self.name}")
        self._count_waiting()

    def approve_chosen(self) -> None:
        for rel in self.candidates.chosen():
            actions.approve_reference(self.session, self.name, rel)

    def _recorded(self, recorded: Recorded) -> None:
        if recorded.what == "reference" and recorded.character == self.name:
            self.refresh()

    def _count_waiting(self) -> None:
        runner = self.session.runner
        target = ReferenceTarget(self.name)
        live = (JobState.QUEUED, JobState.RUNNING, JobState.PAUSED)
        n = sum(1 for j in runner.jobs() if j.request.target == target and j.state in live) \
            if runner is not None and self.name else 0  # fmt: skip
        self.waiting.setText(f"{n} generating…" if n else "")

    def _enable(self) -> None:
        editable = self.session.writable and bool(self.name)
        self.import_button.setEnabled(editable)
        self.remove_button.setEnabled(editable and bool(self.approved.chosen()))
        self.generate_button.setEnabled(editable and self.session.runner is not None)
        self.count.setEnabled(editable)
        self.approve_button.setEnabled(editable and bool(self.candidates.chosen()))


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
