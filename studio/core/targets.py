"""What a request makes: a take of a shot, a reference still of a character, or the assistant's
suggestions for an episode.

A request names its target in its JSON (``"shot_id"``, ``"reference_of"`` or ``"episode"``);
results are routed on the type (:mod:`studio.app.results`), never on the text of an id.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ShotTarget:
    """A take of a shot, written to ``takes/<shot_id>/``."""

    shot_id: str

    @property
    def label(self) -> str:
        return self.shot_id


@dataclass(frozen=True, slots=True)
class ReferenceTarget:
    """A still of a character, a candidate reference image for the bible."""

    character: str

    @property
    def label(self) -> str:
        return f"reference of {self.character}"


@dataclass(frozen=True, slots=True)
class EpisodeTarget:
    """Something about a whole episode: the assistant's suggestions, written to ``assist/``."""

    episode: int

    @property
    def label(self) -> str:
        return f"episode {self.episode}"


Target = ShotTarget | ReferenceTarget | EpisodeTarget
