"""A small project in English and Spanish, built in memory from a script: three dialogue
shots, each voiced and with an approved take; every line translated, the second one dubbed
and lip-synced to take ``tk-es`` of its shot."""

from __future__ import annotations

from studio.core.model import Project, Shot
from studio.core.script.importer import apply_script
from studio.core.take import Take, TakeState
from studio.core.translations import LineState, TranslatedLine, add_languages, find_language
from studio.core.voicing import SAMPLE_RATE, VoiceClip

SCRIPT = """# Episode 1

INT. LOBBY - NIGHT

MAYA
I'm just here for a delivery. Sign, please.

ETHAN
Then deliver it, and go.

# Episode 2

EXT. ROOF - DAWN

MAYA
You again?
"""
SPANISH = ["Solo vengo a hacer una entrega. Firme, por favor.", "Pues entréguela y váyase.",
           "¿Tú otra vez?"]  # fmt: skip


def clip(line: int, seconds: float, start: float = 0.2, name: str = "src") -> VoiceClip:
    return VoiceClip(line, "MAYA", f"audio/{name}{line}.wav", f"audio/{name}{line}.json",
                     round(start * SAMPLE_RATE), round(seconds * SAMPLE_RATE))  # fmt: skip


def spanish_project() -> tuple[Project, list[Shot]]:
    """Three dialogue shots, each voiced and with an approved take; Spanish for every line,
    the second one dubbed, lip-synced to take ``tk-es`` of its shot."""
    project = Project(title="Glass", language="en")
    apply_script(project, SCRIPT)
    shots = [s for s in project.shots() if s.dialogue]
    for k, shot in enumerate(shots):
        shot.voice = [clip(0, 2.0)]
        shot.takes = [Take(f"tk-{k}", f"takes/{k}.mp4", state=TakeState.APPROVED)]
    add_languages(project, ["es"])
    spanish = find_language(project, "es")
    for shot, text in zip(shots, SPANISH, strict=True):
        line = TranslatedLine(shot.id, 0, text, LineState.APPROVED, shot.dialogue[0].text)
        spanish.lines[line.key] = line
    dubbed = spanish.lines[(shots[1].id, 0)]
    dubbed.voice, dubbed.take = clip(0, 1.4, name="es"), "tk-es"
    shots[1].takes.append(Take("tk-es", "takes/es.mp4", state=TakeState.DONE))
    return project, shots
