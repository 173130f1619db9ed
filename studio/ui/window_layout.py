"""The window's default layout, and the least room each panel may shrink to.

The default, made for a 1440×900 screen and growing with a larger one: the outline above the
script on the left, the player in the middle, the takes on the right with the jobs and the
characters as tabs beside them, the timeline along the bottom. On the first show the side
columns take a share of the window's width (:data:`SIDE_SHARES`), never less than their
minimum; the player gets the rest.

The minimums (:func:`minimums`) hold whatever the user or a remembered layout does: the script
keeps :data:`SCRIPT_COLUMNS` characters of its typewriter face on a line, the outline a readable
scene heading, the take review one whole card and its toolbars uncollapsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow

SCRIPT_COLUMNS = 45  # characters a script line shows at the script panel's narrowest
OUTLINE_MINIMUM = QSize(160, 100)
OUTLINE_SHARE = 0.25  # the outline's share of the left column's height, at first
SIDE_SHARES = (0.26, 0.31)  # (left, right) columns' share of the window's width, at first
AREA = Qt.DockWidgetArea
PLACES = {  # panel -> where its dock goes
    "script": AREA.LeftDockWidgetArea,
    "outline": AREA.LeftDockWidgetArea,
    "timeline": AREA.BottomDockWidgetArea,
    "review": AREA.RightDockWidgetArea,
    "jobs": AREA.RightDockWidgetArea,
    "characters": AREA.RightDockWidgetArea,
}


def arrange(window: MainWindow) -> None:
    """Stack the outline over the script, tab the jobs and characters beside the takes (the
    takes in front), and set every panel's minimum size."""
    docks = window.docks
    window.splitDockWidget(docks["outline"], docks["script"], Qt.Orientation.Vertical)
    window.tabifyDockWidget(docks["review"], docks["jobs"])
    window.tabifyDockWidget(docks["jobs"], docks["characters"])
    docks["review"].raise_()
    for name, size in minimums(window).items():
        docks[name].widget().setMinimumSize(size)


def fit(window: MainWindow) -> None:
    """Size the side columns for the window's width (at least their minimums)."""
    docks, width = window.docks, window.width()
    left, right = docks["script"], docks["review"]
    sizes = [max(round(width * share), dock.minimumSizeHint().width())
             for share, dock in zip(SIDE_SHARES, (left, right), strict=True)]  # fmt: skip
    window.resizeDocks([left, right], sizes, Qt.Orientation.Horizontal)
    column = [round(window.height() * OUTLINE_SHARE), round(window.height() * (1 - OUTLINE_SHARE))]
    window.resizeDocks([docks["outline"], docks["script"]], column, Qt.Orientation.Vertical)
    window.layout().activate()  # now, not at the next event: a screenshot taken next sees it


def minimums(window: MainWindow) -> dict[str, QSize]:
    """The least size of the script's and the outline's widgets, by panel name (the take
    review's is its own: a card and its toolbars, :mod:`studio.ui.review.take_review`)."""
    text = window.editor.text_edit
    frame = 2 * text.frameWidth() + 2 * round(text.document().documentMargin())
    scroll = text.verticalScrollBar().sizeHint().width()
    columns = text.fontMetrics().horizontalAdvance("x" * SCRIPT_COLUMNS)
    return {
        "script": QSize(columns + frame + scroll, 8 * text.fontMetrics().lineSpacing()),
        "outline": OUTLINE_MINIMUM,
    }
