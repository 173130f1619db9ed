"""The path picker over the timeline of a branching episode, with the story validator's findings.

Shown only while the episode shown branches (:func:`studio.app.story_view.episode_paths`): a
"Path" box offering every shot in script order, then each path a viewer can take
(``Path.describe()``, elided in the middle, the whole text and its length as the tooltip), and a
button saying what the validator found ("1 error, 2 warnings"), coloured by the worst, whose
menu lists the findings; choosing one emits :attr:`PathBar.lineWanted` with its script line.

Choosing a path asks the session to show only its shots (:meth:`Session.show_path`), so the
timeline, the player and the pacing strip follow it. The story is read again whenever the shots,
the episode or the project change, from the script text the shots were last broken down from
(the editor's, after its pause in typing), and the path chosen stays while the episode still has
a path through the same segments; else the box goes back to all shots.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from studio.app.story_view import (
    EpisodePaths,
    PathChoice,
    episode_paths,
    problem_summary,
    segment_marks,
)
from studio.core.story import Problem
from studio.ui import theme
from studio.ui.session import Session

ELIDE_PX = 520  # an entry wider than this is elided in the middle
MENU_CHARS = 110  # a finding's menu entry is cut to this many characters


class PathBar(QWidget):
    """The path picker and the findings of ``session``'s episode; ``script_text`` gives the
    script the shots came from (None: the project's script file)."""

    lineWanted = Signal(int)  # a 1-based script line a finding is on
    marksChanged = Signal()  # :attr:`marks` changed

    def __init__(
        self,
        session: Session,
        script_text: Callable[[], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self._script_text = session, script_text
        self.paths: EpisodePaths | None = None
        self.marks: list[tuple[int, str]] = []  # (index of the shot shown, segment label)
        self._chosen: tuple[str, ...] = ()  # the segments of the path chosen; () all shots
        self._episode = -1  # the episode the choice was made in
        self._entries: object = None  # what the box was filled with
        self.caption = QLabel("Path", self)
        self.box = QComboBox(self)
        self.box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.findings = QToolButton(self)
        self.findings.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.findings.setAutoRaise(True)
        self.findings.setMenu(QMenu(self.findings))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.box)
        layout.addWidget(self.findings)
        self.box.currentIndexChanged.connect(self._chosen_at)
        session.projectChanged.connect(self._forget)
        session.episodeChanged.connect(self.refresh)
        session.shotsChanged.connect(self.refresh)
        self.refresh()

    def choices(self) -> list[str]:
        """The whole text of each entry of the box."""
        return [c.text for c in self.paths.choices] if self.paths is not None else []

    def choose(self, index: int) -> None:
        """Show entry ``index`` (0: all shots), as picking it in the box does."""
        self.box.setCurrentIndex(index)

    # -- reading the story ------------------------------------------------------------------

    def _forget(self) -> None:
        self._chosen, self._episode = (), -1
        self.refresh()

    def refresh(self, *_: object) -> None:
        """Read the episode's story again; keep the path chosen if the episode still has it."""
        project, number = self.session.project, self.session.episode_number
        if number != self._episode:
            self._chosen, self._episode = (), number
        script = self._script_text() if self._script_text is not None else None
        found = None
        if project is not None and self.session.episode() is not None:
            found = episode_paths(project, self.session.root, number, script)
        self.paths = found
        self.setVisible(found is not None)
        if found is None:
            self._chosen = ()
            self._show(None)
            return
        index = found.find(self._chosen)
        self._chosen = found.choices[index].segments
        self._fill(found, index)
        self._show_findings(found.problems)
        self._show(found.choices[index])

    def _fill(self, paths: EpisodePaths, index: int) -> None:
        """Fill the box (unless it holds these entries already: an open list stays) and show
        entry ``index``."""
        box, metrics = self.box, QFontMetrics(self.box.font())
        fps = float(self.session.project.fps) if self.session.project is not None else 30.0
        entries = (tuple((c.text, c.frames, len(c.shot_ids)) for c in paths.choices), paths.more)
        box.blockSignals(True)  # filling is not choosing
        if entries != self._entries:
            self._fill_box(paths, fps, metrics)
            self._entries = entries
        box.setCurrentIndex(index)
        box.setToolTip(_tooltip(paths.choices[index], fps))
        box.blockSignals(False)

    def _fill_box(self, paths: EpisodePaths, fps: float, metrics: QFontMetrics) -> None:
        box = self.box
        box.clear()
        for choice in paths.choices:
            text = metrics.elidedText(choice.text, Qt.TextElideMode.ElideMiddle, ELIDE_PX)
            box.addItem(text)
            box.setItemData(box.count() - 1, _tooltip(choice, fps), Qt.ItemDataRole.ToolTipRole)
        if paths.more:
            box.addItem("… more paths than are listed")
            model = box.model()
            if isinstance(model, QStandardItemModel):
                model.item(box.count() - 1).setEnabled(False)

    def _show_findings(self, problems: tuple[Problem, ...]) -> None:
        button = self.findings
        worst = theme.ERROR if any(p.severity == "error" for p in problems) else theme.WARNING
        colour = worst if problems else theme.MUTED_TEXT
        button.setText(problem_summary(problems))
        button.setStyleSheet(f"QToolButton {{ color: {QColor(colour).name()}; }}")
        button.setToolTip("\n".join(_finding(p) for p in problems) or "The story has no problems")
        menu = button.menu()
        menu.clear()
        for problem in problems:
            text = _finding(problem)
            action = menu.addAction(text if len(text) <= MENU_CHARS else text[:MENU_CHARS] + "…")
            action.setEnabled(problem.line > 0)
            action.triggered.connect(partial(self.lineWanted.emit, problem.line))
        button.setEnabled(bool(problems))

    # -- choosing -------------------------------------------------------------------------

    def _chosen_at(self, index: int) -> None:
        if self.paths is None or not 0 <= index < len(self.paths.choices):
            return
        choice = self.paths.choices[index]
        self._chosen = choice.segments
        fps = float(self.session.project.fps) if self.session.project is not None else 30.0
        self.box.setToolTip(_tooltip(choice, fps))
        self._show(choice)
        if choice.segments:
            self.session.message.emit(
                f"Showing one path ({choice.frames / fps:.1f} s): shots can be trimmed here and "
                "reordered in All shots"
            )

    def _show(self, choice: PathChoice | None) -> None:
        """Ask the session to show ``choice`` (all shots when None or all shots), and mark where
        each segment starts in what is shown. The playhead stays on the frame of the shot it was
        on when the new view shows that shot, else goes to the start."""
        session = self.session
        before, under = session.path, session.shot_at(session.playhead)
        offset = session.playhead - session.shot_start(under.id) if under is not None else 0
        session.show_path(choice.shot_ids if choice is not None and choice.segments else None)
        if session.path != before and under is not None:
            try:
                session.set_playhead(session.shot_start(under.id) + offset)
            except KeyError:  # not in this view
                session.set_playhead(0)
        shown = [shot.id for shot in session.timeline_shots()]
        self.marks = segment_marks(self.paths.graph, shown) if self.paths is not None else []
        self.marksChanged.emit()


def _tooltip(choice: PathChoice, fps: float) -> str:
    shots = len(choice.shot_ids)
    return f"{choice.text}\n{choice.frames / fps:.1f} s, {shots} shot{'' if shots == 1 else 's'}"


def _finding(problem: Problem) -> str:
    return f"{problem.severity}: {problem.where()}"
