"""The project model: Project → Episode → Scene → Shot → Take, and the cast of Characters.

Plain dataclasses with ``to_json``/``from_json``. ``from_json`` validates every field of
untrusted input and raises :class:`~studio.core.jsonread.SchemaError` naming the bad field.
Durations are integer frames at the project's :class:`~studio.core.time.FrameRate`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from studio.core import jsonread as jr
from studio.core.bounds import check_bounds
from studio.core.cast import Character
from studio.core.cast import VoiceSettings as VoiceSettings  # re-exported
from studio.core.lora import Lora
from studio.core.take import Take, TakeState
from studio.core.take import now_iso as now_iso  # re-exported
from studio.core.time import FrameRate
from studio.core.translations import Language, languages_from_json
from studio.core.voicing import AudioRef, VoiceClip

DEFAULT_FPS = FrameRate(30)
DEFAULT_SIZE = (1080, 1920)


class ShotKind(StrEnum):
    ACTION = "action"
    DIALOGUE = "dialogue"
    INSERT = "insert"


def new_id(prefix: str) -> str:
    """A short random id such as ``sh-3f9a1c07``; stable once stored."""
    return f"{prefix}-{secrets.token_hex(4)}"


@dataclass(slots=True)
class DialogueLine:
    character: str
    text: str
    extension: str = ""
    parenthetical: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "character": self.character,
            "extension": self.extension,
            "parenthetical": self.parenthetical,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> DialogueLine:
        d = jr.obj(raw, where)
        return cls(
            character=jr.field(d, "character", str, where),
            text=jr.field(d, "text", str, where),
            extension=jr.field(d, "extension", str, where, ""),
            parenthetical=jr.field(d, "parenthetical", str, where, ""),
        )


@dataclass(slots=True)
class Shot:
    """A shot of the breakdown. ``id`` is stable across script edits and re-imports."""

    id: str
    kind: ShotKind
    description: str
    duration_frames: int
    source_lines: tuple[int, int] = (0, 0)
    framing: str = ""
    characters: list[str] = field(default_factory=list)
    dialogue: list[DialogueLine] = field(default_factory=list)
    duration_locked: bool = False  # the user set the duration; estimates leave it alone
    prompt: str = ""  # the user's own generation prompt; "" = composed from the shot
    changed: bool = False  # the script text changed after this shot's takes were made
    takes: list[Take] = field(default_factory=list)
    voice: list[VoiceClip] = field(default_factory=list)  # its dialogue lines, spoken
    sfx: list[AudioRef] = field(default_factory=list)
    focus: tuple[float, float] = (0.5, 0.5)  # what to keep when the take is cropped to fit
    archived_takes: list[Take] = field(default_factory=list)  # deleted in review; files kept

    @property
    def approved_take(self) -> str | None:
        for take in self.takes:
            if take.state is TakeState.APPROVED:
                return take.id
        return None

    def take(self, take_id: str) -> Take:
        for take in self.takes:
            if take.id == take_id:
                return take
        raise KeyError(f"shot {self.id} has no take {take_id}")

    def approve(self, take_id: str) -> None:
        """Make ``take_id`` the approved take; a previously approved one goes back to done."""
        chosen = self.take(take_id)
        for take in self.takes:
            if take.state is TakeState.APPROVED:
                take.state = TakeState.DONE
        chosen.state = TakeState.APPROVED

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "description": self.description,
            "framing": self.framing,
            "characters": list(self.characters),
            "dialogue": [line.to_json() for line in self.dialogue],
            "duration_frames": self.duration_frames,
            "duration_locked": self.duration_locked,
            "prompt": self.prompt,
            "source_lines": list(self.source_lines),
            "changed": self.changed,
            "takes": [take.to_json() for take in self.takes],
            "voice": [clip.to_json() for clip in self.voice],
            "sfx": [ref.to_json() for ref in self.sfx],
            "focus": list(self.focus),
            "archived_takes": [take.to_json() for take in self.archived_takes],
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Shot:
        d = jr.obj(raw, where)
        span = jr.lst(d.get("source_lines", [0, 0]), f"{where}.source_lines")
        if len(span) != 2 or not all(isinstance(n, int) and n >= 0 for n in span):
            raise jr.SchemaError(f"{where}.source_lines: expected [first, last] line numbers")
        duration = jr.field(d, "duration_frames", int, where)
        if duration <= 0:
            raise jr.SchemaError(f"{where}.duration_frames: must be positive, got {duration}")
        shot = cls(
            id=jr.field(d, "id", str, where),
            kind=jr.choice(d, "kind", ShotKind, where),
            description=jr.field(d, "description", str, where, ""),
            duration_frames=duration,
            source_lines=(span[0], span[1]),
            framing=jr.field(d, "framing", str, where, ""),
            characters=jr.str_list(d, "characters", where),
            dialogue=[
                DialogueLine.from_json(x, f"{where}.dialogue[{i}]")
                for i, x in enumerate(jr.lst(d.get("dialogue", []), f"{where}.dialogue"))
            ],
            duration_locked=jr.field(d, "duration_locked", bool, where, False),
            prompt=jr.field(d, "prompt", str, where, ""),
            changed=jr.field(d, "changed", bool, where, False),
            takes=[
                Take.from_json(x, f"{where}.takes[{i}]")
                for i, x in enumerate(jr.lst(d.get("takes", []), f"{where}.takes"))
            ],
            voice=_items(d, "voice", VoiceClip, where),
            sfx=_items(d, "sfx", AudioRef, where),
            focus=_focus(d.get("focus", [0.5, 0.5]), f"{where}.focus"),
            archived_takes=_items(d, "archived_takes", Take, where),
        )
        approved = [t.id for t in shot.takes if t.state is TakeState.APPROVED]
        if len(approved) > 1:
            raise jr.SchemaError(f"{where}: more than one approved take ({', '.join(approved)})")
        return shot


@dataclass(slots=True)
class Scene:
    heading: str
    index: int  # 1-based within its episode
    number: str = ""  # the script's own scene number (#1A#), if any
    shots: list[Shot] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "index": self.index,
            "number": self.number,
            "shots": [shot.to_json() for shot in self.shots],
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Scene:
        d = jr.obj(raw, where)
        return cls(
            heading=jr.field(d, "heading", str, where, ""),
            index=jr.field(d, "index", int, where),
            number=jr.field(d, "number", str, where, ""),
            shots=[
                Shot.from_json(x, f"{where}.shots[{i}]")
                for i, x in enumerate(jr.lst(d.get("shots", []), f"{where}.shots"))
            ],
        )


@dataclass(slots=True)
class Episode:
    number: int  # 1-based
    title: str = ""
    scenes: list[Scene] = field(default_factory=list)
    music: AudioRef | None = None  # the music bed under the whole episode
    cover_frame: int | None = None  # the export's cover image; None = chosen by the export

    def shots(self) -> Iterator[Shot]:
        for scene in self.scenes:
            yield from scene.shots

    def duration_frames(self) -> int:
        return sum(shot.duration_frames for shot in self.shots())

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "scenes": [scene.to_json() for scene in self.scenes],
            "music": self.music.to_json() if self.music is not None else None,
            "cover_frame": self.cover_frame,
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> Episode:
        d = jr.obj(raw, where)
        cover = d.get("cover_frame")
        if cover is not None and (
            not isinstance(cover, int) or isinstance(cover, bool) or cover < 0
        ):
            raise jr.SchemaError(f"{where}.cover_frame: expected a frame number or null")
        return cls(
            number=jr.field(d, "number", int, where),
            title=jr.field(d, "title", str, where, ""),
            scenes=[
                Scene.from_json(x, f"{where}.scenes[{i}]")
                for i, x in enumerate(jr.lst(d.get("scenes", []), f"{where}.scenes"))
            ],
            music=None
            if d.get("music") is None
            else AudioRef.from_json(d["music"], f"{where}.music"),
            cover_frame=cover,
        )


@dataclass(slots=True)
class Project:
    title: str
    fps: FrameRate = DEFAULT_FPS
    width: int = DEFAULT_SIZE[0]
    height: int = DEFAULT_SIZE[1]
    style: str = ""  # project-wide look, appended to prompts
    language: str = ""  # dialogue language; "" = detect
    script: str = ""  # the Fountain source, relative to the project folder
    characters: list[Character] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    archived_shots: list[Shot] = field(default_factory=list)  # removed from the script
    loras: list[Lora] = field(default_factory=list)  # the project's style, on every shot
    label: str = ""  # the visible AI-content label; "" = "AI-generated" in the project's language
    producer: str = ""  # who made it, in the exported files' AI-content metadata
    languages: list[Language] = field(default_factory=list)  # targets, with translated lines

    def shots(self) -> Iterator[Shot]:
        for episode in self.episodes:
            yield from episode.shots()

    def episode(self, number: int) -> Episode:
        for episode in self.episodes:
            if episode.number == number:
                return episode
        raise KeyError(f"no episode {number} (the project has {len(self.episodes)})")

    def find_shot(self, shot_id: str) -> Shot:
        for shot in self.shots():
            if shot.id == shot_id:
                return shot
        raise KeyError(f"no shot {shot_id}")

    def episode_of(self, shot_id: str) -> int:
        """The number of the episode holding ``shot_id``; KeyError if none does."""
        for episode in self.episodes:
            if any(shot.id == shot_id for shot in episode.shots()):
                return episode.number
        raise KeyError(shot_id)

    def character(self, name: str) -> Character | None:
        for character in self.characters:
            if character.name == name:
                return character
        return None

    def to_json(self, episodes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The project as JSON; ``episodes``: its episodes' JSON when built already."""
        return {
            "title": self.title,
            "fps": str(self.fps),
            "width": self.width,
            "height": self.height,
            "style": self.style,
            "language": self.language,
            "script": self.script,
            "characters": [c.to_json() for c in self.characters],
            "episodes": [e.to_json() for e in self.episodes] if episodes is None else episodes,
            "archived_shots": [s.to_json() for s in self.archived_shots],
            "loras": [lora.to_json() for lora in self.loras],
            "label": self.label,
            "producer": self.producer,
            "languages": [language.to_json() for language in self.languages],
        }

    @classmethod
    def from_json(cls, raw: Any, where: str = "project") -> Project:
        d = jr.obj(raw, where)
        try:
            fps = FrameRate.parse(jr.field(d, "fps", str, where, "30/1"))
        except ValueError as exc:
            raise jr.SchemaError(f"{where}.fps: {exc}") from None
        width = jr.field(d, "width", int, where, DEFAULT_SIZE[0])
        height = jr.field(d, "height", int, where, DEFAULT_SIZE[1])
        if width <= 0 or height <= 0:
            raise jr.SchemaError(f"{where}: resolution must be positive, got {width}x{height}")
        project = cls(
            title=jr.field(d, "title", str, where, ""),
            fps=fps,
            width=width,
            height=height,
            style=jr.field(d, "style", str, where, ""),
            language=jr.field(d, "language", str, where, ""),
            script=jr.field(d, "script", str, where, ""),
            characters=_items(d, "characters", Character, where),
            episodes=_items(d, "episodes", Episode, where),
            archived_shots=_items(d, "archived_shots", Shot, where),
            loras=_items(d, "loras", Lora, where),
            label=jr.field(d, "label", str, where, ""),
            producer=jr.field(d, "producer", str, where, ""),
            languages=languages_from_json(d.get("languages", []), f"{where}.languages"),
        )
        check_bounds(project, where)
        return project


def _focus(raw: Any, where: str) -> tuple[float, float]:
    items = jr.lst(raw, where)
    if len(items) != 2 or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1 for v in items
    ):
        raise jr.SchemaError(f"{where}: expected [x, y], each from 0 to 1")
    return (float(items[0]), float(items[1]))


def _items(d: dict[str, Any], key: str, kind: Any, where: str) -> list[Any]:
    items = jr.lst(d.get(key, []), f"{where}.{key}")
    return [kind.from_json(x, f"{where}.{key}[{i}]") for i, x in enumerate(items)]
