"""A sound file brought onto a shot: the recorded voice of one of its dialogue lines, or a sound
effect played from the shot's start.

A recorded voice is stored as a voiced line is (see :func:`~studio.voice.recording.record_voice`):
``audio/<shot>/line<N>-<id>.wav`` at 48 kHz mono with its timing JSON beside it (its length; no
word timing, since no voice engine spoke it), the shot's clip for that line replaced, the lines
placed and the shot's duration following. The clip has no request: nothing can regenerate it.
A sound effect goes where ``studio voice mix --sfx`` puts one (``audio/sfx/``). A file that
cannot be decoded is refused (:class:`~studio.app.footage.FootageError`) before anything is
written or changed.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import numpy as np

from studio.app.footage import FootageError
from studio.core.model import Shot, now_iso
from studio.core.speech_timing import SpeechTiming
from studio.core.store import ProjectFolder, StoreError
from studio.core.voicing import VoiceClip

SAMPLE_RATE = 48_000


def line_choices(shot: Shot) -> list[str]:
    """What each dialogue line of ``shot`` is called when asking which one a sound is."""
    return [f"Line {i + 1}: {line.character} \u2014 {_short(line.text)}"
            for i, line in enumerate(shot.dialogue)]  # fmt: skip


def import_voice(
    folder: ProjectFolder, shot: Shot, line: int, source: Path
) -> tuple[VoiceClip, list[str]]:
    """Make ``source`` the voice of dialogue line ``line`` of ``shot`` (replacing any voicing
    of it); the clip and any placement warnings. The caller saves."""
    from studio.media.audio import write_wav
    from studio.media.ffmpeg import MediaError
    from studio.voice.placement import place_lines

    if not 0 <= line < len(shot.dialogue):
        raise FootageError(f"shot {shot.id} has no dialogue line {line + 1}")
    samples = _decode(source, channels=1)[:, 0]
    media = f"audio/{shot.id}/line{line + 1}-{secrets.token_hex(4)}.wav"
    timing = media.rsplit(".", 1)[0] + ".json"
    try:
        wav = folder.resolve(media)
        wav.parent.mkdir(parents=True, exist_ok=True)
        write_wav(wav, samples, SAMPLE_RATE)
        text = json.dumps(SpeechTiming(SAMPLE_RATE, len(samples)).to_json()) + "\n"
        folder.write_text(timing, text)
    except (MediaError, StoreError, OSError) as exc:
        raise FootageError(f"{source.name}: {exc}") from None
    clip = VoiceClip(line=line, character=shot.dialogue[line].character, media=media,
                     timing=timing, start=0, samples=len(samples), created=now_iso())  # fmt: skip
    shot.voice = [c for c in shot.voice if c.line != line] + [clip]
    return clip, place_lines(shot, folder.project.fps)


def import_sfx(folder: ProjectFolder, shot: Shot, source: Path) -> str:
    """Play ``source`` from the start of ``shot`` (copied into ``audio/sfx/``); its path."""
    from studio.media.episode_mix import add_sfx

    _decode(source, channels=2)
    try:
        add_sfx(folder, shot, source)
    except StoreError as exc:
        raise FootageError(f"{source.name}: {exc}") from None
    return shot.sfx[-1].path


def _decode(source: Path, channels: int) -> np.ndarray:
    from studio.media.audio import read_audio
    from studio.media.ffmpeg import MediaError

    try:
        samples = read_audio(source, sample_rate=SAMPLE_RATE, channels=channels)
    except MediaError as exc:
        raise FootageError(f"{source.name}: {exc}") from None
    if not len(samples):
        raise FootageError(f"{source.name}: holds no sound")
    return samples


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
