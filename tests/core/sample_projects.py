"""A small project, saved with its files, shared by the store tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.core.model import (
    Character,
    DialogueLine,
    Episode,
    Project,
    Scene,
    Shot,
    ShotKind,
    Take,
    TakeState,
)
from studio.core.request import ImageRequest, LipSyncRequest, VoiceRequest
from studio.core.store import create_project
from studio.core.translations import Language, LineState, TranslatedLine
from studio.core.voicing import AudioRef, VoiceClip


def image(seed: int) -> ImageRequest:
    """The request of an animatic take of shot sh-1."""
    return ImageRequest(shot_id="sh-1", seed=seed, prompt=f"rain, take {seed}")


def small_project() -> Project:
    when = "2025-01-01T00:00:00+00:00"
    takes = [
        Take("tk-1", "takes/sh-1/tk-1.mp4", image(1), TakeState.DONE, created=when),
        Take("tk-2", "takes/sh-1/tk-2.mp4", image(2), TakeState.APPROVED, created=when),
        Take("tk-3", "", state=TakeState.QUEUED, created=when),
        Take(
            "tk-4",
            "takes/sh-1/tk-4.mp4",
            LipSyncRequest(
                shot_id="sh-1",
                source_take="tk-2",
                source_media="takes/sh-1/tk-2.mp4",
                source_request=image(2),
            ),
            TakeState.DONE,
            created=when,
            source_take="tk-2",
        ),
    ]
    voice = [
        VoiceClip(
            0,
            "ELENA",
            "audio/sh-1/vc-1.wav",
            "audio/sh-1/vc-1.json",
            12000,
            48000,
            VoiceRequest(shot_id="sh-1", line=0, character="ELENA", text="You came back."),
            when,
        )
    ]
    shots = [
        Shot(
            id="sh-1",
            kind=ShotKind.DIALOGUE,
            description="Rain.",
            duration_frames=60,
            dialogue=[DialogueLine("ELENA", "It rains.")],
            takes=takes,
            voice=voice,
            sfx=[AudioRef("audio/sfx/rain.wav", -6.0, 3)],
            focus=(0.25, 0.4),
        ),
        Shot(id="sh-2", kind=ShotKind.INSERT, description="A ring — 指輪.", duration_frames=30),
    ]
    scene = Scene("EXT. STREET - NIGHT", 1, shots=shots)
    return Project(
        title="Rain",
        script="script/script.fountain",
        characters=[Character("ELENA", reference_images=["characters/elena.png"])],
        episodes=[
            Episode(
                1, "Pilot", [scene], music=AudioRef("audio/music/bed.m4a", -14.0), cover_frame=12
            )
        ],
        label="AI-made",
        producer="Rain Pictures",
        languages=[
            Language(
                "es",
                {("sh-1", 0): TranslatedLine("sh-1", 0, "Llueve.", LineState.EDITED, "It rains.")},
            ),
            Language("pt-BR"),
        ],
    )


def touch(root: Path, *rels: str) -> None:
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"media")


def saved_project(tmp_path: Path) -> Path:
    """A saved, closed project with all its files present."""
    path = tmp_path / "Rain.mdstudio"
    create_project(path, small_project()).close()
    touch(
        path,
        "takes/sh-1/tk-1.mp4",
        "takes/sh-1/tk-2.mp4",
        "takes/sh-1/tk-4.mp4",
        "characters/elena.png",
        "audio/sh-1/vc-1.wav",
        "audio/sh-1/vc-1.json",
        "audio/sfx/rain.wav",
        "audio/music/bed.m4a",
    )
    (path / "script" / "script.fountain").write_text("EXT. STREET - NIGHT\n")
    return path


def edit_json(root: Path, change: Any) -> None:
    """Change project.json as a user with a text editor would."""
    doc = json.loads((root / "project.json").read_text())
    change(doc)
    (root / "project.json").write_text(json.dumps(doc))
