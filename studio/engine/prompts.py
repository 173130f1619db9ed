"""Prompts composed from a shot: framing, what happens, who is in it, where, and the style.

The shot's own ``prompt`` (the user's edit) wins; otherwise the prompt is built from the script
and the character bible, so the same character reads the same in every shot.
"""

from __future__ import annotations

import re

from studio.core.model import Project, Shot, ShotKind

DEFAULT_NEGATIVE = (
    "blurry, low quality, watermark, text, subtitles, logo, deformed hands, extra fingers, "
    "distorted face"
)
VERTICAL = "vertical 9:16 frame, cinematic, photorealistic"
_HEADING = re.compile(r"^(INT\./EXT|INT/EXT|I/E|INT|EXT|EST)[.\s]+", re.IGNORECASE)
_PLACES = {"INT": "interior", "EXT": "exterior", "EST": "establishing shot"}


def compose_prompt(project: Project, shot: Shot, heading: str) -> str:
    """The positive prompt for ``shot`` in a scene headed ``heading``."""
    if shot.prompt.strip():
        return shot.prompt.strip()
    parts = []
    if shot.framing:
        parts.append(f"{shot.framing} shot")
    parts.append(_action(shot))
    parts.extend(bible_lines(project, shot))
    setting = setting_of(heading)
    if setting:
        parts.append(setting)
    if project.style.strip():
        parts.append(project.style.strip())
    parts.append(VERTICAL)
    return ", ".join(p for p in parts if p)


def setting_of(heading: str) -> str:
    """``INT. LOBBY - NIGHT`` → ``interior, lobby, night``."""
    match = _HEADING.match(heading.strip())
    if not match:
        return heading.strip().lower()
    place = _PLACES.get(match.group(1).upper()[:3], "interior and exterior")
    rest = [p.strip().lower() for p in heading[match.end() :].split(" - ") if p.strip()]
    return ", ".join([place, *rest])


def _action(shot: Shot) -> str:
    text = " ".join(shot.description.split())
    if shot.kind is ShotKind.DIALOGUE:
        moods = [line.parenthetical for line in shot.dialogue if line.parenthetical]
        speakers = " and ".join(name.title() for name in shot.characters)
        mood = f", {', '.join(dict.fromkeys(moods))}" if moods else ""
        return f"{speakers} talking to camera{mood}, mouth visible"
    return text


def bible_lines(project: Project, shot: Shot) -> list[str]:
    """A bible line per character in the shot: ``Maya: 24, courier jacket, wet hair``."""
    lines = []
    for name in shot.characters:
        character = project.character(name)
        if character is not None and character.description.strip():
            lines.append(f"{name.title()}: {' '.join(character.description.split())}")
    return lines
