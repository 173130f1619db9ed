"""Episode names never say "Episode 1" twice."""

from __future__ import annotations

import pytest

from studio.core.titles import episode_name, episode_subtitle


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Episode 1: The Wrong Delivery", "Episode 1: The Wrong Delivery"),
        ("The Wrong Delivery", "Episode 1: The Wrong Delivery"),
        ("EPISODE 01 - The Wrong Delivery", "Episode 1: The Wrong Delivery"),
        ("Episode 1", "Episode 1"),
        ("", "Episode 1"),
        ("Episode 12: Later", "Episode 1: Episode 12: Later"),  # another number is a title
        ("第一集 错送", "Episode 1: 第一集 错送"),
    ],
)
def test_episode_name(title: str, name: str) -> None:
    assert episode_name(1, title) == name


def test_separator_and_subtitle() -> None:
    assert episode_name(2, "Episode 2 — The Contract", " — ") == "Episode 2 — The Contract"
    assert episode_subtitle(2, "episode 2. The Contract") == "The Contract"
