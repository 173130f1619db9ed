"""Take thumbnails and waveform summaries for the timeline, made off the GUI thread and cached.

:class:`MediaCache` answers at once with what it has (``None`` the first time) and makes the
rest in a small thread pool: a take's first frame (its poster when it has one, else decoded
with ffmpeg) scaled to the video track's height, a WAV's min/max :class:`Envelope`. Entries
are keyed by the file's path and modification time, so a file written again is read again;
``ready`` says something new arrived.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QLineF, QObject, Qt, Signal
from PySide6.QtGui import QImage

from studio.media.audio import read_wav
from studio.media.cpu_priority import AHEAD
from studio.media.ffmpeg import MediaError
from studio.media.posters import first_frame_of
from studio.ui.timeline.timeline_layout import THUMB_HEIGHT

BLOCK = 64  # samples summarized by one min/max pair (750 pairs a second at 48 kHz)


@dataclass(frozen=True, slots=True)
class Envelope:
    """A sound file's lowest and highest sample per :data:`BLOCK` samples (all channels)."""

    mins: np.ndarray  # float32, -1..1
    maxs: np.ndarray
    rate: int
    samples: int
    block: int = BLOCK

    @classmethod
    def of(cls, samples: np.ndarray, rate: int, block: int = BLOCK) -> Envelope:
        """Summarize float samples shaped ``(n,)`` or ``(n, channels)``."""
        a = np.asarray(samples, np.float32)
        a = a[:, None] if a.ndim == 1 else a
        count = len(a)
        blocks = max(1, math.ceil(count / block))
        padded = np.zeros((blocks * block, a.shape[1]), np.float32)
        padded[:count] = a
        grouped = padded.reshape(blocks, -1)
        return cls(grouped.min(axis=1), grouped.max(axis=1), rate, count, block)

    @property
    def peak(self) -> float:
        return float(max(-self.mins.min(), self.maxs.max()))

    def columns(self, first: float, per_column: float, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The min and max over each of ``count`` columns, the first starting at sample
        ``first`` and each ``per_column`` samples wide (silence outside the file)."""
        edges = first + per_column * np.arange(count + 1, dtype=np.float64)
        n = len(self.mins)
        lo = np.clip(np.floor(edges[:-1] / self.block), 0, n - 1).astype(np.intp)
        hi = np.clip(np.ceil(edges[1:] / self.block), 1, n).astype(np.intp)
        pairs = np.column_stack([lo, np.maximum(hi, lo + 1)]).ravel()
        mins = np.minimum.reduceat(np.append(self.mins, 0), pairs)[::2]
        maxs = np.maximum.reduceat(np.append(self.maxs, 0), pairs)[::2]
        outside = (edges[1:] <= 0) | (edges[:-1] >= self.samples)
        mins[outside] = 0
        maxs[outside] = 0
        return mins, maxs

    def lines(
        self, x: float, first: float, per_column: float, count: int, mid: float, half: float
    ) -> list[QLineF]:
        """One vertical line per pixel column from ``x`` on, from the :meth:`columns`' max to
        their min, drawn about ``mid`` with full scale ``half`` px high."""
        mins, maxs = self.columns(first, per_column, count)
        tops = (mid - maxs * half).tolist()
        bottoms = (mid - mins * half + 1).tolist()
        return [
            QLineF(x + k + 0.5, t, x + k + 0.5, b)
            for k, (t, b) in enumerate(zip(tops, bottoms, strict=True))
        ]


def make_thumbnail(path: Path, height: int = THUMB_HEIGHT, posters: Path | None = None) -> QImage:
    """The first frame of the video at ``path``, ``height`` px high: the take's poster when the
    proxies folder ``posters`` has one, else decoded (and kept there as its poster, see
    :mod:`~studio.media.posters`); MediaError if unreadable."""
    frame = first_frame_of(path, posters, AHEAD)  # below a seek: the artist waits for that
    if frame is None:
        raise MediaError(f"ffmpeg cannot decode a first frame of {Path(path).name}")
    step = max(1, frame.shape[0] // (2 * height))  # a cheap shrink before the smooth one
    small = np.ascontiguousarray(frame[::step, ::step, ::-1])  # BGR to RGB
    h, w = small.shape[:2]
    image = QImage(small.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return image.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)


def make_envelope(path: Path) -> Envelope:
    """The :class:`Envelope` of a 16-bit WAV; MediaError if unreadable."""
    samples, rate = read_wav(path)
    return Envelope.of(samples, rate)


@dataclass(slots=True)
class _Entry:
    mtime: int
    value: Any  # QImage | Envelope | None when it could not be made
    problem: str = ""


_Key = tuple[str, str]  # (kind, path)


class MediaCache(QObject):
    """Thumbnails and envelopes by (path, modification time), made in background threads."""

    ready = Signal()  # a thumbnail or envelope was made (or failed): repaint
    _finished = Signal(object, object, object)  # emitted in a worker thread, handled in the GUI's

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        workers: int = 2,
        posters: Callable[[], Path | None] | None = None,
    ) -> None:
        """``posters``: the open project's proxies folder, where the takes' posters are."""
        super().__init__(parent)
        self._posters = posters
        self._cache: dict[_Key, _Entry] = {}
        self._pending: dict[_Key, int] = {}
        self._pool = ThreadPoolExecutor(workers, "timeline-media")
        self._finished.connect(self._store)
        pool = self._pool
        self.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))

    def thumbnail(self, path: Path) -> QImage | None:
        """The take's thumbnail if made; else None, and it is being made."""
        return self._get("thumbnail", path)

    def waveform(self, path: Path) -> Envelope | None:
        """The WAV's envelope if made; else None, and it is being made."""
        return self._get("waveform", path)

    def problem(self, path: Path) -> str:
        """Why the last thumbnail or envelope of ``path`` could not be made ("" if it could)."""
        for kind in ("thumbnail", "waveform"):
            entry = self._cache.get((kind, str(path)))
            if entry is not None and entry.problem:
                return entry.problem
        return ""

    def busy(self) -> bool:
        """Whether anything is still being made."""
        return bool(self._pending)

    def close(self) -> None:
        """Stop making things (what is running finishes, its result is dropped)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _get(self, kind: str, path: Path) -> Any:
        key = (kind, str(path))
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            return None
        entry = self._cache.get(key)
        if entry is not None and entry.mtime == mtime:
            return entry.value
        if self._pending.get(key) != mtime:
            self._pending[key] = mtime
            try:
                folder = self._posters() if self._posters is not None else None
                self._pool.submit(self._make, key, mtime, folder)
            except RuntimeError:  # closed
                del self._pending[key]
        return entry.value if entry is not None else None  # the old one until the new arrives

    def _make(self, key: _Key, mtime: int, posters: Path | None) -> None:
        kind, path = key
        try:
            made = (
                make_thumbnail(Path(path), posters=posters)
                if kind == "thumbnail"
                else make_envelope(Path(path))
            )
            result: tuple[Any, str] = (made, "")
        except (MediaError, OSError, ValueError) as e:
            result = (None, str(e))
        with contextlib.suppress(RuntimeError):  # the cache was deleted meanwhile
            self._finished.emit(key, mtime, result)

    def _store(self, key: _Key, mtime: int, result: tuple[Any, str]) -> None:
        if self._pending.get(key) == mtime:
            del self._pending[key]
        self._cache[key] = _Entry(mtime, *result)
        self.ready.emit()
