"""How an episode is named to a viewer: "Episode 1: The Wrong Delivery".

Writers title their episodes either way, ``# Episode 1: The Wrong Delivery`` or a bare
``# The Wrong Delivery`` under a numbered heading: the name never says "Episode 1" twice.
"""

from __future__ import annotations

import re


def episode_subtitle(number: int, title: str) -> str:
    """``title`` without a leading "Episode NUMBER" and the punctuation after it."""
    match = re.match(rf"\s*episode\s+0*{number}(?!\d)\s*[:.,—–-]?\s*", title, re.IGNORECASE)
    return (title[match.end() :] if match else title).strip()


def episode_name(number: int, title: str, separator: str = ": ") -> str:
    """ "Episode 2: The Contract" (or "Episode 2" alone when it has no other title)."""
    subtitle = episode_subtitle(number, title)
    return f"Episode {number}{separator}{subtitle}" if subtitle else f"Episode {number}"
