"""The Assistant menu: ask the local chat model for the episode shown's prompts, beat sheet,
cliffhangers or hooks, and show each answer when its job ends.

A request (:func:`studio.app.assistant.assist_request`) is a job like any other: it goes to the
project's runner, shows in the Jobs panel with its progress and can be cancelled there. When it
ends the session says ``resultRecorded`` with a suggestion; prompts open the suggestions panel
(:mod:`prompt_suggestions`), cliffhangers and hooks the alternatives (:mod:`alternatives_dialog`),
and a beat sheet shows on the pacing strip (which reads it itself). Without a chat model the
status bar says how to install one, and nothing is queued. The assistant never changes the
script or a prompt by itself: the artist accepts or inserts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from studio.app.assistant import (
    AssistUnavailable,
    Suggestion,
    SuggestionError,
    assist_request,
    chat_model,
    latest_suggestion,
    read_suggestion,
)
from studio.core.assist import AssistTask
from studio.core.kinds import ModelKind
from studio.engine.jobs import Job
from studio.engine.registry import Registry
from studio.ui.assist.alternatives_dialog import AlternativesDialog
from studio.ui.assist.prompt_suggestions import PromptSuggestions
from studio.ui.script.script_editor import ScriptEditor
from studio.ui.session import Session

MENU = (  # task, menu text
    (AssistTask.PROMPTS, "Suggest &Prompts"),
    (AssistTask.BEATS, "Suggest &Beats"),
    (AssistTask.CLIFFHANGERS, "Suggest &Cliffhangers"),
    (AssistTask.HOOKS, "Suggest &Hooks"),
)
TIPS = {
    AssistTask.PROMPTS: "A visual prompt for each shot of the episode, to accept or not",
    AssistTask.BEATS: "The episode's hook, turns and cliffhanger, shown on the pacing strip",
    AssistTask.CLIFFHANGERS: "Three alternative endings, to insert into the script or copy",
    AssistTask.HOOKS: "Three alternative openings, to insert into the script or copy",
}


class AssistantActions(QObject):
    """The assistant's actions on ``session`` (:meth:`actions`, for a menu); answers open over
    ``window``; alternatives are inserted into ``editor``. ``shown`` carries each suggestions
    panel or alternatives dialog opened."""

    shown = Signal(object)

    def __init__(self, session: Session, window: QWidget, editor: ScriptEditor) -> None:
        super().__init__(window)
        self.session, self.window, self.editor = session, window, editor
        self.act: dict[AssistTask, QAction] = {}
        for task, text in MENU:
            action = QAction(text, window)
            action.setToolTip(TIPS[task])
            action.setStatusTip(TIPS[task])
            action.triggered.connect(lambda _=False, t=task: self.suggest(t))
            self.act[task] = action
        self.latest_action = QAction("Show &Latest Prompt Suggestions", window)
        self.latest_action.triggered.connect(self.show_latest_prompts)
        self.dialogs: dict[AssistTask, QDialog] = {}  # the one open for each task
        session.resultRecorded.connect(self._recorded)
        session.projectChanged.connect(self._close_dialogs)

    def actions(self) -> list[QAction]:
        """The menu's actions, in order."""
        return [*self.act.values(), self.latest_action]

    def suggest_prompts(self) -> list[Job]:
        return self.suggest(AssistTask.PROMPTS)

    def suggest(self, task: AssistTask) -> list[Job]:
        """Queue ``task`` for the episode shown; the job, or none (why is on ``message``)."""
        session, project = self.session, self.session.project
        what = f"suggest {task.value}"
        if project is None or session.runner is None:
            why = "no project is open" if project is None else "the project is open read-only"
            session.message.emit(f"cannot {what}: {why}")
            return []
        try:
            model = chat_model(self._registry())
            request = assist_request(project, model, task, session.episode_number)
        except AssistUnavailable as exc:
            session.message.emit(str(exc))
            return []
        except (OSError, ValueError) as exc:
            session.message.emit(f"cannot {what}: {exc}")
            return []
        jobs = session.runner.submit([request])
        session.message.emit(
            f"Asking {model.name} for {task.value} of episode {request.episode} (see Jobs)"
        )
        return jobs

    def show_latest_prompts(self) -> PromptSuggestions | None:
        """The panel of the newest prompt suggestions of the episode shown (made before)."""
        root, episode = self.session.root, self.session.episode_number
        found = latest_suggestion(root, episode, AssistTask.PROMPTS) if root else None
        if found is None:
            self.session.message.emit(
                f"no prompt suggestions for episode {episode} yet: Assistant ▸ Suggest Prompts"
            )
            return None
        return self.show_suggestion(found)  # type: ignore[return-value]

    def _registry(self) -> Registry:
        """The window's registry when it lists a chat model, else the models folder read now
        (a model may have been installed since)."""
        from studio.app.models import scan_models

        registry = self.session.registry
        if registry is not None and registry.of_kind(ModelKind.CHAT):
            return registry
        return scan_models(self.session.models_dir)

    def _recorded(self, recorded: object) -> None:
        root = self.session.root
        if getattr(recorded, "what", "") != "suggestion" or root is None:
            return
        try:
            suggestion = read_suggestion(root, recorded.item)  # type: ignore[attr-defined]
        except SuggestionError as exc:
            self.session.message.emit(str(exc))
            return
        if suggestion.task is AssistTask.BEATS:
            self.session.message.emit(
                f"The assistant's beats for episode {suggestion.request.episode} are on the "
                "pacing strip (violet)"
            )
            return
        self.show_suggestion(suggestion)

    def show_suggestion(self, suggestion: Suggestion) -> QDialog | None:
        """Open the panel of ``suggestion`` (prompts) or its alternatives (cliffhangers, hooks)."""
        project = self.session.project
        if project is None:
            return None
        old = self.dialogs.pop(suggestion.task, None)
        if old is not None:
            old.close()
            old.deleteLater()
        dialog: QDialog
        if suggestion.task is AssistTask.PROMPTS:
            dialog = PromptSuggestions(self.session, suggestion, self.window)
        else:
            dialog = AlternativesDialog(suggestion, self.editor, self.window)
        self.dialogs[suggestion.task] = dialog
        dialog.show()
        self.shown.emit(dialog)
        return dialog

    def _close_dialogs(self) -> None:
        """Another project: its suggestions are not this one's."""
        for dialog in self.dialogs.values():
            dialog.close()
            dialog.deleteLater()
        self.dialogs.clear()
