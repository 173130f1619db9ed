"""Upgrades of ``project.json`` from older schema versions: one function per step.

``UPGRADES[n]`` turns a version-``n`` document into version ``n + 1``; the store runs them in
order and keeps the original file beside the upgraded one on the first save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Document = dict[str, Any]


def _shots(doc: Document) -> Iterator[dict[str, Any]]:
    project = doc.get("project")
    if not isinstance(project, dict):
        return
    shots: list[Any] = list(project.get("archived_shots") or [])
    for episode in project.get("episodes") or []:
        for scene in (episode or {}).get("scenes") or []:
            shots.extend((scene or {}).get("shots") or [])
    yield from (shot for shot in shots if isinstance(shot, dict))


def v1_to_v2(doc: Document) -> Document:
    """Version 2 records where and how fast each take was made (``timings``, ``device``), lets
    a shot carry the user's own prompt (``prompt``), and attaches LoRAs to characters and to
    the project's style (``loras``)."""
    project = doc.get("project")
    if isinstance(project, dict):
        project.setdefault("loras", [])
        for character in project.get("characters") or []:
            if isinstance(character, dict):
                character.setdefault("loras", [])
    for shot in _shots(doc):
        shot.setdefault("prompt", "")
        for take in shot.get("takes") or []:
            if isinstance(take, dict):
                take.setdefault("timings", {})
                take.setdefault("device", "")
    return doc


def v2_to_v3(doc: Document) -> Document:
    """Version 3 adds sound: a shot's spoken dialogue (``voice``) and sound effects (``sfx``),
    an episode's music bed (``music``), and the link from a lip-synced take to the take it
    re-mouthed (``source_take``)."""
    project = doc.get("project")
    if isinstance(project, dict):
        for episode in project.get("episodes") or []:
            if isinstance(episode, dict):
                episode.setdefault("music", None)
    for shot in _shots(doc):
        shot.setdefault("voice", [])
        shot.setdefault("sfx", [])
        for take in shot.get("takes") or []:
            if isinstance(take, dict):
                take.setdefault("source_take", "")
    return doc


def v3_to_v4(doc: Document) -> Document:
    """Version 4 adds what the export needs: a shot's crop ``focus``, an episode's
    ``cover_frame``, and the project's AI-content ``label`` text and ``producer``."""
    project = doc.get("project")
    if isinstance(project, dict):
        project.setdefault("label", "")
        project.setdefault("producer", "")
        for episode in project.get("episodes") or []:
            if isinstance(episode, dict):
                episode.setdefault("cover_frame", None)
    for shot in _shots(doc):
        shot.setdefault("focus", [0.5, 0.5])
    return doc


def v4_to_v5(doc: Document) -> Document:
    """Version 5 keeps the takes deleted in review (``archived_takes``), so they can be
    brought back and their files are never lost."""
    for shot in _shots(doc):
        shot.setdefault("archived_takes", [])
    return doc


def v5_to_v6(doc: Document) -> Document:
    """Version 6 adds language variants: the project's target languages and each dialogue
    line translated (``languages``, see :mod:`studio.core.translations`)."""
    project = doc.get("project")
    if isinstance(project, dict):
        project.setdefault("languages", [])
    return doc


UPGRADES: dict[int, Callable[[Document], Document]] = {
    1: v1_to_v2,
    2: v2_to_v3,
    3: v3_to_v4,
    4: v4_to_v5,
    5: v5_to_v6,
}
