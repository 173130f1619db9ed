"""What the window shows when no project is open: make a project from a script, open one, one of
the recent projects (the most recent first; one whose folder is gone is greyed and says so), or
the demo. The page only asks: the window does the opening (:mod:`studio.ui.project_files`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.store import PROJECT_FILE, PROJECT_SUFFIX

MISSING = "missing"


class StartPage(QWidget):
    newWanted = Signal()  # New Project from a Script…
    openWanted = Signal()  # Open Project…
    demoWanted = Signal()  # Open the Demo
    recentWanted = Signal(str)  # a recent project's folder

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start-page")
        title = QLabel("<h1>Micro-Drama Studio</h1>"
                       "<p>Vertical micro-drama episodes from a script.</p>")  # fmt: skip
        self.new_button = QPushButton("New Project from a Script…")
        self.open_button = QPushButton("Open Project…")
        self.demo_button = QPushButton("Open the Demo")
        buttons = QVBoxLayout()
        for button, signal in ((self.new_button, self.newWanted),
                               (self.open_button, self.openWanted),
                               (self.demo_button, self.demoWanted)):  # fmt: skip
            button.setMinimumHeight(36)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.recent = QListWidget()
        self.recent.setObjectName("recent-projects")
        self.recent.setSpacing(4)
        self.recent.itemActivated.connect(self._activated)
        self.empty = QLabel("No recent projects yet.")
        self.empty.setEnabled(False)
        recent = QVBoxLayout()
        recent.addWidget(QLabel("<b>Recent projects</b>"))
        recent.addWidget(self.recent, 1)
        recent.addWidget(self.empty, 1, Qt.AlignmentFlag.AlignTop)
        row = QHBoxLayout()
        row.addLayout(buttons, 1)
        row.addSpacing(24)
        row.addLayout(recent, 2)
        column = QVBoxLayout()
        column.addWidget(title)
        column.addSpacing(12)
        column.addLayout(row, 1)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(860)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        outer.addWidget(box, 4)
        outer.addStretch(1)

    def show_recent(self, paths: list[Path]) -> None:
        """List ``paths`` (the most recent first); a folder that is no longer a project is
        greyed, says it is missing, and cannot be chosen."""
        self.recent.clear()
        for path in paths:
            name = path.name.removesuffix(PROJECT_SUFFIX)
            item = QListWidgetItem(f"{name}\n{path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            if not (path / PROJECT_FILE).is_file():
                item.setText(f"{name} ({MISSING})\n{path.parent}")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(f"{path} is no longer there (moved or deleted)")
            else:
                item.setToolTip(str(path))
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.empty.setVisible(not paths)

    def _activated(self, item: QListWidgetItem) -> None:
        if item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.recentWanted.emit(item.data(Qt.ItemDataRole.UserRole))
