"""Applying a translator's XLIFF file (read by :mod:`studio.core.xliff`) to the project.

Only what the translator changed is applied. A unit whose target differs from ours sets the
translation (``edited``, or ``approved`` when the file says ``reviewed``/``final``); a unit whose
target is ours unchanged keeps its state, except that ``reviewed``/``final`` approves it. A
unit whose source no longer reads as the project's line is skipped (the script changed since
the export), and ids the project does not have are reported: nothing is guessed. A file for
a language the project does not translate into is refused before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.core.model import Project
from studio.core.translations import (
    LineState,
    TranslatedLine,
    dialogue_lines,
    find_language,
    tag_problem,
)
from studio.core.xliff import XliffError, XliffFile

APPROVING = ("reviewed", "final")


@dataclass
class ImportReport:
    language: str
    changed: list[str] = field(default_factory=list)  # unit ids whose translation was set
    approved: list[str] = field(default_factory=list)  # unchanged text, approved in the file
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (unit id, why)
    unknown: list[str] = field(default_factory=list)  # unit ids the project does not have

    @property
    def edits(self) -> int:
        return len(self.changed) + len(self.approved)

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "changed": self.changed,
            "approved": self.approved,
            "unchanged": self.unchanged,
            "skipped": [{"id": i, "reason": why} for i, why in self.skipped],
            "unknown": self.unknown,
        }


def apply_xliff(project: Project, xliff: XliffFile) -> ImportReport:
    """Apply ``xliff`` to the project's translations; what changed, was skipped, and why.
    XliffError (nothing changed) for a language the project does not translate into."""
    if tag_problem(xliff.target_lang):
        raise XliffError(f"the file's target language: {tag_problem(xliff.target_lang)}")
    try:
        language = find_language(project, xliff.target_lang)
    except ValueError as exc:
        raise XliffError(f"the file translates into {exc}") from None
    source = project.language
    if (
        source
        and xliff.source_lang not in ("", "und")
        and source.casefold() != (xliff.source_lang.casefold())
    ):
        raise XliffError(
            f"the file translates from {xliff.source_lang}, the project's language is {source}"
        )
    lines = dialogue_lines(project)
    report = ImportReport(language.tag)
    seen: set[tuple[str, int]] = set()
    for unit in xliff.units:
        key = _key(unit.id)
        if key is None or key not in lines:
            report.unknown.append(unit.id)
            continue
        if key in seen:
            report.skipped.append((unit.id, "it appears twice in the file"))
            continue
        seen.add(key)
        if unit.problem:
            report.skipped.append((unit.id, unit.problem))
            continue
        if unit.source != lines[key]:
            report.skipped.append((unit.id, "its source line changed in the script since"))
            continue
        ours = language.lines.get(key)
        if not unit.target:
            report.unchanged += 1
        elif ours is None or ours.text != unit.target:
            state = LineState.APPROVED if unit.state in APPROVING else LineState.EDITED
            if ours is None:
                language.lines[key] = TranslatedLine(
                    key[0], key[1], unit.target, state, unit.source
                )
            else:
                ours.text, ours.state, ours.source = unit.target, state, unit.source
            report.changed.append(unit.id)
        elif unit.state in APPROVING and (
            ours.state is not LineState.APPROVED or (ours.source != unit.source)
        ):
            ours.state, ours.source = LineState.APPROVED, unit.source
            report.approved.append(unit.id)
        else:
            report.unchanged += 1
    if report.changed:
        language.lines = dict(sorted(language.lines.items()))
    return report


def _key(unit_id: str) -> tuple[str, int] | None:
    shot, colon, index = unit_id.rpartition(":")
    if not colon or not index.isdigit() or len(index) > 6:
        return None
    return (shot, int(index))
