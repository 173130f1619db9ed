"""The bible's form for one character: description, seed, voice settings (with a preview
button) and the LoRAs attached to them (read-only).

Each change is one undoable edit through :func:`studio.ui.actions.edit_character`: the
description after a short pause in typing (or when the field loses focus), the seed when its
editing finishes, the voice as one ``VoiceSettings`` whenever one of its fields is set. When the
model changes under the form (an undo, another panel), a field shows the new value only if that
value changed, so what the user is typing elsewhere in the form is not lost.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.kinds import VOICE_BACKENDS, Backend
from studio.core.model import Character, VoiceSettings
from studio.media.ffmpeg import MediaError
from studio.ui import actions
from studio.ui.characters.voice_preview import VoicePreview, preview_request
from studio.ui.session import Session

PAUSE_MS = 800  # typing pause after which the description is applied
BACKENDS = tuple(b.value for b in VOICE_BACKENDS)
SEED_MAX = 2**31 - 1


class CharacterForm(QWidget):
    """Edits the character named by :meth:`set_character` ("" = none: the form is disabled)."""

    previewed = Signal(str)  # the preview's WAV, once rendered (played, or muted)
    _rendered = Signal(object, str)  # from the preview's thread: (WAV | None, why not)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.name = ""
        self._loaded: dict[str, object] = {}  # what each field last showed from the model
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("How they look: face, hair, build, clothes…")
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(110)
        self.seed = QSpinBox()
        self.seed.setRange(0, SEED_MAX)
        self.seed.setToolTip("The seed their shots start from, so they look alike")
        self.backend = QComboBox()
        self.backend.addItems(BACKENDS)
        self.voice = QLineEdit()
        self.voice.setPlaceholderText("chosen for them (e.g. en-us+f3, af_heart)")
        self.language = QLineEdit()
        self.language.setPlaceholderText("the project's (e.g. en, zh)")
        self.model = QLineEdit()
        self.model.setPlaceholderText("the Kokoro model's name")
        self.rate, self.pitch, self.volume = _factor(), _factor(), _factor()
        self.preview_button = QPushButton("Preview Voice")
        self.preview_status = QLabel()
        self.preview_status.setWordWrap(True)
        self.loras = QLabel()
        self.loras.setWordWrap(True)
        self._build()
        self._pause = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self._pause.timeout.connect(self.apply_description)
        self._stop = QTimer(self, singleShot=True)
        self._preview = preview = VoicePreview(_models_dir(session))
        self.destroyed.connect(lambda *_: preview.close())
        self.last_wav: Path | None = None
        self._connect()
        self.set_character("")

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Description", self.description)
        form.addRow("Seed", self.seed)
        form.addRow("Voice engine", self.backend)
        form.addRow("Voice", self.voice)
        form.addRow("Language", self.language)
        form.addRow("Voice model", self.model)
        form.addRow("Rate", self.rate)
        form.addRow("Pitch", self.pitch)
        form.addRow("Volume", self.volume)
        preview = QHBoxLayout()
        preview.addWidget(self.preview_button)
        preview.addWidget(self.preview_status, 1)
        form.addRow("", preview)
        form.addRow("LoRAs", self.loras)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)

    def _connect(self) -> None:
        self.description.textChanged.connect(self._typed)
        self.description.installEventFilter(self)
        self.seed.editingFinished.connect(self.apply_seed)
        self.backend.activated.connect(lambda _index: self.apply_voice())
        for line in (self.voice, self.language, self.model):
            line.editingFinished.connect(self.apply_voice)
        for spin in (self.rate, self.pitch, self.volume):
            spin.valueChanged.connect(lambda _value: self.apply_voice())
        self.preview_button.clicked.connect(self.preview)
        self._rendered.connect(self._play)
        self._stop.timeout.connect(self._preview.stop)

    # -- showing ------------------------------------------------------------------------------

    def character(self) -> Character | None:
        project = self.session.project
        return project.character(self.name) if project is not None and self.name else None

    def set_character(self, name: str) -> None:
        """Show ``name`` (what was typed for the one shown before is applied first)."""
        if name != self.name:
            self.flush()
            self.name, self._loaded = name, {}
        self.load()

    def load(self) -> None:
        """Show the model's values of the fields that changed since last shown."""
        character = self.character()
        if character is None:
            self.name, self._loaded = "", {}
            character = Character(name="")
        voice = character.voice
        self._show("description", character.description,
                   lambda v: self.description.setPlainText(str(v)))  # fmt: skip
        self._show("seed", character.seed, lambda v: self.seed.setValue(int(v)))  # type: ignore[call-overload]
        self._show("voice", dataclasses.replace(voice), self._show_voice)
        weights = [f"{lora.path} ×{lora.weight:g}" for lora in character.loras]
        self.loras.setText("\n".join(weights) or "none")
        editable = self.session.writable and bool(self.name)
        for widget in self._fields()[1:]:
            widget.setEnabled(editable)
        self.description.setReadOnly(not editable)
        self.model.setEnabled(editable and voice.backend != Backend.ESPEAK)
        self.preview_button.setEnabled(bool(self.name))

    def _show(self, field: str, value: object, put: object) -> None:
        if field in self._loaded and self._loaded[field] == value:
            return  # unchanged in the model: keep what the user may be typing
        if field == "description":
            self._pause.stop()
        self._loaded[field] = value
        fields = self._fields()
        for widget in fields:
            widget.blockSignals(True)
        try:
            put(value)  # type: ignore[operator]
        finally:
            for widget in fields:
                widget.blockSignals(False)

    def _fields(self) -> list[QWidget]:
        return [self.description, self.seed, self.backend, self.voice, self.language,
                self.model, self.rate, self.pitch, self.volume]  # fmt: skip

    def _show_voice(self, voice: object) -> None:
        assert isinstance(voice, VoiceSettings)
        if self.backend.findText(voice.backend) < 0:
            self.backend.addItem(voice.backend)  # a backend this window does not know: kept
        self.backend.setCurrentText(voice.backend)
        self.voice.setText(voice.voice)
        self.language.setText(voice.language)
        self.model.setText(voice.model)
        self.rate.setValue(voice.rate)
        self.pitch.setValue(voice.pitch)
        self.volume.setValue(voice.volume)

    # -- editing ------------------------------------------------------------------------------

    def flush(self) -> None:
        """Apply what is typed and not applied yet."""
        if self._pause.isActive():
            self.apply_description()

    def discard(self) -> None:
        """Forget what is typed and the character shown (another project was opened)."""
        self._pause.stop()
        self.name, self._loaded = "", {}
        self.load()

    def apply_description(self) -> None:
        self._pause.stop()
        character = self.character()
        text = self.description.toPlainText()
        if character is not None and text != character.description:
            self._loaded["description"] = text
            actions.edit_character(self.session, self.name, description=text)

    def apply_seed(self) -> None:
        character = self.character()
        if character is not None and self.seed.value() != character.seed:
            self._loaded["seed"] = self.seed.value()
            actions.edit_character(self.session, self.name, seed=self.seed.value())

    def voice_settings(self) -> VoiceSettings:
        """The voice as the form shows it."""
        return VoiceSettings(
            backend=self.backend.currentText(),
            model=self.model.text().strip(),
            voice=self.voice.text().strip(),
            language=self.language.text().strip(),
            rate=round(self.rate.value(), 4),
            pitch=round(self.pitch.value(), 4),
            volume=round(self.volume.value(), 4),
        )

    def apply_voice(self) -> None:
        character = self.character()
        voice = self.voice_settings()
        self.model.setEnabled(self.session.writable and voice.backend != Backend.ESPEAK)
        if character is not None and voice != character.voice:
            self._loaded["voice"] = dataclasses.replace(voice)
            actions.edit_character(self.session, self.name, voice=voice)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.description and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def _typed(self) -> None:
        if self.session.writable and self.name:
            self._pause.start()

    # -- the voice preview --------------------------------------------------------------------

    def preview(self) -> None:
        """Render the character's sample line off the GUI thread, then play it."""
        character, project = self.character(), self.session.project
        if character is None or project is None:
            return
        self.flush()
        self.apply_voice()
        request = preview_request(project, character)
        self.preview_status.setText(f"rendering “{_short(request.text)}”…")
        self.preview_button.setEnabled(False)
        self._preview.render(request, lambda wav, why: self._rendered.emit(wav, why))

    def _play(self, wav: Path | None, why: str) -> None:
        self.preview_button.setEnabled(bool(self.name))
        if wav is None:
            self.preview_status.setText(why)
            self.session.message.emit(why)
            return
        self.last_wav = wav
        try:
            seconds, muted = self._preview.play(wav)
        except (OSError, MediaError) as exc:  # the WAV cannot be read back
            seconds, muted = 0.0, str(exc)
        if muted:
            self.preview_status.setText(f"rendered {wav.name}; not heard: {muted}")
        else:
            self.preview_status.setText(f"playing {seconds:.1f} s")
            self._stop.start(round(seconds * 1000) + 200)
        self.previewed.emit(str(wav))


def _factor() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, 5.0)
    spin.setSingleStep(0.05)
    spin.setDecimals(2)
    spin.setKeyboardTracking(False)  # valueChanged once the number is entered, not per key
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    return spin


def _models_dir(session: Session) -> Path:
    from studio.engine.models_dir import models_dir

    return session.models_dir or models_dir()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
