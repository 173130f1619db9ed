"""The one request that re-mouths a take to the lines heard over it: the source's voiced
lines, or a language's dub (:func:`studio.voice.dubbing.dub_lipsync_request`)."""

from __future__ import annotations

from collections.abc import Sequence

from studio.core.kinds import Backend
from studio.core.model import Shot, Take
from studio.core.request import LipSyncRequest, SpokenLine
from studio.core.voicing import VoiceClip


def lipsync_request(
    shot: Shot,
    take: Take,
    fps: str,
    backend: str = Backend.VISEME,
    model: str = "",
    model_hash: str = "",
    *,
    heard: Sequence[VoiceClip] | None = None,
    variant: str = "",
) -> LipSyncRequest:
    """The request that re-mouths ``take`` to ``shot``'s voiced lines (or to the clips
    ``heard`` in language ``variant``: a dub); ValueError saying why it cannot be made."""
    clips = shot.voice if heard is None else heard
    if not clips:
        raise ValueError(f"shot {shot.id} has no voiced dialogue: run `studio voice` first")
    if not take.media or take.media_problem:
        raise ValueError(f"take {take.id} has no usable video ({take.media_problem or 'none'})")
    return LipSyncRequest(
        shot_id=shot.id,
        source_take=take.id,
        source_media=take.media,
        source_request=take.request or take.footage,
        lines=tuple(SpokenLine(c.media, c.timing, c.start, c.character) for c in clips),
        backend=backend,
        model=model or Backend(backend).value,
        model_hash=model_hash,
        fps=fps,
        frames=shot.duration_frames,
        variant=variant,
    )
