"""The user's preferences (models folder, default backend and model, autosave interval, theme,
where jobs run: the local worker or the Ray farm), kept in the window's settings file
(``studio.ui.app.settings()``: an ini file in the platform's config folder, found with
platformdirs). A missing or unreadable value is its default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from studio.app.executors import KINDS, LOCAL, RAY, ExecutorChoice
from studio.core.kinds import PICTURE_BACKENDS, Backend
from studio.engine.models_dir import models_dir
from studio.ui.theme import THEMES

GROUP = "preferences"
BACKENDS = tuple(b.value for b in PICTURE_BACKENDS)  # what a new shot is generated with by default
AUTOSAVE_MINUTES = (1, 60)  # the range Settings allows
FARM_WORKERS = (0, 256)  # 0: one per GPU


@dataclass
class Preferences:
    models_dir: str = ""  # "" = the default folder (studio.engine.models_dir.models_dir())
    backend: str = Backend.ANIMATIC.value
    model: str = ""  # registry name of the default model ("" = none chosen)
    autosave_minutes: int = 2
    theme: str = "dark"
    executor: str = LOCAL  # where jobs run: LOCAL (this machine's worker) or RAY (the farm)
    ray_address: str = ""  # the farm's Ray cluster ("" = a local Ray with this machine's GPUs)
    ray_workers: int = 0  # the farm's workers (0 = one per GPU)

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        """The preferences in ``settings``; each missing or bad value is its default."""
        default = cls()
        settings.beginGroup(GROUP)
        try:
            raw: dict[str, Any] = {key: settings.value(key) for key in settings.childKeys()}
        finally:
            settings.endGroup()
        minutes = _integer(raw.get("autosave_minutes"))
        workers = _integer(raw.get("ray_workers"))
        executor = _choice(raw.get("executor"), KINDS, default.executor)
        low, high = AUTOSAVE_MINUTES
        return cls(
            models_dir=_text(raw.get("models_dir"), default.models_dir),
            backend=_choice(raw.get("backend"), BACKENDS, default.backend),
            model=_text(raw.get("model"), default.model),
            autosave_minutes=minutes if minutes is not None and low <= minutes <= high
            else default.autosave_minutes,
            theme=_choice(raw.get("theme"), THEMES, default.theme),
            executor=executor,
            ray_address=_text(raw.get("ray_address"), default.ray_address) if executor == RAY
            else "",
            ray_workers=workers if executor == RAY and workers is not None
            and FARM_WORKERS[0] <= workers <= FARM_WORKERS[1] else default.ray_workers,
        )  # fmt: skip

    def save(self, settings: QSettings) -> None:
        """Write every preference into ``settings`` and flush it to disk."""
        settings.beginGroup(GROUP)
        try:
            settings.setValue("models_dir", self.models_dir)
            settings.setValue("backend", self.backend)
            settings.setValue("model", self.model)
            settings.setValue("autosave_minutes", int(self.autosave_minutes))
            settings.setValue("theme", self.theme)
            settings.setValue("executor", self.executor)
            settings.setValue("ray_address", self.ray_address)
            settings.setValue("ray_workers", int(self.ray_workers))
        finally:
            settings.endGroup()
        settings.sync()

    def executor_choice(self) -> ExecutorChoice:
        """Where the jobs of a project opened now run."""
        if self.executor != RAY:
            return ExecutorChoice()
        return ExecutorChoice(RAY, self.ray_address, self.ray_workers)

    def models_path(self) -> Path:
        """The models folder in effect: the chosen one, else the default one."""
        chosen = self.models_dir.strip()
        return Path(chosen).expanduser() if chosen else models_dir()


def _text(value: object, default: str) -> str:
    return value.strip() if isinstance(value, str) else default


def _choice(value: object, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None
