"""Files dragged in from the file manager and dropped onto a shot (on the timeline, or on the
take review panel for the shot it shows).

Each file becomes part of the shot through :mod:`studio.app.media_drop` and
:mod:`studio.app.dropped_sound`, as one undoable edit: a video is imported as a take (as
``studio takes import`` does), an image as a still take of the shot's length, a sound as the
recorded voice of one of a dialogue shot's lines or as a sound effect at the shot's start (the
user is asked which; a shot without dialogue gets a sound effect). Several files are imported
in turn, then one line says how many; a file that is refused (not media, too big, unreadable)
gets its own line and nothing of it is imported. While files are dragged over the widget, the
shot under the pointer is shown by ``highlight``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QInputDialog, QWidget

from studio.app.footage import FootageError
from studio.app.media_drop import AUDIO, IMAGE, media_kind
from studio.core.history import Scope
from studio.core.model import Shot, ShotKind
from studio.ui.session import Session

SFX = "Sound effect at the shot's start"
_DRAGS = (QEvent.Type.DragEnter, QEvent.Type.DragMove)


def local_files(mime: QMimeData) -> list[Path]:
    """The local files a drag carries (URLs of anything else are left out)."""
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class MediaDrop(QObject):
    """Files dropped onto ``widget`` go into the shot under the pointer: ``shot_at`` maps a
    point of the widget to that shot's id ("" for none); ``highlight`` is told the shot being
    dragged over ("" when none is)."""

    imported = Signal(str, int)  # the shot's id, how many files went into it

    def __init__(
        self,
        session: Session,
        widget: QWidget,
        shot_at: Callable[[QPoint], str],
        highlight: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(widget)
        self.session, self.widget = session, widget
        self.shot_at, self.highlight = shot_at, highlight or (lambda _shot: None)
        self.question: QInputDialog | None = None  # asking what a sound is, while it asks
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _DRAGS or kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            files = local_files(event.mimeData())
            shot = self.shot_at(event.position().toPoint()) if files else ""
            writable = self.session.writable
            self.highlight(shot if kind in _DRAGS and writable else "")
            if files and (shot or kind == QEvent.Type.DragEnter) and writable:
                event.acceptProposedAction()
            else:
                event.ignore()
            if kind == QEvent.Type.Drop and shot and writable:
                self.import_files(shot, files)
            return True
        if kind == QEvent.Type.DragLeave:
            self.highlight("")
        return False

    # -- importing ------------------------------------------------------------------------------

    def import_files(self, shot_id: str, paths: Sequence[Path]) -> int:
        """Import each of ``paths`` into shot ``shot_id``, in turn; how many went in."""
        done = refused = 0
        for path in paths:
            try:
                kind = media_kind(path)
            except FootageError as exc:
                self.session.message.emit(str(exc))
                refused += 1
                continue
            ok = self._sound(shot_id, path) if kind == AUDIO else self._take(shot_id, path, kind)
            if ok is None:  # the user chose not to
                continue
            done, refused = done + ok, refused + (not ok)
        if summary := _summary(shot_id, paths, done, refused):
            self.session.message.emit(summary)
        if done:
            self.imported.emit(shot_id, done)
        return done

    def _take(self, shot_id: str, path: Path, kind: str) -> bool:
        from studio.app.footage import import_footage
        from studio.app.media_drop import import_still

        project, root = self.session.project, self.session.root
        if project is None or root is None:
            return False
        if kind == IMAGE:
            size, fps = (project.width, project.height), project.fps
            return self._edit("Import Still Take", shot_id,
                              lambda shot: import_still(root, shot, path, size, fps))  # fmt: skip
        return self._edit("Import Take", shot_id, lambda shot: import_footage(root, shot, path))

    def _sound(self, shot_id: str, path: Path) -> bool | None:
        from studio.app.dropped_sound import import_sfx, import_voice, line_choices

        folder = self.session.folder
        shot = self._shot(shot_id)
        if folder is None or shot is None:
            return False
        line = -1
        if shot.kind is ShotKind.DIALOGUE and shot.dialogue:
            line = self.ask_line(shot, path, line_choices(shot))
            if line is None:
                return None
        if line < 0:
            return self._edit("Add Sound Effect", shot_id,
                              lambda shot: import_sfx(folder, shot, path))  # fmt: skip
        return self._edit("Import Voice", shot_id,
                          lambda shot: import_voice(folder, shot, line, path))  # fmt: skip

    def ask_line(self, shot: Shot, path: Path, lines: list[str]) -> int | None:
        """Ask what the sound ``path`` is: the index of the line it voices, -1 for a sound
        effect, None when the user cancels."""
        choices = [*lines, SFX]
        self.question = dialog = QInputDialog(self.widget)
        dialog.setWindowTitle("Import Sound")
        dialog.setLabelText(f"What is {path.name} in shot {shot.id}?")
        dialog.setComboBoxItems(choices)
        dialog.setComboBoxEditable(False)
        try:
            if not dialog.exec():
                return None
            chosen = dialog.textValue()
        finally:
            self.question = None
            dialog.deleteLater()
        return choices.index(chosen) if chosen in lines else -1

    def _shot(self, shot_id: str) -> Shot | None:
        project = self.session.project
        try:
            return project.find_shot(shot_id) if project is not None else None
        except KeyError:
            return None

    def _edit(self, name: str, shot_id: str, change: Callable[[Shot], object]) -> bool:
        """``change`` of the shot as the undoable edit ``name``; a refusal is its message."""
        shot = self._shot(shot_id)
        if shot is None:
            self.session.message.emit(f"{name}: no shot {shot_id}")
            return False

        def run() -> None:
            try:
                change(shot)
            except FootageError as exc:
                raise ValueError(str(exc)) from None

        return self.session.edit(name, Scope.episode(self.session.episode_of(shot_id)), run)


def _summary(shot_id: str, paths: Sequence[Path], done: int, refused: int) -> str:
    """The line that ends an import: how many files went into the shot (and were refused);
    "" for one file that did not (its own line said why)."""
    if len(paths) == 1:
        return f"Imported {paths[0].name} into shot {shot_id}" if done else ""
    text = f"Imported {done} of {len(paths)} files into shot {shot_id}"
    return text + (f"; {refused} refused" if refused else "")
