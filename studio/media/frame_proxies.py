"""Take proxies for the preview player: every frame of a take as a JPEG, for random access.

A seek into an H.264 take decodes from its keyframe, usually its first frame: a quarter of a
second for a 5 s take at 1080×1920, too slow to scrub. So each take is decoded once, by ffmpeg,
into a proxy: its frames as JPEG images (the take scaled to cover 540×960, never enlarged),
one after the other in a ``.jpgs`` file in the project's ``exports/.cache/proxies/``, named by
a digest of the take's path, size and modification time, with a ``.json`` index of where each
image starts (written last: a proxy without its index is not finished). Any frame is then one
read and one JPEG decode away (a few milliseconds).

A :class:`Proxy` is readable while it is being built: the frames decoded so far can be read,
and :meth:`Proxy.wait` waits for more. :func:`prune` deletes the proxies no take of the
project needs any more (a take deleted, re-rendered or archived away), so the cache does not
grow for ever.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np

from studio.core.atomic import write_atomic
from studio.core.time import FrameRate
from studio.media.cpu_priority import BELOW_NORMAL, lower_process
from studio.media.ffmpeg import NO_WINDOW, MediaError, ffmpeg_exe, ffmpeg_reason, probe

PROXIES = "exports/.cache/proxies"  # in the project folder
PROXY_FORMAT = 1  # bump when proxies change, so old ones are not reused
PROXY_SIZE = (540, 960)  # a proxy covers this (half the delivery size)
_QUALITY = 85


class Cancelled(Exception):
    """The caller of :meth:`Proxy.wait` no longer wants the frame."""


class Proxy:
    """One take's proxy; ``state`` is new, claimed (a builder took it), building, done or
    failed (``error`` says why)."""

    def __init__(self, media: Path) -> None:
        self.media = media
        self.cond = threading.Condition()
        self.offsets = [0]  # frame i is bytes offsets[i]..offsets[i + 1] of the data file
        self.size = self.source = (0, 0)  # the proxy's pixels; the take's
        self.fps: FrameRate | None = None  # the take's rate (None: ffmpeg reports none)
        self.expected = 0  # the frame count ffmpeg reports, until the build has them all
        self.state = "new"
        self.error = ""
        self.urgent = 0  # > 0: someone waits for it (larger = asked later)
        self.signature: tuple[int, int] | None = None  # the take's size and mtime when built
        self._data: Path | None = None
        self._file: BinaryIO | None = None
        self._read_lock = threading.Lock()

    def count(self) -> int:
        """Frames readable now."""
        return len(self.offsets) - 1

    def frames(self) -> int:
        """The take's frame count (as ffmpeg reports it, while the build runs)."""
        return self.count() if self.state != "building" else max(self.expected, self.count())

    def wait(self, ready: Callable[[], bool], cancelled: Callable[[], bool]) -> None:
        """Wait until ``ready()``; :class:`Cancelled` as soon as ``cancelled()``."""
        with self.cond:
            while not ready():
                if cancelled():
                    raise Cancelled
                self.cond.wait(0.05)

    def finished(self, timeout: float | None = None) -> bool:
        """Wait until the proxy is done or failed; False on timeout."""
        with self.cond:
            return self.cond.wait_for(lambda: self.state in ("done", "failed"), timeout)

    def read(self, index: int) -> np.ndarray:
        """Frame ``index`` (< :meth:`count`) as BGR uint8 at the proxy size."""
        with self.cond:
            start, end = self.offsets[index], self.offsets[index + 1]
        with self._read_lock:
            try:
                if self._file is None or self._file.name != str(self._data):
                    self._close_file()
                    self._file = open(self._data, "rb")  # type: ignore[arg-type]  # noqa: SIM115
                self._file.seek(start)
                blob = self._file.read(end - start)
            except OSError as exc:
                raise MediaError(f"cannot read the proxy of {self.media.name}: {exc}") from None
        image = cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise MediaError(f"the proxy of {self.media.name} is damaged at frame {index}")
        return image

    def close(self) -> None:
        with self._read_lock:
            self._close_file()

    def fail(self, reason: str) -> None:
        self._set(state="failed", error=reason, offsets=[0])

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _set(self, **values: object) -> None:
        with self.cond:
            for name, value in values.items():
                setattr(self, name, value)
            self.cond.notify_all()

    # -- building ---------------------------------------------------------------------------

    def build(self, folder: Path, procs: set[subprocess.Popen[bytes]], niceness: int = 0) -> None:
        """Load the proxy from ``folder``, or make it there (ffmpeg lowered to ``niceness``,
        see :mod:`~studio.media.cpu_priority`); MediaError or OSError when neither can be done.
        ``procs`` holds the running ffmpeg, for whoever must stop it."""
        try:
            key = proxy_key(self.media)
        except OSError as exc:
            raise MediaError(f"cannot read the take {self.media.name}: {exc.strerror}") from None
        self.signature = signature(self.media)
        data, index = folder / f"{key}.jpgs", folder / f"{key}.json"
        if self._load(data, index):
            return
        info = probe(self.media, niceness)
        scale = min(1.0, max(PROXY_SIZE[0] / info.width, PROXY_SIZE[1] / info.height))
        size = (max(2, round(info.width * scale)), max(2, round(info.height * scale)))
        fps = FrameRate.parse(info.fps) if info.fps != "0/1" else None
        part = folder / f".{key}-{os.getpid()}-{secrets.token_hex(4)}.part"
        self._set(size=size, source=(info.width, info.height), fps=fps, expected=info.frames,
                  _data=part, state="building")  # fmt: skip
        try:
            self._encode(part, procs, niceness)
            if self.count() == 0:
                raise MediaError(f"{self.media.name} has no frames ffmpeg can decode")
            with self._read_lock:  # readers switch to the finished file in one step
                self._close_file()
                os.replace(part, data)
                self._data = data
            doc = {"format": PROXY_FORMAT, "size": list(size), "source": list(self.source),
                   "fps": str(fps or ""), "offsets": self.offsets}  # fmt: skip
            write_atomic(index, json.dumps(doc).encode("utf-8"))
        finally:
            with self._read_lock:
                if self._data == part:
                    self._close_file()
            part.unlink(missing_ok=True)
        self._set(state="done")

    def _load(self, data: Path, index: Path) -> bool:
        """Take a finished proxy from disk; False when there is none (or it is damaged)."""
        try:
            doc = json.loads(index.read_text(encoding="utf-8"))
            offsets = [int(x) for x in doc["offsets"]]
            if doc["format"] != PROXY_FORMAT or len(offsets) < 2:
                return False
            if data.stat().st_size != offsets[-1]:
                return False
            fps = FrameRate.parse(doc["fps"]) if doc["fps"] else None
            size, source = tuple(map(int, doc["size"])), tuple(map(int, doc["source"]))
        except (OSError, ValueError, KeyError, TypeError):
            return False
        self._set(offsets=offsets, size=size, source=source, fps=fps, _data=data, state="done")
        return True

    def _encode(self, part: Path, procs: set[subprocess.Popen[bytes]], niceness: int) -> None:
        """Decode the take with ffmpeg, each frame a JPEG appended to ``part`` and indexed."""
        w, h = self.size
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
               "-i", str(self.media), "-map", "0:v:0", "-fps_mode", "passthrough",
               "-vf", f"scale={w}:{h}:flags=area", "-f", "rawvideo", "-pix_fmt", "bgr24",
               "-"]  # fmt: skip
        frame = np.empty((h, w, 3), np.uint8)
        view = memoryview(frame).cast("B")
        with tempfile.TemporaryFile() as stderr, open(part, "wb") as out:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                creationflags=NO_WINDOW | (BELOW_NORMAL if niceness else 0),
            )  # fmt: skip
            lower_process(proc, niceness)
            procs.add(proc)
            try:
                assert proc.stdout is not None
                while _fill(proc.stdout, view):
                    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, _QUALITY])
                    if not ok:
                        raise MediaError(f"cannot make the proxy of {self.media.name}")
                    out.write(jpeg.tobytes())
                    out.flush()
                    with self.cond:
                        self.offsets.append(self.offsets[-1] + len(jpeg))
                        self.cond.notify_all()
                rc = proc.wait()
                if rc != 0:
                    reason = ffmpeg_reason(rc, stderr)
                    raise MediaError(f"cannot decode {self.media.name}: {reason}")
            finally:
                procs.discard(proc)
                if proc.poll() is None:
                    proc.kill()
                proc.stdout.close()  # type: ignore[union-attr]
                proc.wait()


