"""The default layout on a 1440×900 and a 1920×1080 screen: the real window on a small project
keeps every panel at least its minimum (the script 45 typewriter characters wide, the outline
readable, a whole take card), hides no toolbar action where it cannot be reached, and paints a
picture that is not blank (saved as a PNG, as the README's are)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QToolBar, QToolButton, QWidget

from studio.core.request import ImageRequest
from studio.core.take import Take, TakeState
from studio.ui.main_window import MainWindow
from studio.ui.review.take_grid import TakeCard, card_height
from studio.ui.session import Session
from studio.ui.window_layout import OUTLINE_MINIMUM, SCRIPT_COLUMNS

SCREENS = [(1440, 900), (1920, 1080)]


def _on_show(widget: QWidget) -> bool:
    """Visible and not behind another tab (a tabbed dock's hidden tabs stay "visible")."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _unreachable(bar: QToolBar) -> list[str]:
    """The actions of ``bar`` neither on show nor offered by its extension button."""
    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    if extension is not None and extension.isVisible():
        return []
    return [a.iconText() for a in bar.actions() if a.isVisible() and not a.isSeparator()
            and not (bar.widgetForAction(a) and bar.widgetForAction(a).isVisible())]  # fmt: skip


def _collapsed(bar: QToolBar) -> bool:
    """Whether ``bar`` hides some of its actions behind its extension button."""
    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    return extension is not None and extension.isVisible()


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_default_layout_fits_the_screen(qtbot, project: Path, tmp_path: Path, screen) -> None:
    (tmp_path / "models").mkdir()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(models_dir=tmp_path / "models"), settings)
    qtbot.addWidget(window)
    assert window.open_project(project)
    shots = window.session.shots()
    shots[0].takes.append(Take("tk-1", request=ImageRequest(shot_id=shots[0].id, prompt="rain"),
                               state=TakeState.DONE))  # fmt: skip
    window.session.select([s.id for s in shots])  # the first shot's take; the batch row shows
    window.resize(*screen)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.size() == QSize(*screen))  # the minimums fit the screen

    shown = {name: dock for name, dock in window.docks.items() if _on_show(dock)}
    assert set(shown) == {"script", "outline", "timeline", "review"}  # jobs, characters: tabs
    for name, dock in shown.items():
        widget = dock.widget()
        least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
        assert widget.width() >= least.width() and widget.height() >= least.height(), name
    text = window.editor.text_edit
    assert text.viewport().width() >= text.fontMetrics().horizontalAdvance("x" * SCRIPT_COLUMNS)
    outline = window.editor.outline
    assert outline.width() >= OUTLINE_MINIMUM.width()
    assert outline.height() >= OUTLINE_MINIMUM.height()
    assert window.docks["script"].height() > 2 * window.docks["outline"].height()  # the text first
    grid = window.review.grid
    assert grid.viewport().height() >= card_height(grid.fontMetrics().lineSpacing())
    card = grid.cards["tk-1"]
    assert card.visibleRegion().boundingRect().size() == card.size()  # the whole card
    player = window.player
    assert player.width() >= player.minimumSizeHint().width()

    bars = [b for b in window.findChildren(QToolBar) if _on_show(b)]
    assert window.review.batch_row in bars and window.review.toolbar in bars
    for bar in bars:
        assert not _unreachable(bar), bar.objectName()
    for bar in (window.findChild(QToolBar, "toolbar-main"), *window.review.findChildren(QToolBar)):
        assert not _collapsed(bar), [a.iconText() for a in bar.actions()]

    window.review.edit_prompt()  # the prompt editor opens above the cards: they still fit
    assert window.review.prompt_row.isVisible()
    assert window.minimumSizeHint().height() <= screen[1]  # the window need not grow
    qtbot.waitUntil(lambda: window.review.height() >= window.review.minimumSizeHint().height())
    assert window.size() == QSize(*screen)
    assert card.visibleRegion().boundingRect().size() == card.size()

    image = window.grab().toImage()
    path = tmp_path / f"window-{screen[0]}x{screen[1]}.png"
    assert image.save(str(path), "PNG")
    saved = QImage(str(path))
    assert (saved.width(), saved.height()) == screen
    colours = {saved.pixel(x, y) for x in range(0, screen[0], 16) for y in range(0, screen[1], 16)}
    assert len(colours) > 40  # panels, text and pictures: not one flat colour
    window.session.dirty = False
    window.close()


def test_a_take_card_has_room_for_every_label(qtbot) -> None:
    request = ImageRequest(
        shot_id="sh-1",
        model="stabilityai/stable-diffusion-xl-base-1.0-with-a-very-long-name",
        prompt="MAYA CHEN (24), courier jacket, hair plastered by the rain, " * 3,
        seed=2147483647,
    )
    take = Take("tk-0123456789", request=request, state=TakeState.APPROVED, device="cuda:0")
    take.source_take = "tk-9"  # a lip-sync: the longest title
    card = TakeCard(take.id)
    qtbot.addWidget(card)
    card.show_take(take, None)
    card.show()
    qtbot.waitExposed(card)
    labels = (card.badge, card.title, card.summary, card.prompt, card.cost)
    for label in labels:
        wrapped = label.wordWrap()
        needed = label.heightForWidth(label.width()) if wrapped else label.sizeHint().height()
        assert label.height() >= needed, label.text()
        assert label.geometry().bottom() <= card.contentsRect().bottom()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width() or (
            label.wordWrap()
        )
    assert card.summary.text().endswith("· seed 2147483647")
    assert card.prompt.text().endswith("…") and card.toolTip() == request.prompt
