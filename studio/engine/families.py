"""What each model family wants: its vertical generation size, frame rate, frame-count rule
and sensible step/guidance defaults. Requests are planned to these, so a backend receives only
sizes and frame counts its pipeline accepts."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FamilyRules:
    width: int
    height: int
    steps: int
    guidance: float
    multiple: int = 8  # width and height must divide by this
    fps: str = ""  # video families: the frame rate the model makes; "" = the project's
    frame_step: int = 0  # video families: frame counts are frame_step * k + 1
    max_frames: int = 0

    @property
    def is_video(self) -> bool:
        return self.frame_step > 0

    def frames_for(self, seconds: float) -> int:
        """The smallest valid frame count lasting at least ``seconds`` (capped at the most the
        model makes; the export holds or trims to the shot's length)."""
        from fractions import Fraction

        fps = Fraction(self.fps)
        wanted = max(1, math.ceil(Fraction(seconds) * fps))
        k = max(1, math.ceil((wanted - 1) / self.frame_step))
        return min(self.frame_step * k + 1, self.max_frames)

    def fit(self, width: int, height: int) -> tuple[int, int]:
        """``width``×``height`` rounded down to this family's multiple (never below one)."""
        m = self.multiple
        return max(m, width // m * m), max(m, height // m * m)


FAMILIES: dict[str, FamilyRules] = {
    "sd15": FamilyRules(512, 896, steps=30, guidance=7.5),
    "sd2": FamilyRules(576, 1024, steps=30, guidance=7.5),
    "sdxl": FamilyRules(768, 1344, steps=30, guidance=6.0),
    "flux": FamilyRules(576, 1024, steps=28, guidance=3.5, multiple=16),
    "sd3": FamilyRules(768, 1344, steps=28, guidance=5.0, multiple=16),
    "svd": FamilyRules(576, 1024, 25, 3.0, multiple=64, fps="7/1", frame_step=1, max_frames=25),
    "ltx": FamilyRules(480, 832, 40, 3.0, multiple=32, fps="24/1", frame_step=8, max_frames=257),
    "wan": FamilyRules(480, 832, 30, 5.0, multiple=16, fps="16/1", frame_step=4, max_frames=81),
    "cogvideox": FamilyRules(480, 720, 50, 6.0, 16, fps="8/1", frame_step=8, max_frames=49),
}
FAST_NAMES = ("turbo", "schnell", "lightning", "lcm")  # distilled: few steps, no guidance


def rules_for(family: str, model_name: str = "") -> FamilyRules:
    """The rules for ``family``; distilled variants (SDXL-Turbo, FLUX.1-schnell) get 4 steps
    and no classifier-free guidance."""
    rules = FAMILIES.get(family)
    if rules is None:
        raise KeyError(f"no generation rules for model family {family!r}")
    if any(word in model_name.lower() for word in FAST_NAMES):
        from dataclasses import replace

        rules = replace(rules, steps=4, guidance=0.0)
    return rules
