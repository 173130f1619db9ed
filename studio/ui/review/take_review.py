"""The take review panel: the takes of the selected shot, reviewed from the keyboard.

It shows the first selected shot's takes as a grid of looping cards (:mod:`take_grid`, with a
placeholder for each job still making a take) and acts on the current take: approve, reject,
star, delete to the archive, regenerate, variations, edit the prompt and generate, mark and
compare; voice and lip-sync the shot; pick the take; select the next or previous shot (the
timeline and script follow). The keys (:mod:`studio.ui.keymap`) work from anywhere in the
window. An approval goes on to the next shot without an approved take. With several shots
selected, a row of buttons generates, voices, lip-syncs or approves the newest finished take of
each. Every edit goes through :mod:`studio.ui.actions` (one undoable history entry each). The
actions' names, texts, toolbars and when each is enabled are in :mod:`review_actions`.
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.app.prompt_tokens import counter_for
from studio.app.selection import neighbour_shot
from studio.core.model import Shot, Take, TakeState
from studio.engine.jobs import EventKind, JobEvent, JobState
from studio.media.frame_proxies import PROXIES
from studio.ui import actions as act
from studio.ui.review.prompt_editor import PromptEditor
from studio.ui.review.review_actions import (
    MENU_COUNT,
    VARIATIONS,
    enabled_actions,
    make_actions,
    make_toolbars,
    show_counts,
    to_approve,
)
from studio.ui.review.take_compare import TakeCompare, compare_partner
from studio.ui.review.take_grid import TakeGrid, elided, take_line, take_prompt
from studio.ui.review.take_loop import LoopFrames
from studio.ui.session import Session
from studio.ui.timeline.timeline_drop import MediaDrop

_WAITING = (JobState.QUEUED, JobState.RUNNING, JobState.PAUSED)


class TakeReview(QWidget):
    """Take review of ``session``'s selected shot. :meth:`actions` lists its actions (with
    their shortcuts) for the window's menus and Help. Generating uses the model chosen in
    Settings (``session.generation``). ``promptsWanted``: its Suggest Prompts button (the
    window's assistant answers it)."""

    promptsWanted = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.current: str | None = None  # the current take
        self.marked: str | None = None  # the take marked for comparison
        self.shot_id: str | None = None
        self.compare_dialog: TakeCompare | None = None
        self.loops = LoopFrames(None, self)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.act = make_actions(self)
        self.header = QLabel(wordWrap=True)
        self.suggest_button = QPushButton(
            "Suggest Prompts", toolTip="Ask the assistant for each shot's prompt"
        )
        self.suggest_button.clicked.connect(self.promptsWanted)
        self.prompt_row = PromptEditor(self.generate_prompt, self.setFocus)
        self.grid = TakeGrid(self.loops, self)
        self.grid.takeClicked.connect(self._clicked)
        self.grid.menuRequested.connect(self._menu)
        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.archived = QListWidget(maximumHeight=110)
        self.archived.itemSelectionChanged.connect(self._update_actions)
        self.batch_row, self.toolbar = make_toolbars(self.act)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()  # the shot's header, and the assistant's button beside it
        top.addWidget(self.header, 1)
        top.addWidget(self.suggest_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(self.batch_row)
        layout.addWidget(self.toolbar)
        for widget, stretch in ((self.prompt_row, 0), (self.grid, 1), (self.empty, 1),
                                (self.archived, 0)):  # fmt: skip
            layout.addWidget(widget, stretch)
        session.projectChanged.connect(self._project_changed)
        for signal in (session.episodeChanged, session.selectionChanged, session.shotsChanged):
            signal.connect(self.refresh)
        session.takesChanged.connect(self._takes_changed)  # a result was recorded
        session.jobEvent.connect(self._job_event)
        self.drop = MediaDrop(session, self, lambda _pos: self.shot_id or "")  # files dropped in
        self._project_changed()

    def actions(self) -> list[QAction]:  # type: ignore[override]  # QWidget's, in menu order
        """The panel's actions, for the window's menus and the Help dialog."""
        return list(self.act.values())

    # -- what is shown ------------------------------------------------------------------------

    def shot(self) -> Shot | None:
        """The shot reviewed: the first selected one."""
        project, selected = self.session.project, self.session.selected
        return next((s for s in self.session.shots() if s.id == selected[0]), None) if (
            project is not None and selected) else None  # fmt: skip

    def take(self) -> Take | None:
        """The current take."""
        shot = self.shot()
        return next((t for t in shot.takes if t.id == self.current), None) if shot else None

    def _project_changed(self) -> None:
        root = self.session.root
        self.loops.set_folder(root / PROXIES if root is not None else None)
        self.refresh()

    def refresh(self, *_: object) -> None:
        """Show the selected shot's takes, jobs and archive again."""
        shot, count = self.shot(), len(self.session.selected)
        takes = list(shot.takes) if shot is not None else []
        if shot is None or shot.id != self.shot_id:
            self.shot_id = shot.id if shot is not None else None
            self.current = self.marked = None
            self.prompt_row.hide()
        ids = [t.id for t in takes]
        if self.current not in ids:
            self.current = (shot.approved_take if shot else None) or (ids[-1] if ids else None)
        self.marked = self.marked if self.marked in ids else None
        self.grid.set_takes(takes, self.session.root)
        self._refresh_jobs()
        if self.session.project is None:
            self.empty.setText("No project is open.")
        elif shot is None:
            self.empty.setText("Select a shot in the timeline to review its takes.")
        else:
            self.empty.setText("This shot has no takes yet: press G to generate one.")
        self._show_grid(shot is not None and bool(takes or self.grid.job_cards))
        more = f" (+{count - 1} more selected)" if count > 1 else ""
        what = html.escape(elided(shot.description or shot.prompt, 90)) if shot else ""
        self.header.setText(f"<b>Shot {shot.id}</b> — {len(takes)} takes{more}<br>{what}"
                            if shot is not None else "<b>Take review</b>")  # fmt: skip
        self.archived.clear()
        for take in shot.archived_takes if shot is not None else []:
            item = QListWidgetItem(take_line(take))
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            item.setToolTip(take_prompt(take))
            self.archived.addItem(item)
        show_counts(self.act, count, self.archived.count(), self.batch_row)
        self.archived.setVisible(self.act["show_archived"].isChecked() and shot is not None)
        self.batch_row.setVisible(count >= 1)
        self._update_actions()

    def _takes_changed(self, shot_ids: list[str]) -> None:
        if any(i in shot_ids for i in self.session.selected):  # the shots reviewed
            self.refresh()

    def _refresh_jobs(self) -> None:
        runner = self.session.runner
        self.grid.set_jobs([j for j in runner.jobs() if self._makes_take(j)] if runner else [])
        self.grid.mark(self.current, self.marked)

    def _makes_take(self, job: Any) -> bool:
        request = job.request
        return (job.state in _WAITING and request.kind.value != "tts"
                and getattr(request, "shot_id", None) == self.shot_id)  # fmt: skip

    def _job_event(self, event: JobEvent) -> None:
        job = event.job
        if event.kind is EventKind.PROGRESS and job is not None and job.id in self.grid.job_cards:
            self.grid.job_progress(job, event.preview)
        elif job is None or self._makes_take(job) or job.id in self.grid.job_cards:
            self._refresh_jobs()
            cards = bool(self.grid.cards or self.grid.job_cards)
            self._show_grid(cards and self.shot() is not None)

    def _show_grid(self, cards: bool) -> None:
        """The grid when it has ``cards``, else the line that says why it has none."""
        self.empty.setVisible(not cards)
        self.grid.setVisible(cards)  # not from isVisible(): false before the panel is shown

    def _update_actions(self) -> None:
        restorable = bool(self.archived.selectedItems())
        for name, on in enabled_actions(self.session, self.shot(), self.take(), restorable).items():
            self.act[name].setEnabled(on)
        self.prompt_row.setEnabled(self.session.writable and self.session.runner is not None)

    # -- the current take -----------------------------------------------------------------------

    def _clicked(self, take_id: str, modifiers: Any) -> None:
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            self.marked = None if self.marked == take_id else take_id
        else:
            self.current = take_id
        self.grid.mark(self.current, self.marked)
        self._update_actions()
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def reveal(self, take_id: str) -> None:
        """Make ``take_id``, a take of the shot shown, the current take (the Jobs panel's
        Reveal Take)."""
        if take_id in self.grid.cards:
            self.current = take_id
            self.grid.mark(self.current, self.marked)
            self._update_actions()

    def _menu(self, _take_id: str, at: QPoint) -> None:
        menu = QMenu(self)
        menu.addActions(self.actions()[:MENU_COUNT])
        menu.exec(at)

    def previous_take(self) -> None:
        self._step_take(-1)

    def next_take(self) -> None:
        self._step_take(1)

    def _step_take(self, delta: int) -> None:
        ids = list(self.grid.cards)
        if ids:
            at = ids.index(self.current) if self.current in ids else 0
            self.current = ids[max(0, min(len(ids) - 1, at + delta))]
            self.grid.mark(self.current, self.marked)
            self._update_actions()

    def mark(self) -> None:
        self.marked = None if self.marked == self.current else self.current
        self.grid.mark(self.current, self.marked)

    # -- review -------------------------------------------------------------------------------

    def approve(self) -> None:
        take = self.take()
        if take is None:
            return
        approved = take.state is TakeState.APPROVED
        approved = approved or act.review(self.session, take.id, TakeState.APPROVED)
        if approved and self.act["advance"].isChecked():
            self._go(self._next_shot(1, unapproved=True), "every shot has an approved take")

    def reject(self) -> None:
        self._toggle(TakeState.REJECTED, then=1)

    def star(self) -> None:
        self._toggle(TakeState.STARRED)

    def _toggle(self, state: TakeState, then: int = 0) -> None:
        """Give the current take ``state``, or clear it when it has it; then ``then`` takes on."""
        take = self.take()
        if take is not None:
            again = take.state is state
            if act.review(self.session, take.id, TakeState.DONE if again else state) and not again:
                self._step_take(then)

    def archive(self) -> None:
        take = self.take()
        if take is not None:
            ids = list(self.grid.cards)
            at = ids.index(take.id)
            if act.archive(self.session, take.id):
                rest = [i for i in ids if i != take.id]
                self.current = rest[min(at, len(rest) - 1)] if rest else None
                self.refresh()

    def restore(self) -> None:
        for item in self.archived.selectedItems():
            act.unarchive(self.session, item.data(Qt.ItemDataRole.UserRole))

    def show_archived(self) -> None:
        self.refresh()

    def compare(self) -> None:
        shot, take = self.shot(), self.take()
        other = compare_partner(shot, self.current, self.marked) if shot and take else None
        if other is None:
            self.session.message.emit("compare: the shot needs two takes")
            return
        if self.compare_dialog is not None:
            self.compare_dialog.close()
            self.compare_dialog.deleteLater()
        self.compare_dialog = TakeCompare(self.session, (take.id, other), self.loops, self)
        self.compare_dialog.show()

    # -- generating -----------------------------------------------------------------------------

    def regenerate(self) -> None:
        take, shot = self.take(), self.shot()
        if take is not None:
            self._queued(act.regenerate(self.session, take.id), f"take {take.id} again")
        elif shot is not None:
            self._queued(act.generate(self.session, [shot.id]), "a take")

    def variations(self) -> None:
        take = self.take()
        if take is not None:
            jobs = act.regenerate(self.session, take.id, count=VARIATIONS)
            self._queued(jobs, f"variations of take {take.id}")

    def edit_prompt(self) -> None:
        """Edit the current take's prompt, seed and steps (the shot's, with the model chosen in
        Settings, when it has no take), counting tokens for the model that will run it."""
        shot, take = self.shot(), self.take()
        if shot is None:
            return
        session = self.session
        made = take.request if take is not None else session.generation  # a Choice has them too
        model = getattr(made, "model", "")
        self.prompt_row.count_for(
            model, lambda: counter_for(model, session.models_dir, session.registry)
        )
        prompt = take_prompt(take) if take is not None else shot.prompt
        seed, steps = getattr(made, "seed", None), getattr(made, "steps", None)
        self.prompt_row.open(prompt, seed, steps, must_save=take is None)

    def generate_prompt(
        self, text: str, save: bool, seed: int | None = None, steps: int | None = None
    ) -> None:
        """Generate the shot with ``text`` as the prompt (and make it the shot's, with
        ``save``), and ``seed`` and ``steps`` when given."""
        shot, take = self.shot(), self.take()
        if shot is None or not text.strip():
            return
        if save or take is None:
            self.session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt=text.strip())
        given = {k: v for k, v in (("seed", seed), ("steps", steps)) if v is not None}
        if take is not None:
            jobs = act.regenerate(self.session, take.id, prompt=text.strip(), **given)
        else:
            jobs = act.generate(self.session, [shot.id], replace(self.session.generation, **given))
        self._queued(jobs, "a take with the new prompt")
        self.prompt_row.hide()
        self.setFocus()

    def voice(self) -> None:
        if self.shot_id:
            self._queued(act.voice(self.session, [self.shot_id]), "the shot's lines")

    def lipsync(self) -> None:
        if self.shot_id:
            self._queued(act.lipsync(self.session, [self.shot_id]), "a lip-sync")

    # -- the selection ------------------------------------------------------------------------

    def generate_selected(self) -> None:
        jobs = act.generate(self.session, self.session.selected)
        self._queued(jobs, f"{len(self.session.selected)} shots")

    def voice_selected(self) -> None:
        self._queued(act.voice(self.session, self.session.selected), "the selected shots' lines")

    def lipsync_selected(self) -> None:
        self._queued(act.lipsync(self.session, self.session.selected), "lip-syncs")

    def approve_selected(self) -> None:
        """Approve the newest finished take of each selected shot without an approved one."""
        chosen = [s for s in self.session.shots() if s.id in set(self.session.selected)]
        done = sum(act.review(self.session, t.id, TakeState.APPROVED) for t in to_approve(chosen))
        self.session.message.emit(f"Approved the latest take of {done} shots")

    def _queued(self, jobs: list[Any], what: str) -> None:
        if jobs:
            self.session.message.emit(f"Queued {what} ({len(jobs)} jobs)")

    # -- moving through the episode -----------------------------------------------------------

    def next_shot(self) -> None:
        self._go(self._next_shot(1), "this is the last shot")

    def previous_shot(self) -> None:
        self._go(self._next_shot(-1), "this is the first shot")

    def _next_shot(self, delta: int, unapproved: bool = False) -> tuple[int, str] | None:
        project, episode = self.session.project, self.session.episode_number
        return (
            neighbour_shot(project, episode, self.shot_id, delta, unapproved) if project else None
        )

    def _go(self, where: tuple[int, str] | None, otherwise: str) -> None:
        if where is None:
            self.session.message.emit(otherwise)
            return
        self.session.set_episode(where[0])
        self.session.select([where[1]])
        try:
            self.session.set_playhead(self.session.shot_start(where[1]))
        except KeyError:  # off the path the timeline shows: selected, the playhead stays
            self.session.message.emit(f"shot {where[1]} is not on the path shown")
