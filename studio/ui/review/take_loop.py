"""Looping previews of takes: a take's frames, small, decoded off the GUI thread and cached.

:class:`LoopFrames` answers at once with what it has (``None`` the first time) and decodes the
rest in a small thread pool. A take is decoded through the player's proxies
(:mod:`studio.media.frame_proxies`: built once per take in the project's proxy folder and
shared with the preview player), then every ``step``-th proxy frame is fitted into the asked
size and kept as a :class:`QImage`. Entries are keyed by the file's path, modification time,
size and rate, so a take written again is decoded again; an LRU keeps them under a byte budget.
``ready`` says a take's frames (or its problem) arrived.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from studio.media.ffmpeg import MediaError
from studio.media.frame_proxies import Proxy, usable_folder

DEFAULT_FPS = 30.0  # a take whose rate ffmpeg does not report


@dataclass(frozen=True, slots=True)
class Loop:
    """A take's frames for a looping preview: ``images[k]`` is source frame ``k * step``."""

    images: tuple[QImage, ...]
    step: int  # source frames per image
    fps: float  # the take's own frame rate

    @property
    def interval_ms(self) -> int:
        """How long each image shows when the loop plays at the take's speed."""
        return max(1, round(1000 * self.step / self.fps))

    @property
    def frames(self) -> int:
        """The take's length in source frames (as covered by the images)."""
        return len(self.images) * self.step

    def at(self, frame: int) -> QImage:
        """The image showing at source frame ``frame`` (held on the last past the end)."""
        return self.images[max(0, min(len(self.images) - 1, frame // self.step))]

    def nbytes(self) -> int:
        return sum(image.sizeInBytes() for image in self.images)


def decode_loop(
    media: Path,
    folder: Path,
    size: tuple[int, int],
    rate: float | None,
    procs: set[subprocess.Popen[bytes]],
) -> Loop:
    """The frames of ``media`` fitted into ``size`` (w, h), about ``rate`` a second (None:
    every frame), read from its proxy in ``folder`` (made there first when need be).
    MediaError or OSError when the take cannot be decoded."""
    proxy = Proxy(media)
    try:
        proxy.build(folder, procs)
        fps = proxy.fps.num / proxy.fps.den if proxy.fps is not None else DEFAULT_FPS
        step = 1 if rate is None else max(1, round(fps / rate))
        images = tuple(_fitted(proxy.read(i), size) for i in range(0, proxy.count(), step))
    finally:
        proxy.close()
    if not images:
        raise MediaError(f"{media.name} has no frames")
    return Loop(images, step, fps)


def _fitted(bgr: object, size: tuple[int, int]) -> QImage:
    """A BGR proxy frame scaled to fit inside ``size``, as an RGB QImage owning its pixels."""
    h, w = bgr.shape[:2]  # type: ignore[attr-defined]
    scale = min(size[0] / w, size[1] / h)
    out = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = cv2.cvtColor(cv2.resize(bgr, out, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
    image = QImage(small.data, out[0], out[1], 3 * out[0], QImage.Format.Format_RGB888)
    return image.copy()  # the array goes away with this frame


_Key = tuple[str, int, tuple[int, int], float | None]  # (path, mtime, size, rate)


class LoopFrames(QObject):
    """Loops of takes by (path, modification time, size, rate), decoded in background threads.

    ``cache_dir`` is where proxies are kept (the project's proxy folder, see
    :meth:`set_folder`; a temporary folder, removed on :meth:`close`, when it is None or
    cannot be written)."""

    ready = Signal(str)  # the path of a take whose loop was made (or failed)
    _made = Signal(object, object, str)  # (key, Loop | None, problem): from a worker thread

    def __init__(
        self,
        cache_dir: Path | None = None,
        parent: QObject | None = None,
        *,
        workers: int = 2,
        cache_bytes: int = 192 << 20,
    ) -> None:
        super().__init__(parent)
        self._temps: list[Path] = []
        self._folder = self.set_folder(cache_dir)
        self._cache: OrderedDict[_Key, Loop | None] = OrderedDict()
        self._problems: dict[str, str] = {}
        self._pending: set[_Key] = set()
        self._cache_bytes = cache_bytes
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._closed = False
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="take-loops")
        self._made.connect(self._store)
        pool = self._pool
        self.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))

    def set_folder(self, cache_dir: Path | None) -> Path:
        """Keep proxies in ``cache_dir`` from now on (another project's); the folder used."""
        if cache_dir is None:
            cache_dir = Path(tempfile.gettempdir()) / "studio-take-loops"
        folder, temp = usable_folder(cache_dir)
        if temp:
            self._temps.append(folder)
        self._folder = folder
        return folder

    def frames(self, path: Path, size: tuple[int, int], rate: float | None = 10.0) -> Loop | None:
        """The loop of the take at ``path`` if decoded; else None, and it is being decoded."""
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError as exc:
            self._problems[str(path)] = f"cannot read {path.name}: {exc.strerror}"
            return None
        key: _Key = (str(path), mtime, (int(size[0]), int(size[1])), rate)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if key not in self._pending and not self._closed:
            self._pending.add(key)
            try:
                self._pool.submit(self._make, key)
            except RuntimeError:  # shut down
                self._pending.discard(key)
        return None

    def problem(self, path: Path) -> str:
        """Why the last loop of ``path`` could not be made ("" if it could, or is not known)."""
        return self._problems.get(str(path), "")

    def busy(self) -> bool:
        """Whether a loop is still being decoded."""
        return bool(self._pending)

    def close(self) -> None:
        """Stop decoding (ffmpeg is stopped; what is running drops its result)."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in list(self._procs):
            with contextlib.suppress(OSError):
                proc.kill()
        for folder in self._temps:
            shutil.rmtree(folder, ignore_errors=True)

    def _make(self, key: _Key) -> None:
        path, _, size, rate = key
        try:
            loop: Loop | None = decode_loop(Path(path), self._folder, size, rate, self._procs)
            problem = ""
        except (MediaError, OSError, ValueError) as exc:
            loop, problem = None, str(exc) or "cannot decode the take"
        if not self._closed:
            with contextlib.suppress(RuntimeError):  # the cache was deleted meanwhile
                self._made.emit(key, loop, problem)

    def _store(self, key: _Key, loop: Loop | None, problem: str) -> None:
        self._pending.discard(key)
        if self._closed:
            return
        self._cache[key] = loop
        self._problems[key[0]] = problem
        total = sum(v.nbytes() for v in self._cache.values() if v is not None)
        while total > self._cache_bytes and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            total -= old.nbytes() if old is not None else 0
        self.ready.emit(key[0])
