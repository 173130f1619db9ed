"""The character bible panel: the project's characters (name, first reference as icon) with
Add and Remove, and for the one selected its form (description, seed, voice with a preview,
LoRAs), its reference images and candidates, and the shots featuring them (click one to
select it in the window).

Every change is an undoable edit through :mod:`studio.ui.actions`; the panel follows the
session (``charactersChanged``, ``projectChanged``, ``shotsChanged``) and keeps the selected
character across refreshes, an undo included. A read-only project shows everything, edits
nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.core.model import Shot
from studio.ui import actions
from studio.ui.characters.character_form import CharacterForm
from studio.ui.characters.character_refs import ImageThumbs, ReferencesBox
from studio.ui.characters.reference_drop import ReferenceDrop
from studio.ui.session import Session

ICON_SIZE = 40
_NAME = Qt.ItemDataRole.UserRole


class CharacterPanel(QWidget):
    """The bible of ``session``'s project."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.thumbs = ImageThumbs(self)
        self.list = QListWidget()
        self.list.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.add_button = QPushButton("Add…")
        self.remove_button = QPushButton("Remove…")
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 14px")
        self.form = CharacterForm(session)
        self.references = ReferencesBox(session, self.thumbs)
        self.drop = ReferenceDrop(self, self.references)  # images dropped in: its references
        self.shots = QListWidget()
        self.shots.setMaximumHeight(140)
        self._rows: list[tuple[int, int, str, str]] = []  # what the shots list shows
        self._build()
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.add_button.clicked.connect(self.add_dialog)
        self.remove_button.clicked.connect(self.remove_dialog)
        self.shots.itemClicked.connect(self._go_to_shot)
        self.shots.itemActivated.connect(self._go_to_shot)
        self.thumbs.ready.connect(self._icons)
        session.charactersChanged.connect(self.refresh)
        session.projectChanged.connect(self._project_changed)
        session.shotsChanged.connect(self._show_shots)
        self.refresh()

    def _build(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        column.addLayout(buttons)
        details = QWidget()
        body = QVBoxLayout(details)
        body.addWidget(self.title)
        body.addWidget(self.form)
        body.addWidget(self.references)
        self.shots_label = QLabel("Shots")
        body.addWidget(self.shots_label)
        body.addWidget(self.shots)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 430])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # -- what is shown ------------------------------------------------------------------------

    def selected_name(self) -> str:
        item = self.list.currentItem()
        return str(item.data(_NAME)) if item is not None else ""

    def select(self, name: str) -> None:
        """Show the character ``name`` (if the project has one)."""
        for row in range(self.list.count()):
            if self.list.item(row).data(_NAME) == name:
                self.list.setCurrentRow(row)
                return

    def refresh(self) -> None:
        """Show the project's characters again, keeping the one selected when it is still there."""
        project = self.session.project
        names = [c.name for c in project.characters] if project is not None else []
        keep = self.selected_name()
        if [self.list.item(i).data(_NAME) for i in range(self.list.count())] != names:
            self.list.blockSignals(True)
            self.list.clear()
            for name in names:
                item = QListWidgetItem(name)
                item.setData(_NAME, name)
                self.list.addItem(item)
            row = names.index(keep) if keep in names else (0 if names else -1)
            self.list.setCurrentRow(row)
            self.list.blockSignals(False)
        self._icons()
        self._show_selected()

    def apply_now(self) -> None:
        """Apply what is typed in the form and not applied yet (before another project opens)."""
        self.form.flush()

    def _project_changed(self) -> None:
        self.form.discard()  # typing for the old project's character is not applied to this one
        self.list.clear()
        self.refresh()

    def _show_selected(self) -> None:
        name = self.selected_name()
        writable = self.session.writable
        self.title.setText(name or "No character")
        self.form.set_character(name)
        self.references.set_character(name)
        self.add_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and bool(name))
        self._show_shots()

    def _icons(self) -> None:
        project, root = self.session.project, self.session.root
        for row in range(self.list.count()):
            item = self.list.item(row)
            character = project.character(item.data(_NAME)) if project is not None else None
            icon = QIcon()
            if character is not None and character.reference_images and root is not None:
                image = self.thumbs.image(root / character.reference_images[0], ICON_SIZE)
                if image is not None:
                    icon = QIcon(QPixmap.fromImage(image))
            item.setIcon(icon)

    # -- shots featuring the character ----------------------------------------------------------

    def featured(self) -> list[tuple[int, int, Shot]]:
        """(episode number, position in it from 1, shot) of each shot the character is in."""
        name, project = self.selected_name(), self.session.project
        found = []
        for episode in project.episodes if project is not None and name else []:
            for position, shot in enumerate(episode.shots(), 1):
                speaks = any(line.character == name for line in shot.dialogue)
                if name in shot.characters or speaks:
                    found.append((episode.number, position, shot))
        return found

    def _show_shots(self) -> None:
        """List the shots featuring the selected character again, unless the list would be the
        same (most edits change no shot's characters, lines or description; a project of 4,000
        shots takes a quarter of a second to list)."""
        name = self.selected_name()
        rows = [(number, position, shot.id, shot.description)
                for number, position, shot in self.featured()]  # fmt: skip
        self.shots_label.setText(f"Shots featuring {name} ({len(rows)})" if name else "Shots")
        if rows == self._rows:
            return
        self._rows = rows
        self.shots.clear()
        for number, position, shot_id, description in rows:
            item = QListWidgetItem(f"E{number} · {position}  {_short(description)}")
            item.setData(_NAME, (number, shot_id))
            item.setToolTip(description)
            self.shots.addItem(item)

    def _go_to_shot(self, item: QListWidgetItem) -> None:
        number, shot_id = item.data(_NAME)
        self.session.set_episode(number)
        self.session.select([shot_id])
        try:
            self.session.set_playhead(self.session.shot_start(shot_id))
        except KeyError:  # the shot went meanwhile, or is off the path the timeline shows
            self.session.message.emit(f"shot {shot_id} is not on the timeline shown")

    # -- adding and removing --------------------------------------------------------------------

    def add_character(self, name: str) -> bool:
        """Add a character (names are upper case, as in the script) and show them."""
        name = name.strip().upper()
        project = self.session.project
        if project is None or not name or project.character(name) is not None:
            if name:
                self.session.message.emit(f"there is already a character {name}")
            return False
        actions.add_character(self.session, name)  # its bool is not reliable: look instead
        if project.character(name) is None:
            return False
        self.select(name)
        return True

    def remove_character(self, name: str) -> bool:
        project = self.session.project
        actions.remove_character(self.session, name)
        return project is not None and project.character(name) is None

    def add_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, "Add Character", "Name (as in the script):")
        if ok and name.strip():
            self.add_character(name)

    def remove_dialog(self) -> None:
        name = self.selected_name()
        if not name:
            return
        asked = QMessageBox.question(
            self,
            "Remove Character",
            f"Remove {name} from the bible? Their shots and reference files stay;"
            " Undo puts them back.",
        )
        if asked == QMessageBox.StandardButton.Yes:
            self.remove_character(name)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
