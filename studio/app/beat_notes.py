"""The assistant's newest beat sheet of an episode in words, one line a beat, for the pacing
strip's tooltip (the strip draws the beats themselves from
:func:`studio.app.assistant.suggested_beats`, through the pacing analysis)."""

from __future__ import annotations

from pathlib import Path

from studio.app.assistant import latest_suggestion
from studio.core.assist import AssistTask


def beat_notes(root: Path | None, episode: int) -> list[str]:
    """``"hook, shot 1: …"``, each turn, then the cliffhanger; empty without a beat sheet."""
    sheet = latest_suggestion(root, episode, AssistTask.BEATS) if root is not None else None
    if sheet is None:
        return []
    answer = sheet.answers[0]
    marks = [("hook", answer["hook"]), *(("turn", t) for t in answer["turns"])]
    marks.append(("cliffhanger", answer["cliffhanger"]))
    return [f"{kind}, shot {mark['shot']}: {' '.join(mark['text'].split())}"
            for kind, mark in marks]  # fmt: skip
