"""The Studio's script editor: the project's Fountain script, coloured, with a live breakdown.

- The text is the project's script file; an edit, once typing pauses for
  :data:`DEBOUNCE_MS`, is written back to that file and broken down into the project through
  :func:`studio.core.script.importer.apply_script`, which keeps shot ids and takes.
- A failure (the file cannot be written, the script cannot be read) never loses text: the
  model is left as it was and :attr:`ScriptEditor.problem` says why, in one line.
- Each applied edit is one "Edit Script" entry of the session's history: undo (Ctrl+Z, here
  or in the Edit menu) puts the text and the breakdown back together. The text widget keeps
  no undo stack of its own, so there is one history, not two.
- The cursor's line selects the shot written there; a selection made elsewhere is shown as a
  background on its shots' lines and scrolled to.

A project open read-only gives a read-only editor. The outline (:attr:`ScriptEditor.outline`)
sits beside the text in a splitter; a main window may move it into a dock of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QSplitter, QTextEdit, QVBoxLayout, QWidget

from studio.core.model import Episode, Shot
from studio.core.script import fountain
from studio.core.script.elements import ScriptError
from studio.core.store import StoreError
from studio.ui import keymap
from studio.ui.script.find_bar import FindBar
from studio.ui.script.fountain_highlighter import FountainHighlighter
from studio.ui.script.script_outline import ScriptOutline
from studio.ui.session import SCRIPT_REL, Session

__all__ = ["DEBOUNCE_MS", "SCRIPT_REL", "ScriptEditor"]

DEBOUNCE_MS = 400  # a pause in typing this long applies the edit
FONT_FAMILIES = ["Courier Prime", "Courier New", "Courier", "Liberation Mono", "DejaVu Sans Mono"]


class ScriptEditor(QWidget):
    """The session project's script: editor, find bar and outline."""

    problem = Signal(str)  # one line for the status bar: why an edit was not applied

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setFont(_script_font())
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text_edit.setTabChangesFocus(False)
        self.text_edit.setUndoRedoEnabled(False)  # the session's history undoes
        self.text_edit.installEventFilter(self)
        self.highlighter = FountainHighlighter(self.text_edit.document(), self)
        self.find_bar = FindBar(self.text_edit, self)
        self._applied = ""  # the text the model was last broken down from
        self._loading = False  # setting the text: not an edit
        self._syncing = False  # showing a selection, or applying an edit: not a selection
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.apply_now)
        # The editor reloads before the outline rebuilds, so the outline sees the new text.
        session.projectChanged.connect(self.reload)
        self.outline = ScriptOutline(session, self.text_edit.toPlainText, self)
        self._layout()
        self._shortcuts()
        self.text_edit.textChanged.connect(self._on_text_changed)
        self.text_edit.cursorPositionChanged.connect(self._on_cursor_moved)
        self.outline.lineActivated.connect(self.go_to_line)
        session.selectionChanged.connect(self._on_selection)
        session.shotsChanged.connect(self._show_selection)
        session.scriptRestored.connect(self._restore_text)
        self.reload()
        self.outline.rebuild()  # now that it can see the text

    def _layout(self) -> None:
        pane = QWidget(self)
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.text_edit)
        column.addWidget(self.find_bar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.outline)
        self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 780])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def _shortcuts(self) -> None:
        bindings = [
            ("find", self.find_bar.show_find),
            ("replace", self.find_bar.show_replace),
            ("find_next", self.find_bar.find_next),
            ("find_previous", self.find_bar.find_previous),
        ]
        for name, slot in bindings:  # their keys: the keymap's (the user's, once rebound)
            shortcut = keymap.bind_shortcut(QShortcut(self), name)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- loading and applying -----------------------------------------------------------------

    def reload(self) -> None:
        """Show the session project's script (empty when no project is open)."""
        self._timer.stop()
        text, problem, writable = self._read_script()
        self._loading = True
        try:
            self.text_edit.setPlainText(text)
            self.text_edit.document().setModified(False)
            self.text_edit.moveCursor(QTextCursor.MoveOperation.Start)
        finally:
            self._loading = False
        self._applied = text
        self.text_edit.setReadOnly(not writable)
        self.text_edit.setExtraSelections([])
        if problem:
            self.problem.emit(problem)

    def _read_script(self) -> tuple[str, str, bool]:
        """(text, problem, writable) for the session's project."""
        folder, project = self.session.folder, self.session.project
        if folder is None or project is None:
            return "", "", False
        if not project.script:
            return "", "", not folder.read_only
        try:
            text = fountain.decode(folder.resolve(project.script).read_bytes())
        except (OSError, StoreError, ScriptError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            # Read-only: an edit would replace a script the editor could not show.
            return "", f"cannot show the script {project.script}: {why}", False
        return text, "", not folder.read_only

    def apply_now(self) -> bool:
        """Apply the text now (instead of after the pause); whether the model holds it."""
        self._timer.stop()
        folder, project = self.session.folder, self.session.project
        text = self.text_edit.toPlainText()
        if folder is None or project is None or self.text_edit.isReadOnly():
            return False
        if text == self._applied:
            return True
        # Applied before the session says the shots changed, so what reads applied_text() then
        # (the path picker) reads the text they came from; put back if the edit fails.
        previous, self._applied = self._applied, text
        self._syncing = True  # a selection trimmed by the edit must not move the cursor
        try:
            problem = self.session.apply_script(text, previous)
        finally:
            self._syncing = False
        if problem:
            self._applied = previous
            self.problem.emit(problem)
            return False
        self._on_cursor_moved()
        return True

    def applied_text(self) -> str:
        """The text the project's shots were last broken down from (their lines point into it)."""
        return self._applied

    def _restore_text(self, text: str) -> None:
        """Undo or redo put this text back (the model already matches it): show it, keeping
        the cursor's line."""
        line = self.text_edit.textCursor().blockNumber() + 1
        self._timer.stop()
        self._loading = True
        try:
            self.text_edit.setPlainText(text)
        finally:
            self._loading = False
        self._applied = text
        self._move_cursor(line)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        """Undo and redo typed in the text go to the session's history (after applying any
        edit still waiting for its pause, so it is undone first)."""
        if watched is self.text_edit and event.type() == QEvent.Type.KeyPress:
            for keys, step in ((QKeySequence.StandardKey.Undo, self.session.undo),
                               (QKeySequence.StandardKey.Redo, self.session.redo)):  # fmt: skip
                if event.matches(keys):  # type: ignore[attr-defined]
                    self.apply_now()
                    step()
                    return True
        return super().eventFilter(watched, event)

    def _on_text_changed(self) -> None:
        if not self._loading and not self.text_edit.isReadOnly():
            self._timer.start()

    # -- cursor and selection -----------------------------------------------------------------

    def go_to_line(self, line: int) -> None:
        """Put the cursor at the start of the 1-based ``line`` (which selects its shot) and
        give the text the focus."""
        self._move_cursor(line)
        self.text_edit.setFocus()

    def _move_cursor(self, line: int) -> None:
        block = self.text_edit.document().findBlockByNumber(max(0, line - 1))
        if block.isValid():
            cursor = self.text_edit.textCursor()
            cursor.setPosition(block.position())
            self.text_edit.setTextCursor(cursor)
            self.text_edit.centerCursor()

    def current_line(self) -> int:
        """The 1-based line the cursor is on."""
        return self.text_edit.textCursor().blockNumber() + 1

    def _on_cursor_moved(self) -> None:
        if self._loading or self._syncing or self.session.project is None:
            return
        line = self.current_line()
        episode, shot = self._shot_on_line(line)
        if episode is not None and episode.number != self.session.episode_number:
            self.session.set_episode(episode.number)
        if shot is not None:
            self.session.select([shot.id])

    def _shot_on_line(self, line: int) -> tuple[Episode | None, Shot | None]:
        """The shot written on ``line`` and its episode; for a line between shots, the episode
        it is in (that of the shot before, unless an episode section lies between)."""
        project = self.session.project
        before: tuple[Episode, int] | None = None  # episode, last line of the shot before
        after: Episode | None = None
        for episode in project.episodes if project is not None else []:
            for shot in episode.shots():
                first, last = shot.source_lines
                if first <= line <= last:
                    return episode, shot
                if 0 < last < line:
                    before = (episode, last)
                elif first > line and after is None:
                    after = episode
        if before is None:
            return after, None
        kinds = self.highlighter.kinds()
        crossed = "episode" in kinds[before[1] : line]
        return (after if crossed and after is not None else before[0]), None

    def _on_selection(self, _ids: list[str]) -> None:
        lines = self._show_selection()
        if lines and not self._syncing and self.current_line() not in lines:
            self._syncing = True  # the cursor follows the selection without selecting again
            try:
                self._move_cursor(lines[0])  # the focus stays where the selection was made
            finally:
                self._syncing = False

    def _show_selection(self) -> list[int]:
        """A background on the selected shots' lines; the lines, in order."""
        lines = self._selected_lines()
        colour = QColor(self.palette().highlight().color())
        colour.setAlpha(70)
        selections = []
        document = self.text_edit.document()
        for line in lines:
            block = document.findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            extra = QTextEdit.ExtraSelection()
            extra.format.setBackground(colour)
            extra.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            extra.cursor = QTextCursor(block)
            selections.append(extra)
        self.text_edit.setExtraSelections(selections)
        return lines

    def _selected_lines(self) -> list[int]:
        project = self.session.project
        if project is None or not self.session.selected:
            return []
        chosen = set(self.session.selected)
        lines: set[int] = set()
        for shot in project.shots():
            if shot.id in chosen and shot.source_lines[0] > 0:
                first, last = shot.source_lines
                lines.update(range(first, last + 1))
        return sorted(lines)


def _script_font() -> QFont:
    """Courier Prime if installed, else another typewriter face, else the system's fixed font."""
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font = QFont(fixed)
    font.setFamilies([*FONT_FAMILIES, fixed.family()])
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    font.setPointSizeF(max(fixed.pointSizeF(), 11.0))
    return font
