"""What review costs, per episode: the usable rate (approved shots ÷ finished takes) and the
GPU-seconds spent per approved minute of screen time. Shared by ``studio stats`` and the window's
Stats dialog."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from studio.core.model import Project, TakeState

# takes that finished generating (whatever review then said of them)
GENERATED = (TakeState.DONE, TakeState.APPROVED, TakeState.REJECTED, TakeState.STARRED)


@dataclass(frozen=True, slots=True)
class EpisodeStats:
    episode: int  # its number; 0 for the totals of a whole project
    shots: int
    approved_shots: int
    generated_takes: int
    usable_rate: float | None  # approved shots ÷ generated takes; None without takes
    gpu_seconds: float
    approved_minutes: float  # screen time of the approved shots
    gpu_seconds_per_approved_minute: float | None  # None when nothing is approved

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def episode_stats(project: Project) -> list[EpisodeStats]:
    """The figures of each episode, in the project's order."""
    figures = []
    for episode in project.episodes:
        shots = list(episode.shots())
        takes = [t for s in shots for t in s.takes if t.state in GENERATED]
        approved = [s for s in shots if s.approved_take]
        seconds = sum(float(project.fps.seconds(s.duration_frames)) for s in approved)
        gpu = sum(t.gpu_seconds for t in takes)
        figures.append(
            _figures(episode.number, len(shots), len(approved), len(takes), gpu, seconds / 60)
        )
    return figures


def totals(figures: list[EpisodeStats]) -> EpisodeStats:
    """The figures of all the given episodes together (``episode`` 0)."""
    return _figures(
        0,
        sum(f.shots for f in figures),
        sum(f.approved_shots for f in figures),
        sum(f.generated_takes for f in figures),
        sum(f.gpu_seconds for f in figures),
        sum(f.approved_minutes for f in figures),
    )


def _figures(
    episode: int, shots: int, approved: int, takes: int, gpu: float, minutes: float
) -> EpisodeStats:
    return EpisodeStats(
        episode=episode,
        shots=shots,
        approved_shots=approved,
        generated_takes=takes,
        usable_rate=approved / takes if takes else None,
        gpu_seconds=gpu,
        approved_minutes=minutes,
        gpu_seconds_per_approved_minute=gpu / minutes if minutes else None,
    )
