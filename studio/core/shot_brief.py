"""What the script says about a shot, as a picture request carries it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.core import jsonread as jr


@dataclass(frozen=True, slots=True)
class ShotBrief:
    """What the script says about the shot: the animatic draws it; prompts are composed of it."""

    heading: str = ""
    description: str = ""
    framing: str = ""
    characters: tuple[str, ...] = ()
    dialogue: tuple[str, ...] = ()  # "NAME: line" for each dialogue line

    @classmethod
    def from_json(cls, raw: Any, where: str) -> ShotBrief:
        d = jr.obj(raw, where)
        return cls(
            heading=jr.field(d, "heading", str, where, ""),
            description=jr.field(d, "description", str, where, ""),
            framing=jr.field(d, "framing", str, where, ""),
            characters=tuple(jr.str_list(d, "characters", where)),
            dialogue=tuple(jr.str_list(d, "dialogue", where)),
        )
