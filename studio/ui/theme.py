"""The themes: the dark one (a Fusion palette in the greys editors work in, the default) and a
light one (``apply_theme`` picks by name, as Settings stores it), and the colours the panels
share."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

BACKGROUND = QColor(0x1E, 0x1F, 0x22)
PANEL = QColor(0x2B, 0x2D, 0x31)
TEXT = QColor(0xDF, 0xE1, 0xE5)
MUTED_TEXT = QColor(0x8C, 0x90, 0x99)
ACCENT = QColor(0x4C, 0x9A, 0xFF)
ERROR = QColor(0xE0, 0x43, 0x3A)  # what stops an export (the story validator's errors)
WARNING = QColor(0xE8, 0xA3, 0x3D)  # what should be looked at


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


THEMES = ("dark", "light")  # what Settings offers; apply_theme takes these names


def apply_light_theme(app: QApplication) -> None:
    """Fusion with its own light palette and the shared accent colour."""
    app.setStyle("Fusion")
    palette = app.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT)
    palette.setColor(QPalette.ColorRole.Link, ACCENT)
    app.setPalette(palette)


def apply_theme(app: QApplication, name: str) -> None:
    """The theme called ``name`` (one of THEMES; anything else is the dark one)."""
    if name == "light":
        apply_light_theme(app)
    else:
        apply_dark_theme(app)
