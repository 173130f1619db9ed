"""Frames of an episode for the preview player: decoded, fitted to 9:16, cached, read ahead.

:class:`FrameServer` answers "what is on screen at episode frame k, at this display size":
the shot's take (:mod:`studio.media.episode_timeline`), its conformed source frame read from
the take's proxy (:mod:`studio.media.frame_proxies`: a JPEG per frame, so a random seek is a few
milliseconds), cropped to the export's 9:16 box around the shot's focus and resized. Proxies are
built by two background threads: one works through the episode's takes, the one showing nearest
the playhead first; the other only builds takes someone is waiting for. A seek before the
take's proxy has the frame gets a :class:`~studio.media.frame_glance.Glance` at once (the
nearest frame that decodes quickly, marked approximate; two more threads decode the takes' first
frames ahead, see :mod:`~studio.media.first_frames`, and one the take a seek could not show at
once), then the exact frame through ``on_ready``.

The server keeps an LRU of display-size frames and a read-ahead thread that stays ``ahead``
frames in front of the playhead given to :meth:`FrameServer.prefetch`. A frame that cannot be
shown (no take, an unreadable file) is a clearly marked placeholder, never an error.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from studio.media.cpu_priority import AHEAD, BACKGROUND, URGENT
from studio.media.episode_timeline import EpisodeTimeline, source_frame
from studio.media.ffmpeg import MediaError
from studio.media.first_frames import FirstFrames
from studio.media.frame_glance import Glance, build_order, shown_local
from studio.media.frame_pictures import PLACEHOLDER_RGB, fitted, placeholder
from studio.media.frame_proxies import PROXIES, Cancelled, Proxy, signature, usable_folder

__all__ = ["PLACEHOLDER_RGB", "PROXIES", "FrameServer", "Glance", "placeholder"]


class FrameServer:
    """The frames of one episode at a display size, as RGB uint8 arrays; thread-safe.

    ``cache_dir`` holds the proxies (a temporary folder when it cannot be written);
    ``on_ready(frame)`` is called from a background thread each time it has a frame ready, or
    the first frame of the take a :meth:`glance` without ``decode`` could not show (glance again).
    """

    def __init__(
        self,
        timeline: EpisodeTimeline,
        size: tuple[int, int] = (270, 480),
        *,
        cache_dir: Path,
        on_ready: Callable[[int], None] | None = None,
        ahead: int = 45,
        cache_bytes: int = 256 << 20,
    ) -> None:
        self._timeline = timeline
        self._size = _checked(size)
        self._on_ready = on_ready
        self._ahead = max(1, ahead)
        self._cache_bytes = cache_bytes
        self._lock = threading.Condition()  # guards everything below
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._proxies: dict[Path, Proxy] = {}
        self._target, self._direction = 0, 1
        self._epoch = 0  # bumped when cached frames become wrong (size, timeline)
        self._seek = 0  # bumped when the playhead jumps: pending waits give up
        self._closed = False
        self._urgency = itertools.count(1)
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._playing = False  # the clock moves the playhead: no first frames meanwhile
        self._sought: tuple[Path, int] | None = None  # a glance's take to decode now, its frame
        self._folder, self._temp = usable_folder(cache_dir)
        self._first = FirstFrames(self._lock, self._folder)
        self._threads = [
            threading.Thread(target=self._read_ahead, name="frames-ahead", daemon=True),
            threading.Thread(target=self._builder, args=(False,), name="proxy", daemon=True),
            threading.Thread(target=self._builder, args=(True,), name="proxy-now", daemon=True),
            threading.Thread(target=self._first_frames, name="first-frames-1", daemon=True),
            threading.Thread(target=self._first_frames, name="first-frames-2", daemon=True),
            threading.Thread(target=self._first_frame_now, name="first-frame-now", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    # -- the API ----------------------------------------------------------------------------

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    @property
    def timeline(self) -> EpisodeTimeline:
        return self._timeline

    def frame(self, frame: int) -> np.ndarray:
        """Episode frame ``frame`` at the display size (waits for its decode when need be)."""
        with self._lock:
            hit = self._hit(frame)
            epoch = self._epoch
        if hit is not None:
            return hit
        while True:
            try:
                image = self._render(frame, epoch, None)
                break
            except Cancelled:
                with self._lock:
                    if self._closed:
                        return placeholder(self._size, "the player is closed")
                    epoch = self._epoch
        with self._lock:
            if epoch == self._epoch:
                self._put(frame, image)
        return image

    def glance(self, frame: int, decode: bool = True) -> Glance | None:
        """At once, a picture for a seek to ``frame``: the exact frame when it is decoded or
        its take's proxy has it, else the nearest frame at or before it that decodes quickly
        (see :mod:`studio.media.frame_glance`); the take's proxy is asked for first. Not
        ``decode``: None rather than decode that quick frame here (an ffmpeg run: tens of
        milliseconds) when the take has no poster; a thread decodes it now (``on_ready``)."""
        with self._lock:
            hit, size, epoch = self._hit(frame), self._size, self._epoch
        place = self._timeline.locate(frame)
        if hit is not None or place is None or place.span.media is None or place.span.problem:
            return Glance(self.frame(frame) if hit is None else hit, frame, True)
        span, fps = place.span, self._timeline.fps
        proxy = self._proxy(span.media, urgent=True)  # type: ignore[arg-type]
        try:
            if proxy.count() > 0:
                index = source_frame(place.local, proxy.fps or fps, fps, proxy.frames())
                have = min(index, proxy.count() - 1)
                image = fitted(proxy.read(have), proxy.source, span.focus, size)
                if have < index:
                    local = shown_local(have, place.local, proxy.fps or fps, fps, proxy.frames())
                    return Glance(image, span.start + local, False)
                with self._lock:
                    if epoch == self._epoch:
                        self._put(frame, image)
                return Glance(image, frame, True)
        except MediaError:
            pass  # the exact frame will say why
        media: Path = span.media  # type: ignore[assignment]
        key = self._first.get(media, decode=decode)
        if key is None and not decode:
            with self._lock:
                if pending := not self._first.known(media):
                    self._sought = (media, frame)
                    self._lock.notify_all()
            if pending:
                return None
            key = self._first.get(media, decode=False)  # decoded meanwhile, or cannot be
        if key is None:
            return Glance(placeholder(size, "the take cannot be decoded"), span.start, False)
        return Glance(
            fitted(key, (key.shape[1], key.shape[0]), span.focus, size), span.start, False
        )

    def cached(self, frame: int) -> np.ndarray | None:
        """The frame if it is decoded already, else None; never waits."""
        with self._lock:
            return self._hit(frame)

    def prefetch(self, frame: int, direction: int = 1, playing: bool = False) -> None:
        """Say where the playhead is: the read-ahead thread decodes from ``frame`` onwards
        (backwards when ``direction`` < 0). ``playing``: the clock moves it; the takes' first
        frames (a seek's stand-ins) then wait, so that the proxies playback needs come first."""
        direction = -1 if direction < 0 else 1
        with self._lock:
            self._playing = playing
            inside = 0 <= (frame - self._target) * self._direction < self._ahead
            if not inside or direction != self._direction:
                self._seek += 1
            self._target, self._direction = frame, direction
            self._lock.notify_all()

    def set_size(self, width: int, height: int) -> None:
        """Serve frames at ``width``×``height`` from now on (cached frames are dropped)."""
        size = _checked((width, height))
        with self._lock:
            if size != self._size:
                self._size = size
                self._invalidate()

    def set_timeline(self, timeline: EpisodeTimeline) -> None:
        """Serve another (or an edited) episode. Proxies already made are kept, unless their
        take file changed since; those of takes not shown close their files."""
        shown = set(timeline.medias())
        with self._lock:
            self._timeline = timeline
            for media, proxy in list(self._proxies.items()):
                if proxy.state not in ("done", "failed"):
                    continue
                if media not in shown:
                    proxy.close()
                elif signature(media) != proxy.signature:
                    proxy.close()
                    del self._proxies[media]
                    self._first.forget(media)
            self._invalidate()

    def problem(self, frame: int) -> str:
        """Why ``frame`` shows a placeholder ("" when it shows its take, or is not known yet)."""
        place = self._timeline.locate(frame)
        if place is None:
            return "outside the episode"
        if place.span.problem or place.span.media is None:
            return place.span.problem or "no finished take"
        with self._lock:
            proxy = self._proxies.get(place.span.media)
        return proxy.error if proxy is not None else ""

    def prepare(self, timeout: float | None = None) -> bool:
        """Wait until every take of the episode has its proxy (or failed); False on timeout."""
        proxies = [self._proxy(media, urgent=False) for media in self._timeline.medias()]
        return all(proxy.finished(timeout) for proxy in proxies)

    def close(self) -> None:
        """Stop the threads and ffmpeg; the server serves nothing more."""
        with self._lock:
            self._closed = True
            self._first.close()
            procs = list(self._procs)
        for proc in procs:
            with contextlib.suppress(OSError):
                proc.kill()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
        for proxy in list(self._proxies.values()):
            proxy.close()
        if self._temp:
            shutil.rmtree(self._folder, ignore_errors=True)

    # -- inside -----------------------------------------------------------------------------

    def _hit(self, frame: int) -> np.ndarray | None:
        image = self._cache.get(frame)
        if image is not None:
            self._cache.move_to_end(frame)
        return image

    def _put(self, frame: int, image: np.ndarray) -> None:
        self._cache[frame] = image
        self._cache.move_to_end(frame)
        room = max(2 * self._ahead + 8, self._cache_bytes // max(1, image.nbytes))
        while len(self._cache) > room:
            self._cache.popitem(last=False)

    def _invalidate(self) -> None:
        self._cache.clear()
        self._epoch += 1
        self._seek += 1
        self._lock.notify_all()

    def _proxy(self, media: Path, *, urgent: bool) -> Proxy:
        with self._lock:
            proxy = self._proxies.get(media)
            if proxy is None:
                proxy = self._proxies[media] = Proxy(media)
            if urgent and proxy.state == "new":
                proxy.urgent = next(self._urgency)
            self._lock.notify_all()
            return proxy

    def _render(self, frame: int, epoch: int, seek: int | None) -> np.ndarray:
        """The display-size frame; waits for its proxy (until the seek or epoch changes)."""
        timeline, size = self._timeline, self._size
        place = timeline.locate(frame)
        if place is None:
            return placeholder(size, "outside the episode")
        span = place.span
        if span.media is None or span.problem:
            return placeholder(size, span.problem or "no finished take")
        proxy = self._proxy(span.media, urgent=True)

        def cancelled() -> bool:
            moved = seek is not None and seek != self._seek
            return self._closed or moved or epoch != self._epoch

        proxy.wait(lambda: proxy.state in ("done", "failed") or proxy.count() > 0, cancelled)
        if proxy.count() == 0:
            return placeholder(size, proxy.error or "the take cannot be decoded")
        rate = proxy.fps or timeline.fps
        index = source_frame(place.local, rate, timeline.fps, proxy.frames())
        proxy.wait(lambda: proxy.count() > index or proxy.state != "building", cancelled)
        try:
            image = proxy.read(min(index, proxy.count() - 1))
        except MediaError as exc:
            return placeholder(size, str(exc))
        return fitted(image, proxy.source, span.focus, size)

    def _first_frames(self) -> None:
        """Decode the takes' first frames ahead of the proxies, nearest the playhead first
        (their ffmpeg below a seek's own: :mod:`~studio.media.cpu_priority`)."""
        while True:
            with self._lock:
                while not self._closed and (media := self._next_first_frame()) is None:
                    self._lock.wait()
                if self._closed:
                    return
            self._first.get(media, AHEAD)

    def _first_frame_now(self) -> None:
        """Decode the first frame of the take a glance could not show (at the seek's own
        priority: the user waits for it), then say it is ready."""
        while True:
            with self._lock:
                while not self._closed and self._sought is None:
                    self._lock.wait()
                if self._closed or self._sought is None:
                    return
                (media, frame), self._sought = self._sought, None
            self._first.get(media)
            if self._on_ready is not None:
                self._on_ready(frame)

    def _next_first_frame(self) -> Path | None:
        """The nearest take whose first frame is wanted (its proxy has no frame yet), None
        while the episode plays."""
        for media in build_order(self._timeline, self._target) if not self._playing else ():
            proxy = self._proxies.get(media)
            if self._first.wanted(media) and (proxy is None or proxy.count() == 0):
                return media
        return None

    def _read_ahead(self) -> None:
        while True:
            with self._lock:
                while not self._closed and (frame := self._wanted()) is None:
                    self._lock.wait()
                if self._closed:
                    return
                epoch, seek = self._epoch, self._seek
            try:
                image = self._render(frame, epoch, seek)
            except Cancelled:
                continue
            except Exception as exc:  # a bug must not stop the read-ahead: say it on the frame
                image = placeholder(self._size, f"cannot show this frame: {exc}")
            with self._lock:
                if epoch != self._epoch:
                    continue
                self._put(frame, image)
            if self._on_ready is not None:
                self._on_ready(frame)

    def _wanted(self) -> int | None:
        """The first frame of the read-ahead window not decoded yet."""
        for i in range(self._ahead):
            frame = self._target + i * self._direction
            if not 0 <= frame < self._timeline.frames:
                return None
            if frame not in self._cache:
                return frame
        return None

    def _builder(self, urgent_only: bool) -> None:
        niceness = URGENT if urgent_only else BACKGROUND
        while True:
            with self._lock:
                while not self._closed and (proxy := self._next_build(urgent_only)) is None:
                    self._lock.wait()
                if self._closed:
                    return
                proxy.state = "claimed"
            try:
                proxy.build(self._folder, self._procs, niceness)
            except Exception as exc:  # MediaError, OSError, or worse: the take shows a placeholder
                reason = str(exc) if isinstance(exc, MediaError) else f"cannot make a proxy: {exc}"
                proxy.fail("the player is closed" if self._closed else reason)

    def _next_build(self, urgent_only: bool) -> Proxy | None:
        """A proxy to build: the one asked for last, else the take showing nearest the
        playhead (:func:`~studio.media.frame_glance.build_order`)."""
        if not urgent_only:
            for media in self._timeline.medias():
                if media not in self._proxies:
                    self._proxies[media] = Proxy(media)
        new = {p.media: p for p in self._proxies.values() if p.state == "new"}
        urgent = [p for p in new.values() if p.urgent]
        if urgent or urgent_only:
            return max(urgent, key=lambda p: p.urgent, default=None)
        return next((new[m] for m in build_order(self._timeline, self._target) if m in new), None)


def _checked(size: tuple[int, int]) -> tuple[int, int]:
    w, h = int(size[0]), int(size[1])
    if w <= 0 or h <= 0:
        raise ValueError(f"the display size must be positive, got {w}×{h}")
    return w, h
