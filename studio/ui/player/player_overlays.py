"""What the preview player draws on its :class:`Screen`: the picture in its 9:16 box, the
captions in the house style, and the platforms' safe zones.

Captions look as :mod:`studio.media.subtitles` burns them: bold white sans with a black outline
and a soft shadow, centred, the last line above the bottom 35 % of the frame, one font size for
the whole episode. The safe zones shade what a platform's buttons and text cover.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from studio.media.subtitles import SAFE_BOTTOM, default_family

SAFE_ZONES = {  # the covered margins, fractions of the frame: top, bottom, left, right
    "TikTok": (150 / 1920, 440 / 1920, 0.0, 150 / 1080),  # at 1080×1920: 150, 440, 0, 150 px
    "Reels": (0.14, 0.35, 0.06, 0.06),
}
BACKGROUND = QColor(10, 10, 10)
NO_PICTURE = QColor(28, 28, 28)


class Screen(QWidget):
    """The picture area: ``paint(painter)`` draws it, ``resized()`` hears of new sizes."""

    def __init__(
        self, parent: QWidget, paint: Callable[[QPainter], None], resized: Callable[[], None]
    ) -> None:
        super().__init__(parent)
        self._paint, self._resized = paint, resized
        self.setMinimumSize(90, 160)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        self._paint(painter)
        painter.end()

    def resizeEvent(self, _event: object) -> None:
        self._resized()


def picture_rect(area: QRectF) -> QRectF:
    """The largest 9:16 box centred in ``area``."""
    height = min(area.height(), area.width() * 16 / 9)
    width = height * 9 / 16
    return QRectF(area.center().x() - width / 2, area.center().y() - height / 2, width, height)


def draw_picture(painter: QPainter, box: QRectF, image: np.ndarray | None) -> None:
    """An RGB uint8 frame scaled into ``box`` (a dark box when there is none)."""
    if image is None:
        painter.fillRect(box, NO_PICTURE)
        return
    h, w = image.shape[:2]
    qimage = QImage(image.data, w, h, image.strides[0], QImage.Format.Format_RGB888)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(box, qimage)


def draw_captions(
    painter: QPainter, box: QRectF, lines: Sequence[str], size: int, language: str = ""
) -> None:
    """Caption ``lines`` at ``size`` pixels (:func:`studio.media.subtitles.caption_size` for
    the box) in the house style."""
    font = QFont(default_family(language or "en"))
    font.setPixelSize(max(1, size))
    font.setBold(True)
    border, shadow = max(1.0, size / 12), max(1.0, size / 24)
    metrics = QFontMetricsF(font)
    bottom = box.bottom() - box.height() * float(SAFE_BOTTOM) - border - shadow
    path = QPainterPath()
    for n, line in enumerate(reversed(lines)):
        x = box.center().x() - metrics.horizontalAdvance(line) / 2
        path.addText(x, bottom - metrics.descent() - n * metrics.lineSpacing(), font, line)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillPath(path.translated(shadow, shadow), QColor(0, 0, 0, 160))
    pen = QPen(QColor(0, 0, 0), 2 * border)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.strokePath(path, pen)
    painter.fillPath(path, QColor(255, 255, 255))


def draw_safe_zone(painter: QPainter, box: QRectF, name: str) -> None:
    """Shade what platform ``name`` (a key of :data:`SAFE_ZONES`) covers and outline the rest."""
    top, bottom, left, right = SAFE_ZONES[name]
    w, h = box.width(), box.height()
    safe = box.adjusted(w * left, h * top, -w * right, -h * bottom)
    covered, inside = QPainterPath(), QPainterPath()
    covered.addRect(box)
    inside.addRect(safe)
    painter.fillPath(covered.subtracted(inside), QColor(255, 60, 60, 70))
    painter.setPen(QPen(QColor(255, 210, 0), 1, Qt.PenStyle.DashLine))
    painter.drawRect(safe)
    painter.drawText(safe.adjusted(4, 2, -4, -2), Qt.AlignmentFlag.AlignLeft, f"{name} safe zone")
