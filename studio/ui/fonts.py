"""The fonts shipped in ``resources/fonts`` (WenQuanYi Micro Hei: Chinese, Japanese, Korean),
registered with Qt at start, so script text, shot labels and job rows in those scripts show
their characters on a machine with no CJK font instead of empty boxes (Qt falls back to a
registered font for characters the chosen one lacks)."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from studio.core.resources import resources_dir

FONT_SUFFIXES = (".ttf", ".ttc", ".otf")
MAX_FONTS = 16  # a resources folder is ours, but bound what is read at start anyway


def install_fonts() -> list[str]:
    """Register the bundled fonts; the font families added (none when the folder is missing
    or a file cannot be read: the window still opens)."""
    folder = resources_dir() / "fonts"
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES)
    except OSError:
        return []
    families: list[str] = []
    for path in files[:MAX_FONTS]:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families
