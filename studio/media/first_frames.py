"""The takes' first frames for the preview: what a seek shows at once while the take's proxy has
no frame yet (see :class:`~studio.media.frame_server.FrameServer`).

A first frame is kept in memory, else read from the take's poster
(:mod:`~studio.media.posters`), else decoded, once a take: a thread asking for a take whose
first frame another thread is decoding waits for that decode rather than start a second one (the
server's read-ahead threads decode first frames before a seek asks, and the seek then finds one
under way). A frame decoded is kept as the take's poster after whoever waits for it has it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from studio.media.posters import poster_or_decoded, save_poster


class FirstFrames:
    """The first frames of the takes one server shows. ``lock`` is the server's: it guards
    what is here and is notified when a decode ends."""

    def __init__(self, lock: threading.Condition, folder: Path) -> None:
        self._lock, self._folder = lock, folder
        self._kept: dict[Path, np.ndarray | None] = {}  # None: the take cannot be decoded
        self._decoding: set[Path] = set()
        self._closed = False

    def wanted(self, media: Path) -> bool:
        """Neither kept nor being decoded (call with the lock held)."""
        return media not in self._kept and media not in self._decoding

    def known(self, media: Path) -> bool:
        """Decoded, or found not to decode (call with the lock held)."""
        return media in self._kept

    def forget(self, media: Path) -> None:
        """The take was written again (call with the lock held)."""
        self._kept.pop(media, None)

    def close(self) -> None:
        """Waits end and nothing more is decoded (call with the lock held)."""
        self._closed = True
        self._lock.notify_all()

    def get(self, media: Path, niceness: int = 0, decode: bool = True) -> np.ndarray | None:
        """The take's first frame (BGR): kept, else its poster, else decoded at ``niceness``
        unless not ``decode``; None when there is none (or it cannot be decoded)."""
        with self._lock:
            while decode and media in self._decoding and not self._closed:
                self._lock.wait()
            if media in self._kept or self._closed:
                return self._kept.get(media)
            if decode:
                self._decoding.add(media)
        image, fresh = None, False
        try:
            image, fresh = poster_or_decoded(media, self._folder, niceness, decode)
        finally:
            with self._lock:
                if image is not None or decode:
                    self._kept[media] = image
                if decode:
                    self._decoding.discard(media)
                    self._lock.notify_all()
        if fresh and image is not None:
            save_poster(self._folder, media, image)
        return image
