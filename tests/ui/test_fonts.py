"""The bundled CJK font is registered at start, so Chinese script text has glyphs in the
window's own fonts (the script editor's typewriter face and the panels' font) even on a
machine with no CJK font of its own."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from studio.ui.fonts import install_fonts
from studio.ui.script.script_editor import ScriptEditor


def test_chinese_text_has_glyphs_once_the_bundled_fonts_are_installed(qtbot, session):
    assert "WenQuanYi Micro Hei" in install_fonts()
    editor = ScriptEditor(session)
    qtbot.addWidget(editor)
    for font in (editor.font(), QApplication.font()):
        metrics = QFontMetrics(font)
        assert all(metrics.inFontUcs4(ord(ch)) for ch in "林晓：你还敢回来？")
        assert metrics.inFontUcs4(ord("A"))
