"""The preview player's right-click menu: Safe Zone Overlay and Loop Shot (the controls' own
checkable actions, so menu, buttons and keys stay in step), Copy Frame (the picture shown, onto
the clipboard) and Export Still… (the picture shown, as a PNG file).

The picture is the frame as the player shows it: conformed, fitted to 9:16 and scaled to the
player's size, without the captions or the safe-zone overlay drawn over it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget


def frame_image(frame: np.ndarray) -> QImage:
    """An RGB uint8 frame as a QImage that owns its pixels."""
    h, w = frame.shape[:2]
    pixels = np.ascontiguousarray(frame[:, :, :3])
    return QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_RGB888).copy()


def still_name(root: Path | None, episode: int, frame: int) -> str:
    """Where Export Still offers to write the episode's ``frame`` (from 0): beside the project,
    named for the frame."""
    name = f"{root.stem if root else 'frame'} ep{episode} {frame + 1}.png"
    return str(root.parent / name) if root is not None else name


class PlayerMenu:
    """The menu of ``parent`` (the player): ``frame()`` is the picture shown (None for none),
    ``name()`` a file name for its still, ``status(text)`` says what was done."""

    def __init__(
        self,
        parent: QWidget,
        toggles: Sequence[QAction],
        frame: Callable[[], np.ndarray | None],
        name: Callable[[], str],
        status: Callable[[str], None],
    ) -> None:
        self.parent, self.toggles = parent, list(toggles)
        self._frame, self._name, self._status = frame, name, status
        self.copy_action = QAction("Copy Frame", parent)
        self.copy_action.triggered.connect(lambda _checked=False: self.copy_frame())
        self.export_action = QAction("Export Still…", parent)
        self.export_action.triggered.connect(lambda _checked=False: self.export_still())
        self.menu: QMenu | None = None  # the menu open now (or last)

    def actions(self) -> list[QAction]:
        """The menu's actions, in order."""
        return [*self.toggles, self.copy_action, self.export_action]

    def popup(self, at: QPoint) -> QMenu:
        """Open the menu at the global position ``at`` (without blocking) and return it."""
        has_frame = self._frame() is not None
        self.copy_action.setEnabled(has_frame)
        self.export_action.setEnabled(has_frame)
        self.menu = QMenu(self.parent)
        self.menu.addActions(self.toggles)
        self.menu.addSeparator()
        self.menu.addActions([self.copy_action, self.export_action])
        self.menu.popup(at)
        return self.menu

    def copy_frame(self) -> bool:
        """Put the picture shown on the clipboard; whether there was one."""
        frame = self._frame()
        if frame is None:
            self._status("Copy Frame: no picture is shown")
            return False
        QGuiApplication.clipboard().setImage(frame_image(frame))
        self._status("Copied the frame to the clipboard")
        return True

    def export_still(self, path: str | Path | None = None) -> Path | None:
        """Save the picture shown as a PNG at ``path`` (None: ask where with a file dialog);
        the file written, or None when there is no picture, the user cancelled, or it could
        not be written (the status bar says why)."""
        frame = self._frame()
        if frame is None:
            self._status("Export Still: no picture is shown")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.parent, "Export the frame as a still", self._name(), "PNG image (*.png)"
            )
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_name(target.name + ".png")
        if not frame_image(frame).save(str(target), "PNG"):
            self._status(f"Export Still: cannot write {target}")
            return None
        self._status(f"Exported the still {target.name}")
        return target
