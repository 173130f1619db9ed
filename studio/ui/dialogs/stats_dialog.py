"""The Stats dialog: per episode, how many shots, takes and approvals, the usable rate and the
GPU-seconds spent per approved minute, with the whole project's totals last. The figures are
``studio.core.stats``'s (the same as ``studio stats``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core.model import Project
from studio.core.stats import EpisodeStats, episode_stats, totals

HEADERS = (
    "Episode",
    "Shots",
    "Approved",
    "Takes",
    "Usable rate",
    "GPU-s",
    "Approved min",
    "GPU-s / approved min",
)
EXPLANATION = (
    "Usable rate: approved shots ÷ finished takes. GPU-s / approved min: GPU-seconds spent on "
    "the episode's takes per minute of approved screen time."
)


def stats_row(figures: EpisodeStats) -> list[str]:
    """The table's cells for one episode (``episode`` 0: the totals)."""
    rate = figures.usable_rate
    cost = figures.gpu_seconds_per_approved_minute
    return [
        str(figures.episode) if figures.episode else "All",
        str(figures.shots),
        str(figures.approved_shots),
        str(figures.generated_takes),
        "–" if rate is None else f"{rate:.0%}",
        f"{figures.gpu_seconds:.1f}",
        f"{figures.approved_minutes:.2f}",
        "–" if cost is None else f"{cost:.1f}",
    ]


class StatsDialog(QDialog):
    """The figures of ``project`` as they are when it opens (``refresh`` to read them again)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stats")
        self.resize(760, 320)
        self.project = project
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        note = QLabel(EXPLANATION)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        figures = episode_stats(self.project)
        rows = [stats_row(f) for f in figures]
        if len(figures) > 1:
            rows.append(stats_row(totals(figures)))
        self.table.setRowCount(len(rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(right)
                self.table.setItem(r, c, item)

    def cell(self, row: int, header: str) -> str:
        """The text shown in ``row`` under ``header``."""
        item = self.table.item(row, HEADERS.index(header))
        return item.text() if item is not None else ""
