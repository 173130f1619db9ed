"""The dark theme: a Fusion palette in the greys editors work in, and the state colours the
panels share."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

BACKGROUND = QColor(0x1E, 0x1F, 0x22)
PANEL = QColor(0x2B, 0x2D, 0x31)
TEXT = QColor(0xDF, 0xE1, 0xE5)
MUTED_TEXT = QColor(0x8C, 0x90, 0x99)
ACCENT = QColor(0x4C, 0x9A, 0xFF)


def apply_dark_theme(app: QApplication) -> None:
    """Fusion with a dark palette (the default look of the window)."""
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: PANEL,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BACKGROUND,
        QPalette.ColorRole.AlternateBase: PANEL,
        QPalette.ColorRole.ToolTipBase: PANEL,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: PANEL,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.BrightText: QColor(0xFF, 0x55, 0x55),
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: QColor(0xFF, 0xFF, 0xFF),
        QPalette.ColorRole.PlaceholderText: MUTED_TEXT,
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, MUTED_TEXT)
    app.setPalette(palette)
