"""The find bar in a narrow script panel: its search and replace fields keep room to type in
(the panel is held at the bar's width) instead of collapsing to nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from studio.ui.script.find_bar import FIELD_CHARS, FindBar


def test_the_fields_keep_their_width_in_a_narrow_panel(qtbot) -> None:
    panel = QWidget()
    qtbot.addWidget(panel)
    editor = QPlainTextEdit("Rain hammers the glass.\nMAYA\nI'm just here for a delivery.")
    bar = FindBar(editor)
    column = QVBoxLayout(panel)
    column.addWidget(editor)
    column.addWidget(bar)
    panel.resize(120, 300)  # far narrower than the bar's buttons and fields
    panel.show()
    qtbot.waitExposed(panel)
    bar.show_replace()
    qtbot.waitUntil(bar.replace_edit.isVisible)
    room = bar.find_edit.fontMetrics().averageCharWidth() * FIELD_CHARS
    for field in (bar.find_edit, bar.replace_edit):
        assert field.width() >= room
        assert field.visibleRegion().boundingRect().width() >= room  # not clipped by the panel
    assert panel.width() >= bar.minimumSizeHint().width()
    bar.find_edit.setText("delivery")
    assert bar.find_next() and editor.textCursor().selectedText() == "delivery"
