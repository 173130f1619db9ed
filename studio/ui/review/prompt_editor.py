"""The take review's prompt editor: a prompt to edit in several lines, its token count for the
model that will run it, and the seed and steps to generate with.

Enter (or Generate) generates, Shift+Enter starts a new line, Escape closes the editor. The
count is :mod:`studio.app.prompt_tokens`'s: estimated ("≈") until the model's tokenizer is
loaded off the GUI thread, then exact; red past the text encoder's limit (the words after it
are cut off).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from studio.app.prompt_tokens import ESTIMATE, PromptCounter
from studio.ui.tasks import run_in_background

OVER_COLOUR = "#d8453b"  # the count past the limit
EDIT_LINES = 3  # the prompt's height, in lines
MAX_SEED = 2**31 - 1
MAX_STEPS = 500
Generate = Callable[[str, bool, int | None, int | None], None]


class PromptEditor(QWidget):
    """Generating calls ``generate(text, save_as_shot_prompt, seed, steps)`` (None: the seed
    or steps the generation would use anyway); Escape hides the editor and calls ``closed()``."""

    def __init__(self, generate: Generate, closed: Callable[[], object]) -> None:
        super().__init__()
        self._generate = generate
        self.counter: PromptCounter = ESTIMATE
        self.model: str | None = None  # the model whose counter is used (or is being loaded)
        self.edit = QPlainTextEdit(placeholderText="the prompt to generate with")
        self.edit.setTabChangesFocus(True)
        lines = self.edit.fontMetrics().lineSpacing() * EDIT_LINES
        self.edit.setFixedHeight(lines + 2 * round(self.edit.document().documentMargin()) + 4)
        self.edit.installEventFilter(self)
        self.tokens = QLabel()
        self.seed = _spin(-1, MAX_SEED, "Seed ", "Seed: shot's own")
        self.steps = _spin(0, MAX_STEPS, "Steps ", "Steps: default")
        self.save = QCheckBox("Save as the shot's prompt")
        button = QPushButton("Generate", toolTip="Generate with this prompt (Enter)")
        button.clicked.connect(self.generate)
        escape = QAction("Close the Prompt", self, shortcut=QKeySequence("Escape"))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.triggered.connect(lambda *_: (self.hide(), closed()))
        self.addAction(escape)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.edit, 0, 0, 2, 1)
        grid.addWidget(self.seed, 0, 1)
        grid.addWidget(self.steps, 0, 2)
        grid.addWidget(self.tokens, 1, 1, Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(button, 1, 2)
        grid.addWidget(self.save, 2, 0, 1, 3)
        grid.setColumnStretch(0, 1)
        self.edit.textChanged.connect(self.recount)
        self.recount()
        self.hide()

    def open(
        self, prompt: str, seed: int | None = None, steps: int | None = None,
        must_save: bool = False,
    ) -> None:  # fmt: skip
        """Show ``prompt`` to edit, with ``seed`` and ``steps`` (None: the generation's own);
        ``must_save``: it becomes the shot's prompt, no choice."""
        self.edit.setPlainText(prompt)
        self.seed.setValue(min(seed, MAX_SEED) if seed is not None else -1)
        self.steps.setValue(min(steps, MAX_STEPS) if steps is not None else 0)
        self.save.setChecked(must_save)
        self.save.setEnabled(not must_save)
        self.show()
        self.edit.selectAll()
        self.edit.setFocus()

    def count_for(self, model: str, load: Callable[[], PromptCounter]) -> None:
        """Count tokens for ``model``: estimated until ``load()``, run off the GUI thread,
        gives the counter of its tokenizer (kept while the model stays the same)."""
        if model == self.model:
            return
        self.model = model
        self.use(ESTIMATE)

        def loaded(counter: PromptCounter) -> None:
            if self.model == model:  # not another model's by now
                self.use(counter)

        run_in_background(self, load, loaded, name="prompt-tokenizer")

    def use(self, counter: PromptCounter) -> None:
        """Count with ``counter`` from now on."""
        self.counter = counter
        self.recount()

    def recount(self) -> None:
        count = self.counter.count(self.edit.toPlainText())
        self.tokens.setText(str(count))
        self.tokens.setStyleSheet(f"color: {OVER_COLOUR};" if count.over else "")
        why = "past the limit the text encoder cuts the prompt off" if count.over else ""
        self.tokens.setToolTip("; ".join(t for t in (why, self.counter.problem) if t))

    def generate(self) -> None:
        seed, steps = self.seed.value(), self.steps.value()
        self._generate(self.edit.toPlainText(), self.save.isChecked(),
                       seed if seed >= 0 else None, steps or None)  # fmt: skip

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        """Enter in the prompt generates; Shift+Enter is a new line."""
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event if isinstance(event, QKeyEvent) else None
            if (key is not None and key.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                    and not key.modifiers() & Qt.KeyboardModifier.ShiftModifier):  # fmt: skip
                self.generate()
                return True
        return super().eventFilter(watched, event)


def _spin(low: int, high: int, prefix: str, special: str) -> QSpinBox:
    """A spin box from ``low`` (shown as ``special``: the generation's own value) to ``high``."""
    spin = QSpinBox(minimum=low, maximum=high, prefix=prefix, specialValueText=special)
    spin.setToolTip(f"{prefix.strip()}; at its lowest, the one generating would use anyway")
    return spin
