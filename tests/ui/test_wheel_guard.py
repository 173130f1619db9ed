"""The mouse wheel over the real window's boxes: an unfocused spin box or combo box keeps its
value (no undoable edit the user never meant); a focused one still turns."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from workflow_window import Windows


@pytest.fixture
def windows(qtbot, tmp_path: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened
    opened.close_all()


def wheel(widget: QWidget, notches: int = 3) -> None:
    """Turn the wheel ``notches`` up with the pointer over the middle of ``widget``, delivered
    as Qt delivers it: to the innermost widget there, passed up until one takes it."""
    centre = widget.rect().center()
    for _ in range(notches):
        target: QWidget | None = widget.childAt(centre) or widget
        while target is not None:
            local = QPointF(target.mapFrom(widget, centre))
            event = QWheelEvent(local, QPointF(widget.mapToGlobal(centre)), QPoint(),
                                QPoint(0, 120), Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                                False)  # fmt: skip
            QApplication.sendEvent(target, event)
            if event.isAccepted() or target.isWindow():
                break
            target = target.parentWidget()


def test_the_wheel_over_an_unfocused_seed_changes_nothing(windows, project, qtbot) -> None:
    window = windows.open(project)
    window.docks["characters"].raise_()
    form = window.characters.form
    window.characters.select("MAYA")
    seed, rate = form.seed.value(), form.rate.value()
    for box in (form.seed, form.rate, form.backend):  # the wheel never gives them focus
        assert box.focusPolicy() == Qt.FocusPolicy.StrongFocus
    window.timeline.setFocus()
    qtbot.waitUntil(lambda: form.seed.isVisible() and not form.seed.hasFocus())
    for box in (form.seed, form.rate, form.backend):
        wheel(box)
    window.characters.apply_now()
    window.timeline.setFocus()  # the seed applies when it loses focus: it never had it
    assert (form.seed.value(), form.rate.value()) == (seed, rate)
    assert window.session.project.character("MAYA").seed == seed
    assert window.session.history.names() == [] and not window.session.dirty

    form.seed.setFocus()  # clicked into: now the wheel is the user's edit
    qtbot.waitUntil(form.seed.hasFocus)
    wheel(form.seed, 2)
    assert form.seed.value() == seed + 2
