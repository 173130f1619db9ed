"""Scripts into projects: read any supported file as Fountain text, then break it down and
reconcile it with the project's shots.

The project always keeps its script as Fountain (the editor's format); a Final Draft file, or
a Chinese or plain-text script (:mod:`.script_format` tells which), is converted on import, so
shot line spans point into the text the user edits.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from studio.core.model import Character, Project
from studio.core.script import fountain
from studio.core.script.breakdown import Breakdown, break_down
from studio.core.script.elements import ScriptError
from studio.core.script.reconcile import ReconcileReport, reconcile
from studio.core.script.script_format import script_fountain
from studio.core.translations import reconcile_languages

MAX_SCRIPT_BYTES = 20 * 1024 * 1024


def read_script_text(path: str | Path, fmt: str = "auto") -> str:
    """The script at ``path`` as Fountain text, read in format ``fmt`` (see
    :mod:`.script_format`: ``auto``, ``fountain``, ``fdx``, ``cn`` or ``plain``)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SCRIPT_BYTES:
            raise ScriptError(f"{path}: {size // 1_048_576} MiB is too large for a script")
        data = path.read_bytes()
    except IsADirectoryError:
        raise ScriptError(f"{path} is a folder, not a script file") from None
    except FileNotFoundError:
        raise ScriptError(f"no such script file: {path}") from None
    except OSError as exc:
        raise ScriptError(f"cannot read script {path}: {exc.strerror or exc}") from None
    try:
        return script_fountain(data, path.suffix, fmt)
    except ScriptError as exc:
        raise ScriptError(f"{path.name}: {exc}") from None


def apply_script(project: Project, text: str) -> ReconcileReport:
    """Break ``text`` down into ``project``'s episodes, keeping shot ids and takes, and add a
    character for every new speaker. An untitled project takes the script's title."""
    breakdown = break_down(fountain.parse(text), project.fps)
    report = reconcile(project, breakdown)
    report.translations_dropped = reconcile_languages(project)
    add_speakers(project, breakdown)
    project.title = project.title or breakdown.title
    return report


def add_speakers(project: Project, breakdown: Breakdown) -> list[Character]:
    """Characters for speakers the project does not know yet; existing ones are untouched."""
    added = []
    for name in breakdown.speakers:
        if project.character(name) is None:
            character = Character(name=name, seed=character_seed(name))
            project.characters.append(character)
            added.append(character)
    return added


def character_seed(name: str) -> int:
    """A seed that is the same for a name in every project, so a cast looks alike by default."""
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF
