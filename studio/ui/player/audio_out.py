"""The player's sound and its clock: the episode mix through sounddevice, or silence.

The picture follows :meth:`AudioOut.position`: while sound plays, the samples the sounddevice
callback has handed to the device (less the output latency); when muted, a monotonic wall clock.
``import sounddevice`` raises OSError where PortAudio is missing, and opening a stream fails
where there is no output device: either way the player plays muted and :attr:`AudioOut.reason`
says why, for the status bar. ``STUDIO_MUTED=1`` in the environment mutes it on purpose.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from studio.core.model import Episode
from studio.core.time import FrameRate
from studio.ui.player.portaudio_hint import install_hint

SAMPLE_RATE = 48_000


def _load_sounddevice() -> tuple[Any, str]:
    """(the sounddevice module, "") or (None, why there is no sound)."""
    try:
        import sounddevice
    except OSError as exc:  # PortAudio missing
        return None, f"no PortAudio ({exc}); to hear it: {install_hint()}"
    except ImportError as exc:
        return None, f"sounddevice is not installed ({exc})"
    try:
        sounddevice.query_devices(kind="output")
    except Exception as exc:  # sounddevice.PortAudioError, ValueError: no default output
        return None, f"no audio output device ({exc})"
    return sounddevice, ""


class AudioOut:
    """Plays float32 (n, 2) samples at 48 kHz from a position; its clock says where it is."""

    def __init__(self, *, muted: bool = False) -> None:
        self._sd: Any = None
        if muted or os.environ.get("STUDIO_MUTED", "") not in ("", "0"):
            self.reason = "muted on request"
        else:
            self._sd, self.reason = _load_sounddevice()
        self._samples: np.ndarray | None = None
        self._stream: Any = None
        self._lock = threading.Lock()
        self._start = 0.0  # seconds: where the clock started
        self._rate = 1.0
        self._wall = 0.0  # monotonic time the clock started (muted)
        self._cursor = 0  # next sample the callback hands out
        self._played = 0  # samples handed out since start
        self._latency = 0.0
        self.playing = False

    @property
    def available(self) -> bool:
        """Whether sound can play (a device and PortAudio are there)."""
        return self._sd is not None

    def set_samples(self, samples: np.ndarray | None) -> None:
        """The sound to play from the next :meth:`start` (float32 (n, 2) at 48 kHz)."""
        if samples is not None:
            samples = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1, 2)
        with self._lock:
            self._samples = samples

    def start(self, position: float, rate: float = 1.0) -> None:
        """Run the clock from ``position`` seconds at ``rate`` (negative: backwards); sound
        plays only at rate 1 with samples set and a device; otherwise the clock is the wall's."""
        self.stop()
        self._start, self._rate, self._wall = position, rate, time.monotonic()
        self._cursor = max(0, round(position * SAMPLE_RATE))
        self._played = 0
        self.playing = True
        if self._sd is None or rate != 1.0 or self._samples is None:
            return
        try:
            self._stream = self._sd.OutputStream(
                samplerate=SAMPLE_RATE, channels=2, dtype="float32", callback=self._callback
            )
            self._latency = float(self._stream.latency)
            self._stream.start()
        except Exception as exc:  # sounddevice.PortAudioError: the device went away
            self._stream, self._sd = None, None
            self.reason = f"the audio device failed ({exc})"
            self._wall = time.monotonic()

    def stop(self) -> None:
        """Stop the sound; the clock stays where it was."""
        if self.playing:
            self._start, self.playing = self.position(), False
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(Exception):  # a stream that failed already
                stream.stop()
                stream.close()

    def position(self) -> float:
        """The clock: seconds from the episode start of what is heard (or would be) now."""
        if not self.playing:
            return self._start
        if self._stream is not None:
            heard = max(0.0, self._played / SAMPLE_RATE - self._latency)
            return self._start + heard
        return self._start + (time.monotonic() - self._wall) * self._rate

    @property
    def sounding(self) -> bool:
        """Whether sound is playing now (not the muted clock)."""
        return self._stream is not None

    def _callback(self, out: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        samples, at = self._samples, self._cursor
        chunk = samples[at : at + frames] if samples is not None else samples
        n = 0 if chunk is None else len(chunk)
        if n:
            out[:n] = chunk
        out[n:] = 0
        self._cursor = at + frames
        self._played += frames


def mix_episode(root: Path, fps: FrameRate, episode: Episode) -> tuple[np.ndarray | None, str]:
    """The sound of ``episode`` (slow: run it off the GUI thread, on a copy the window does not
    edit): float32 (n, 2) at 48 kHz and the first warning (""), or (None, why it failed)."""
    from studio.media.episode_mix import episode_mixdown

    try:
        samples, warnings = episode_mixdown(root, fps, episode)
    except Exception as exc:  # StoreError, MediaError, OSError: say so, play muted
        return None, f"cannot mix the episode's sound: {exc}"
    return samples, warnings[0] if warnings else ""
