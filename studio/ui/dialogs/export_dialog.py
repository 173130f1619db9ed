"""The Export dialog: an episode, a preset, captions, labels, OpenTimelineIO, approved takes only,
and where to write it; then the export itself (``studio.media.episode_export``) off the window's
thread (a :class:`studio.ui.tasks.Task`), its progress shown stage by stage, Cancel honoured, and
the video and its folder one click away; an existing file is replaced only if the user says so,
and the status says the output's size and duration. A branching episode can also go out as an
interactive package (a folder that plays in a browser, ``studio.media.interactive_export``); the
format is offered only for an episode whose script branches, and the story's errors are said
before anything runs.

The export reads a copy of the project taken when Export is pressed, so the window can go on
editing while it runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.app.story import EpisodeStory, episode_story
from studio.core.model import Project
from studio.core.resources import resources_dir
from studio.core.titles import episode_name
from studio.media.episode_export import (
    ExportEvent,
    ExportOptions,
    ExportResult,
    default_output,
    export_episode,
)
from studio.media.export_plan import ExportError
from studio.media.ffmpeg import MediaError
from studio.media.interactive_export import InteractiveResult, StoryErrors, export_interactive
from studio.media.presets import CAPTION_MODES, PRESETS, ExportPreset
from studio.ui.dialogs.export_dialog_outcome import (
    ask_overwrite,
    folder_of,
    opened_file,
    overwritten,
    saved_lines,
    story_errors,
    written,
)
from studio.ui.tasks import Task, failure_text

STAGES = {"plan": "Plan", "video": "Shots", "audio": "Sound", "join": "Join", "extras": "Extras",
          "package": "Package"}  # fmt: skip
VIDEO, INTERACTIVE = "video", "interactive"
CANCELLED = "export cancelled"  # ExportError's message when the cancel flag stopped it


class ExportDialog(QDialog):
    """Export one episode of the project in ``project_root``; ``exported`` carries the result."""

    exported = Signal(object)  # ExportResult, or InteractiveResult for a package

    def __init__(
        self,
        project_root: Path,
        project: Project,
        episode_number: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Episode")
        self.setMinimumWidth(560)
        self.root = Path(project_root)
        self.project = project
        self.result: ExportResult | InteractiveResult | None = None
        self.story: EpisodeStory | None = None  # the chosen episode's, when it branches
        self.error_box: QMessageBox | None = None
        self._task: Task | None = None  # the export running
        self._closing = False
        self._output_edited = False
        # asked before replacing an existing file (the path): True replaces it; tests set it
        self.confirm_overwrite: Callable[[Path], bool] = lambda path: ask_overwrite(self, path)
        self._build_form(episode_number)
        self._build_progress()
        self._episode_chosen()
        self._set_running(False, "" if project.episodes else "This project has no episodes yet.")

    # -- building -----------------------------------------------------------------------------

    def _build_form(self, episode_number: int) -> None:
        self.episode = QComboBox()
        for episode in self.project.episodes:
            self.episode.addItem(episode_name(episode.number, episode.title), episode.number)
        self.episode.setCurrentIndex(max(0, self.episode.findData(episode_number)))
        self.format = QComboBox()
        self.format.addItem("Episode video (MP4)", VIDEO)
        self.format.addItem("Interactive package (a folder that plays in a browser)", INTERACTIVE)
        self.preset = QComboBox()
        for name in PRESETS:
            self.preset.addItem(name, name)
        self.captions = QComboBox()
        for mode in CAPTION_MODES:
            self.captions.addItem(mode, mode)
        self.labels = QCheckBox("Visible AI label and AI-content metadata")
        self.labels.setChecked(True)
        self.otio = QCheckBox("OpenTimelineIO timeline (.otio) beside the video")
        self.approved_only = QCheckBox("Approved takes only (stop if a shot has none)")
        self.output = QLineEdit()
        self.output.textEdited.connect(self._output_typed)
        self.browse = self._button("Browse…", self.choose_output)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(self.browse)
        self.episode.currentIndexChanged.connect(self._episode_chosen)
        self.format.currentIndexChanged.connect(self._format_chosen)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.form = QWidget()
        form = QFormLayout(self.form)
        form.addRow("Episode", self.episode)
        form.addRow("Format", self.format)
        form.addRow("Preset", self.preset)
        form.addRow("Captions", self.captions)
        form.addRow("", self.labels)
        form.addRow("", self.otio)
        form.addRow("", self.approved_only)
        form.addRow("Save as", out_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)

    def _build_progress(self) -> None:
        grid = QGridLayout()
        self.bars: dict[str, QProgressBar] = {}
        for row, (stage, name) in enumerate(STAGES.items()):
            self.bars[stage] = QProgressBar()
            grid.addWidget(QLabel(name), row, 0)
            grid.addWidget(self.bars[stage], row, 1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = self._button("&Export", self.start)
        self.export_button.setDefault(True)
        self.cancel_button = self._button("&Cancel", self.cancel)
        self.open_button = self._button("Open &Folder", self.open_folder)
        self.open_button.setEnabled(False)
        self.open_file_button = self._button("Open &Video", self.open_file)
        self.open_file_button.setEnabled(False)
        self.close_button = self._button("C&lose", self.reject)
        row = QHBoxLayout()
        row.addWidget(self.open_file_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        for button in (self.export_button, self.cancel_button, self.close_button):
            row.addWidget(button)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addLayout(grid)
        layout.addWidget(self.status)
        layout.addLayout(row)

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    # -- what the user does -------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None

    def chosen_preset(self) -> ExportPreset:
        return PRESETS[self.preset.currentData()]

    def options(self) -> ExportOptions:
        """The options the form says."""
        return ExportOptions(
            preset=self.chosen_preset(),
            captions=self.captions.currentData(),
            labels=self.labels.isChecked(),
            approved_only=self.approved_only.isChecked(),
            otio=self.otio.isChecked(),
            resources=resources_dir(),
        )

    @property
    def interactive(self) -> bool:
        return self.format.currentData() == INTERACTIVE

    def choose_output(self) -> None:
        if self.interactive:
            folder = QFileDialog.getExistingDirectory(self, "Export the package into",
                                                      self.output.text())  # fmt: skip
            if folder:
                self.output.setText(folder)
                self._output_edited = True
            return
        file, _ = QFileDialog.getSaveFileName(
            self, "Export the episode as", self.output.text(), "MP4 video (*.mp4)"
        )
        if file:
            self.output.setText(file if file.lower().endswith(".mp4") else f"{file}.mp4")
            self._output_edited = True

    def start(self) -> None:
        """Export with what the form says, off the window's thread."""
        if self.running:
            return
        text = self.output.text().strip()
        if not text:
            self._show_error("Say where to save the " + ("package." if self.interactive
                                                         else "video."))  # fmt: skip
            return
        out = Path(text).expanduser()
        if not out.is_absolute():
            out = self.root / out
        number = int(self.episode.currentData())
        if self.interactive and (self.story is None or self.story.errors):
            self._show_error(story_errors(self.story.errors) if self.story is not None
                             else f"Episode {number} does not branch.")  # fmt: skip
            return
        existing = overwritten(out, self.interactive)
        if existing is not None and not self.confirm_overwrite(existing):
            self.status.setText(f"Not exported: {existing} is kept as it was.")
            return
        options = self.options()
        snapshot = Project.from_json(self.project.to_json())  # the export reads only this copy
        self.result = None
        for bar in self.bars.values():
            bar.setRange(0, 1)
            bar.setValue(0)
        self.open_button.setEnabled(False)
        self.open_file_button.setEnabled(False)
        self._set_running(True, f"Exporting episode {number}…")
        self._task = task = Task(self, "studio-export")
        task.progress.connect(self._on_event)
        task.done.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        root, cancel, story = self.root, task.cancel_event, self.story
        if self.interactive:
            task.start(lambda: export_interactive(root, snapshot, number, story, out, options,
                                                  on_event=task.report, cancel=cancel))  # fmt: skip
        else:
            task.start(lambda: export_episode(root, snapshot, number, out, options,
                                              on_event=task.report, cancel=cancel))  # fmt: skip

    def cancel(self) -> None:
        """Stop the export at its next step; nothing is left at the output."""
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    def open_folder(self) -> None:
        folder = folder_of(self.result)
        if folder is None:
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self._show_error(f"No file manager could open {folder}")

    def open_file(self) -> None:
        """Open the video (or the package's page) in the system's player or browser."""
        path = opened_file(self.result)
        if path is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._show_error(f"Nothing could open {path}")

    def reject(self) -> None:
        """Close (Escape and the window's close button come here too); a running export is
        cancelled first and the dialog closes when it stops."""
        if self.running:
            self._closing = True
            self.cancel()
            return
        super().reject()

    # -- events from the export ---------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        assert isinstance(event, ExportEvent)
        stages = list(STAGES)
        if event.stage in STAGES:
            for earlier in stages[: stages.index(event.stage)]:
                self.bars[earlier].setValue(self.bars[earlier].maximum())
            bar = self.bars[event.stage]
            bar.setRange(0, max(1, event.total))
            bar.setValue(min(event.done, max(1, event.total)))
            if event.message and not self._cancelled():
                self.status.setText(f"{STAGES[event.stage]}: {event.message}")

    def _on_finished(self, result: object) -> None:
        assert isinstance(result, ExportResult | InteractiveResult)
        self._task = None
        self.result = result
        for bar in self.bars.values():
            bar.setValue(bar.maximum())
        self._set_running(False, "\n".join(saved_lines(result)))
        self.open_button.setEnabled(written(result) is not None)
        self.open_file_button.setEnabled(written(result) is not None)
        self.exported.emit(result)
        if self._closing:
            super().reject()

    def _on_failed(self, exc: Exception) -> None:
        message = failure_text(exc, (ExportError, MediaError, OSError))
        if isinstance(exc, StoryErrors):  # the script changed since the dialog read it
            message = story_errors(exc.problems)
        cancelled = self._cancelled() and message == CANCELLED
        self._task = None
        self._set_running(False, "Export cancelled." if cancelled else f"Export failed: {message}")
        if self._closing:
            super().reject()
        elif not cancelled:
            self._show_error(message)

    # -- inside -------------------------------------------------------------------------------

    def _episode_chosen(self) -> None:
        """Offer the interactive package only for an episode that branches; read its story."""
        number = self.episode.currentData()
        self.story, problem = None, ""
        if number is not None:
            try:
                self.story = episode_story(self.project, self.root, number)
            except ValueError as exc:
                problem = str(exc)
        item = self.format.model().item(1)  # type: ignore[attr-defined]
        item.setEnabled(self.story is not None)
        no_story = problem or "This episode's script has no [[choice: …]]: nothing to choose"
        item.setToolTip("" if self.story is not None else no_story)
        if self.story is None and self.interactive:
            self.format.setCurrentIndex(0)  # calls _format_chosen
        else:
            self._format_chosen()

    def _format_chosen(self) -> None:
        self.open_file_button.setText("Open &Page" if self.interactive else "Open &Video")
        self.otio.setEnabled(not self.interactive)
        if self.interactive:
            self.otio.setChecked(False)
        self._preset_chosen()
        errors = self.story.errors if self.story is not None and self.interactive else []
        if not self.running:
            self._set_running(False, story_errors(errors) if errors else "")
            self.export_button.setEnabled(self.export_button.isEnabled() and not errors)

    def _cancelled(self) -> bool:
        return self._task is not None and self._task.cancelled

    def _preset_chosen(self) -> None:
        preset = self.chosen_preset()
        self.captions.setCurrentIndex(max(0, self.captions.findData(preset.captions)))
        self._suggest_output()

    def _suggest_output(self) -> None:
        if self._output_edited or self.episode.currentData() is None:
            return
        out = default_output(self.root, self.project, self.episode.currentData(),
                             self.chosen_preset())  # fmt: skip
        if self.interactive:
            out = out.with_name(f"{out.stem}-interactive")
        self.output.setText(str(out))

    def _output_typed(self) -> None:
        self._output_edited = True

    def _set_running(self, running: bool, message: str) -> None:
        self.form.setEnabled(not running)
        self.export_button.setEnabled(not running and bool(self.project.episodes))
        self.cancel_button.setEnabled(running)
        self.status.setText(message)
        self.adjustSize()  # room for a long message (the warnings)

    def _show_error(self, message: str) -> None:
        """Say what went wrong in a window-modal box (it does not block the caller)."""
        self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Export", message,
                                     QMessageBox.StandardButton.Ok, self)  # fmt: skip
        self.error_box.open()
