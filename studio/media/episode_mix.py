"""An episode's sound as one file: dialogue at its shots' positions, effects, the music bed.

The mix is written to ``audio/mix/episode-N.wav`` (48 kHz stereo); the player plays it and the
export encodes it.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from studio.core.model import Episode, Shot
from studio.core.store import ProjectFolder, StoreError
from studio.core.time import FrameRate
from studio.core.voicing import SAMPLE_RATE, AudioRef


def mix_path(episode: Episode) -> str:
    return f"audio/mix/episode-{episode.number}.wav"


def set_music(folder: ProjectFolder, episode: Episode, source: str | Path) -> None:
    """Copy ``source`` into the project's ``audio/music/`` and make it the episode's bed."""
    rel = _copy_in(folder, Path(source).expanduser(), "audio/music", "music")
    gain = episode.music.gain_db if episode.music is not None else -14.0
    episode.music = AudioRef(rel, gain)


def add_sfx(folder: ProjectFolder, shot: Shot, source: str | Path, gain_db: float = 0.0) -> None:
    """Copy ``source`` into the project's ``audio/sfx/`` and play it from the shot's start."""
    rel = _copy_in(folder, Path(source).expanduser(), "audio/sfx", "sound effect")
    shot.sfx.append(AudioRef(rel, gain_db))


def _copy_in(folder: ProjectFolder, path: Path, into: str, what: str) -> str:
    from studio.core.atomic import copy_atomic, describe

    if not path.is_file():
        raise StoreError(f"no {what} file {path}")
    name = re.sub(r"[^\w.-]+", "_", path.name)
    rel = f"{into}/{name}"
    target = folder.root / rel
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_atomic(path, target)
    except OSError as exc:
        raise StoreError(f"cannot copy the {what} into the project: {describe(exc)}") from None
    return rel


def mix_episode_file(folder: ProjectFolder, episode: Episode) -> tuple[str, list[str]]:
    """Mix ``episode`` into its file; (the file, relative; warnings about missing sounds)."""
    from studio.media.audio import write_wav

    audio, warnings = episode_mixdown(folder.root, folder.project.fps, episode)
    rel = mix_path(episode)
    target = folder.resolve(rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_wav(target, audio, SAMPLE_RATE)
    except OSError as exc:
        from studio.core.atomic import describe

        raise StoreError(f"cannot write {rel}: {describe(exc)}") from None
    return rel, warnings


def episode_mixdown(root: Path, fps: FrameRate, episode: Episode) -> tuple[np.ndarray, list[str]]:
    """The mix of ``episode`` (48 kHz stereo float samples, as long as the episode) and
    warnings about missing sounds; StoreError when a sound cannot be read."""
    from studio.media.ffmpeg import MediaError
    from studio.media.mix import MixSettings, Placed, mix_episode

    warnings: list[str] = []
    dialogue: list[Placed] = []
    sfx: list[Placed] = []
    position = 0  # frames from the episode start
    for shot in episode.shots():
        at = round(fps.seconds(position) * SAMPLE_RATE)
        shot_samples = round(fps.seconds(shot.duration_frames) * SAMPLE_RATE)
        for clip in shot.voice:
            path = root / clip.media
            if path.is_file():
                length = max(0, shot_samples - clip.start)
                dialogue.append(Placed(path, at + clip.start, 0.0, length))
            else:
                warnings.append(f"shot {shot.id} line {clip.line + 1}: missing {clip.media}")
        for ref in shot.sfx:
            path = root / ref.path
            offset = round(fps.seconds(ref.offset_frames) * SAMPLE_RATE)
            if path.is_file():
                sfx.append(Placed(path, at + offset, ref.gain_db, max(0, shot_samples - offset)))
            else:
                warnings.append(f"shot {shot.id} sound effect: missing {ref.path}")
        position += shot.duration_frames
    length = round(Fraction(fps.seconds(position)) * SAMPLE_RATE)
    music = None
    settings = MixSettings()
    if episode.music is not None:
        path = root / episode.music.path
        if path.is_file():
            music = path
            settings = MixSettings(music_gain_db=episode.music.gain_db)
        else:
            warnings.append(f"episode {episode.number} music: missing {episode.music.path}")
    try:
        audio = mix_episode(length, dialogue, music=music, sfx=sfx, settings=settings)
    except MediaError as exc:
        raise StoreError(f"cannot mix episode {episode.number}: {exc}") from None
    return audio, warnings
