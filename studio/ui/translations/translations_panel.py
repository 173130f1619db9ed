"""The translations table: the episode's dialogue lines side by side with one target language.

Each row is a line: its character, the source text, the translation (edited in place: the line
becomes *edited*, one undoable edit), its state (machine, edited, approved; "stale" when the
script changed the source since), and whether it fits the picture (:mod:`studio.app.dub_fit`),
in a warning colour when it needs a speed-up or does not fit. Approve, Approve All, Translate
Episode (a machine translation job, when a model is installed) and Add Languages… sit above.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.app.dub_fit import fit_report
from studio.app.machine_translation import (
    TranslationUnavailable,
    translate_requests,
    translation_model,
)
from studio.core.history import Scope
from studio.core.kinds import ModelKind
from studio.core.translation_edits import approve_lines, write_line
from studio.core.translations import find_language
from studio.engine.jobs import Job
from studio.ui.language_state import LanguageState
from studio.ui.session import Session

HEADERS = ("Character", "Source", "Translation", "State", "Fit")
TEXT_COLUMN = 2
WARNING = {"speed-up": QColor("#f0ad4e"), "does not fit": QColor("#d9534f")}
KEY_ROLE = Qt.ItemDataRole.UserRole


class TranslationsPanel(QWidget):
    """The session episode's lines in the target language chosen in :attr:`target`."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.language = LanguageState.of(session)
        self._filling = False
        self._soon = QTimer(self, singleShot=True, interval=0)
        self._soon.timeout.connect(self.refresh)
        self._build()
        for signal in (session.projectChanged, session.shotsChanged, session.episodeChanged):
            signal.connect(self._soon.start)
        self.language.changed.connect(self._follow)
        self.refresh()

    def _build(self) -> None:
        self.target = QComboBox(self)
        self.target.setToolTip("The target language shown in the table")
        self.target.currentIndexChanged.connect(lambda _i: self._soon.start())
        self.approve_button = QPushButton("Approve", self)
        self.approve_all_button = QPushButton("Approve All", self)
        self.translate_button = QPushButton("Translate Episode", self)
        self.add_button = QPushButton("Add Languages…", self)
        self.approve_button.clicked.connect(self.approve_selected)
        self.approve_all_button.clicked.connect(self.approve_all)
        self.translate_button.clicked.connect(self.translate_episode)
        self.add_button.clicked.connect(self.add_languages)
        row = QHBoxLayout()
        row.addWidget(QLabel("Language", self))
        row.addWidget(self.target)
        for button in (self.approve_button, self.approve_all_button, self.translate_button,
                       self.add_button):  # fmt: skip
            row.addWidget(button)
        row.addStretch(1)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        self.notice = QLabel(self)  # counts, or why a translation cannot be made
        self.notice.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notice)

    # -- showing ----------------------------------------------------------------------------------

    @property
    def tag(self) -> str:
        """The target language shown in the table ("" when the project has none)."""
        return str(self.target.currentData() or "")

    def _follow(self, tag: str) -> None:
        """The window shows a target: the table shows it too."""
        index = self.target.findData(tag)
        if tag and index >= 0:
            self.target.setCurrentIndex(index)

    def refresh(self) -> None:
        """Read the targets and the episode's lines again."""
        project = self.session.project
        tags = [lang.tag for lang in project.languages] if project is not None else []
        wanted = self.tag or self.language.tag
        self.target.blockSignals(True)
        self.target.clear()
        for tag in tags:
            self.target.addItem(tag, tag)
        self.target.setCurrentIndex(max(0, tags.index(wanted)) if wanted in tags else 0)
        self.target.blockSignals(False)
        has = bool(self.tag) and self.session.writable
        for button in (self.approve_button, self.approve_all_button, self.translate_button):
            button.setEnabled(has)
        self.add_button.setEnabled(self.session.writable)
        self._fill()

    def _fill(self) -> None:
        project, episode, tag = self.session.project, self.session.episode(), self.tag
        self._filling = True
        try:
            self.table.setRowCount(0)
            if project is None or episode is None or not tag:
                self.notice.setText("Add a target language to translate the dialogue."
                                    if project is not None else "")  # fmt: skip
                return
            language = find_language(project, tag)
            fits = {(f.shot, f.line): f for f in fit_report(project, tag, episode.number).lines}
            editable = self.session.writable
            rows = [(shot, i, d) for shot in episode.shots() for i, d in enumerate(shot.dialogue)]
            self.table.setRowCount(len(rows))
            for row, (shot, i, line) in enumerate(rows):
                have = language.lines.get((shot.id, i))
                text = have.text if have is not None else ""
                state = have.state.value if have is not None and text else "not translated"
                if have is not None and text and have.source != line.text:
                    state += " (stale)"
                fit = fits.get((shot.id, i))
                verdict = fit.verdict if fit is not None else ""
                cells = (line.character, line.text, text, state, _fit_text(fit))
                for column, value in enumerate(cells):
                    item = QTableWidgetItem(value)
                    item.setData(KEY_ROLE, (shot.id, i))
                    if column != TEXT_COLUMN or not editable:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    if column == 4 and verdict in WARNING:
                        item.setBackground(WARNING[verdict])
                        item.setForeground(QColor("#000000"))
                    self.table.setItem(row, column, item)
            counts = [f"{sum(fit.verdict == v for fit in fits.values())} {v}"
                      for v in ("speed-up", "does not fit") if any(
                          fit.verdict == v for fit in fits.values())]  # fmt: skip
            done = sum(1 for shot, i, _ in rows if (shot.id, i) in language.lines)
            self.notice.setText(f"{done}/{len(rows)} lines of episode {episode.number} in {tag}"
                                + (f"; {', '.join(counts)}" if counts else ""))  # fmt: skip
        finally:
            self._filling = False

    def row_key(self, row: int) -> tuple[str, int]:
        """The (shot id, line index) of table row ``row``."""
        return tuple(self.table.item(row, 0).data(KEY_ROLE))  # type: ignore[return-value]

    # -- editing ----------------------------------------------------------------------------------

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != TEXT_COLUMN:
            return
        project, tag, (shot_id, index) = self.session.project, self.tag, self.row_key(item.row())
        if project is None or not tag:
            return
        text = item.text()

        def change() -> object:
            return write_line(project, tag, shot_id, index, text)

        if not self.session.edit("Edit Translation", Scope.languages(), change):
            self._soon.start()  # refused (a message said why): show the line as it is

    def approve_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        self._approve([self.row_key(row) for row in rows], "Approve Translation")

    def approve_all(self) -> None:
        keys = [self.row_key(row) for row in range(self.table.rowCount())]
        self._approve(keys, "Approve All Translations")

    def _approve(self, keys: list[tuple[str, int]], name: str) -> None:
        project, tag = self.session.project, self.tag
        if project is None or not tag or not keys:
            self.session.message.emit("select the lines to approve")
            return
        self.session.edit(name, Scope.languages(), lambda: approve_lines(project, tag, keys))

    def translate_episode(self) -> list[Job]:
        """Queue the machine translation of the episode's lines not translated (or stale) into
        the target; without a model, say how to install one."""
        from studio.app.models import scan_models

        project, tag, runner = self.session.project, self.tag, self.session.runner
        if project is None or not tag or runner is None:
            self.session.message.emit("cannot translate: the project is not open for editing")
            return []
        registry = self.session.registry
        if registry is None or not registry.of_kind(ModelKind.TRANSLATION):
            registry = scan_models(self.session.models_dir)  # a model may be installed since
        try:
            model = translation_model(registry, project.language or "en", tag)
        except TranslationUnavailable as exc:
            self.notice.setText(str(exc))
            self.session.message.emit(f"cannot translate: {exc}")
            return []
        requests = translate_requests(project, model, tag, [self.session.episode_number])
        if not requests:
            self.session.message.emit(f"nothing to translate into {tag} in this episode")
            return []
        jobs = runner.submit(requests)
        lines = sum(len(r.texts) for r in requests)
        self.session.message.emit(f"Translating {lines} line(s) into {tag} with {model.name}")
        return jobs

    def add_languages(self) -> None:
        from studio.ui.translations.add_languages import AddLanguagesDialog

        dialog = AddLanguagesDialog(self.session, self)
        if dialog.exec() and dialog.added:
            self.refresh()
            self.target.setCurrentIndex(max(0, self.target.findData(dialog.added[0])))


def _fit_text(fit: object) -> str:
    """The fit cell: the verdict, with the speed a speed-up needs."""
    if fit is None:
        return ""
    verdict = fit.verdict  # type: ignore[attr-defined]
    if verdict == "speed-up":
        return f"speed-up {float(fit.speed):.2f}x"  # type: ignore[attr-defined]
    return verdict