def _fill(pipe: BinaryIO, view: memoryview) -> bool:
    """Read one whole frame into ``view``; False at the end of the stream (or a cut frame)."""
    got = 0
    while got < len(view) and (n := pipe.readinto(view[got:])):
        got += n
    return got == len(view)


def proxy_key(media: Path) -> str:
    """The name of ``media``'s proxy files: a digest of the proxy format, the take's path,
    size and modification time. OSError when the take cannot be read."""
    stat = media.stat()
    ident = [PROXY_FORMAT, PROXY_SIZE, str(media.resolve()), stat.st_size, stat.st_mtime_ns]
    return hashlib.sha256(json.dumps(ident).encode("utf-8")).hexdigest()[:32]


def prune(folder: Path, medias: Iterable[Path], part_age_s: float = 3600.0) -> int:
    """Delete the proxies (and posters) in ``folder`` that belong to none of ``medias`` (the
    take files the project still has), and build leftovers older than ``part_age_s``; the
    files deleted."""
    keep = set()
    for media in medias:
        try:
            keep.add(proxy_key(media))
        except OSError:
            continue  # a missing take needs no proxy
    deleted = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for path in entries:
        if path.suffix == ".part":
            try:
                stale = time.time() - path.stat().st_mtime > part_age_s
            except OSError:
                continue
        else:
            key = path.name.split(".", 1)[0]  # a proxy's .jpgs and .json, a poster's .first.jpg
            stale = path.suffix in (".jpgs", ".json", ".jpg") and key not in keep
        if stale:
            try:
                path.unlink()
                deleted += 1
            except OSError:
                pass
    return deleted


def signature(media: Path) -> tuple[int, int] | None:
    """The take file's size and modification time (None when it cannot be read)."""
    try:
        stat = media.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def usable_folder(folder: Path) -> tuple[Path, bool]:
    """``folder`` if proxies can be written there, else a new temporary folder (and True:
    the caller removes it)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
        return folder, False
    except OSError:
        return Path(tempfile.mkdtemp(prefix="studio-proxies-")), True
