"""The ffmpeg binary: encode RGB frames to H.264, probe a file, decode frames back to RGB.

The binary is the one named by the environment variable ``STUDIO_FFMPEG`` if set, else the one
shipped in the ``imageio-ffmpeg`` wheel. That wheel has no ffprobe, so :func:`probe` reads what
``ffmpeg -i`` prints. ffmpeg's stderr always goes to a temporary file, never a pipe nobody
reads, so a chatty ffmpeg cannot deadlock us; its last lines become the :class:`MediaError`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO

import numpy as np

from studio.core.time import FrameRate
from studio.media.cpu_priority import BELOW_NORMAL, lower_process

NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console flashing up on Windows
_SIGXFSZ = getattr(signal, "SIGXFSZ", None)  # a file-size limit kills rather than failing a write


class MediaError(Exception):
    """ffmpeg is missing, or a file could not be written or read: one line for the user."""


def ffmpeg_exe() -> str:
    """The ffmpeg to run: ``$STUDIO_FFMPEG`` if set, else imageio-ffmpeg's."""
    named = os.environ.get("STUDIO_FFMPEG", "").strip()
    if named:
        found = shutil.which(named)
        if found is None:
            raise MediaError(f"STUDIO_FFMPEG names {named!r}, which is not an executable")
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as e:
        raise MediaError(
            f"no ffmpeg found ({e}); install imageio-ffmpeg or set STUDIO_FFMPEG"
        ) from e


def _tail(text: str, lines: int = 3) -> str:
    """ffmpeg's last few meaningful stderr lines, joined into one."""
    found = [
        re.sub(r" @ 0x[0-9a-f]+\]", "]", s.strip())
        for s in re.split(r"[\r\n]+", text)
        if s.strip() and not s.lstrip().startswith(("frame=", "size=", "Press [q]"))
    ]
    return "; ".join(found[-lines:])


def ffmpeg_reason(rc: int, stderr: IO[bytes] | None) -> str:
    """Why ffmpeg failed: its own last words from ``stderr`` (a file), or how it ended."""
    if _SIGXFSZ is not None and rc == -_SIGXFSZ:
        return "file too large for this file system or the size limit"
    if stderr is not None:
        stderr.seek(0, os.SEEK_END)
        stderr.seek(max(0, stderr.tell() - 8192))
        reason = _tail(stderr.read().decode("utf-8", "replace"))
        if reason:
            return reason
    return f"ffmpeg was killed (signal {-rc})" if rc < 0 else f"ffmpeg exited with status {rc}"


class VideoWriter:
    """Pipes RGB uint8 frames (H×W×3) to ffmpeg, which encodes H.264 (yuv420p) into an MP4.

    Use it as a context manager: the file is complete when the block ends without an error;
    on any failure (an exception in the block, ffmpeg dying or refusing) no file is left and
    :class:`MediaError` carries ffmpeg's own reason. ``seconds`` is the time spent waiting on
    ffmpeg (handing over frames and finishing the file). ``audio``: a sound file muxed in as
    AAC, padded with silence or cut to the picture's length.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        width: int,
        height: int,
        fps: str = "30/1",
        *,
        crf: int = 18,
        preset: str = "veryfast",
        audio: str | os.PathLike[str] | None = None,
    ) -> None:
        if width <= 0 or height <= 0 or width % 2 or height % 2:
            raise MediaError(
                f"video size must be even and positive for H.264, got {width}×{height}"
            )
        try:
            self.fps = FrameRate.parse(fps)
        except ValueError as e:
            raise MediaError(str(e)) from None
        self.path = Path(path)
        self.width, self.height = width, height
        self.crf, self.preset = crf, preset
        self.audio = Path(audio) if audio is not None else None
        self.frames_written = 0
        self.seconds = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def open(self) -> VideoWriter:
        if self._proc is not None:
            return self
        size = f"{self.width}x{self.height}"
        sound = ["-an"]
        if self.audio is not None:
            sound = ["-i", str(self.audio), "-map", "0:v", "-map", "1:a", "-af", "apad",
                     "-shortest", "-c:a", "aac", "-b:a", "192k", "-ar", "48000"]  # fmt: skip
        cmd = [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostats", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size, "-r", str(self.fps), "-i", "-",
            *sound, "-c:v", "libx264", "-preset", self.preset, "-crf", str(self.crf),
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", str(self.path),
        ]  # fmt: skip
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as ffmpeg)
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr,
                creationflags=NO_WINDOW,
            )  # fmt: skip
        except OSError as e:
            self._cleanup()
            raise MediaError(f"could not start ffmpeg: {e}") from e
        return self

    def write(self, frame: np.ndarray) -> None:
        """Hand one frame to ffmpeg."""
        if self._proc is None or self._proc.stdin is None:
            raise MediaError("the video writer is not open")
        a = np.asarray(frame)
        if a.shape != (self.height, self.width, 3) or a.dtype != np.uint8:
            raise MediaError(
                f"frame {self.frames_written}: expected {self.height}×{self.width}×3 uint8, "
                f"got {'×'.join(map(str, a.shape))} {a.dtype}"
            )
        start = time.perf_counter()
        try:
            self._proc.stdin.write(np.ascontiguousarray(a).data)
        except OSError:  # broken pipe: ffmpeg has gone
            self._fail()
        self.seconds += time.perf_counter() - start
        self.frames_written += 1

    def close(self) -> None:
        """Finish the file; MediaError (and no file) if ffmpeg did not."""
        if self._proc is None:
            return
        start = time.perf_counter()
        with contextlib.suppress(OSError):  # the exit status tells what happened
            self._proc.stdin.close()  # type: ignore[union-attr]
        rc = self._proc.wait()
        self.seconds += time.perf_counter() - start
        if rc != 0 or self.frames_written == 0:
            self._fail("" if rc else "no frames were written")
        self._cleanup()

    def abort(self) -> None:
        """Stop ffmpeg and remove the partial file."""
        if self._proc is not None:
            _stop(self._proc, self._proc.stdin)
        self._cleanup()
        self.path.unlink(missing_ok=True)

    def _fail(self, reason: str = "") -> None:
        assert self._proc is not None
        rc = _stop(self._proc, self._proc.stdin)
        reason = reason or ffmpeg_reason(rc, self._stderr)
        self.abort()
        raise MediaError(f"could not encode {self.path.name}: {reason}")

    def _cleanup(self) -> None:
        self._proc = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> VideoWriter:
        return self.open()

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _stop(proc: subprocess.Popen[bytes], pipe: IO[bytes] | None) -> int:
    """Kill ``proc`` unless it has exited, close its pipe, and return its exit status."""
    if proc.poll() is None:
        proc.kill()
    if pipe is not None:
        with contextlib.suppress(OSError):
            pipe.close()
    return proc.wait()


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """The first video stream of a file, as ffmpeg reports it (display size: rotation applied)."""

    width: int
    height: int
    fps: str  # "num/den"; "0/1" when ffmpeg reports none
    frames: int
    duration: float  # seconds: frames / fps when both are known, else the container's
    codec: str
    pix_fmt: str
    has_audio: bool


_STREAM = re.compile(r"Stream #\d+:\d+\S*: (Video|Audio): (.*)")


def _rate(text: str) -> str:
    """ffmpeg's rounded rate ("23.98", "30", "1k") as an exact rational ("24000/1001")."""
    try:
        value = float(text[:-1]) * 1000 if text.endswith("k") else float(text)
    except ValueError:
        return "0/1"
    if abs(value - round(value)) < 0.005:
        return f"{round(value)}/1"
    ntsc = round(value * 1.001)
    if ntsc and abs(ntsc / 1.001 - value) < 0.006:
        return f"{ntsc * 1000}/1001"
    f = Fraction(value).limit_denominator(1000)
    return f"{f.numerator}/{f.denominator}"


def probe(path: str | os.PathLike[str], niceness: int = 0) -> MediaInfo:
    """Size, rate, frame count, codec of a file's first video stream; MediaError if none.
    The ffmpeg runs lowered to ``niceness`` (:mod:`~studio.media.cpu_priority`)."""
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p}: no such file")
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-stats", "-i", str(p),
           "-map", "0:v:0", "-c", "copy", "-f", "null", "-"]  # fmt: skip
    try:
        with subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            creationflags=NO_WINDOW | (BELOW_NORMAL if niceness else 0),
        ) as proc:  # fmt: skip
            lower_process(proc, niceness)
            try:
                _, err = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    except (OSError, subprocess.TimeoutExpired) as e:
        raise MediaError(f"could not probe {p.name}: {e}") from e
    return parse_probe(err.decode("utf-8", "replace"), p.name)


def parse_probe(text: str, name: str) -> MediaInfo:
    """A :class:`MediaInfo` from what ``ffmpeg -i NAME ... -f null -`` printed on stderr."""
    head = re.split(r"^(?:Stream mapping:|Output #0)", text, maxsplit=1, flags=re.M)[0]
    streams = _STREAM.findall(head)
    video = next((rest for kind, rest in streams if kind == "Video"), None)
    if video is None:
        reason = "it has no video stream" if streams else _tail(text)
        raise MediaError(f"{name} is not a readable video: {reason or 'unknown format'}")
    fields = [f.strip() for f in re.split(r",(?![^(]*\))", video)]  # not inside (...)
    codec = fields[0].split()[0] if fields[0] else ""
    size = next((m for f in fields[1:] if (m := re.match(r"(\d+)x(\d+)", f))), None)
    if size is None:
        raise MediaError(f"{name}: ffmpeg reports no picture size")
    width, height = int(size[1]), int(size[2])
    pix_fmt = ""
    if len(fields) > 1 and not re.match(r"\d+x\d+", fields[1]):
        pix_fmt = re.split(r"[(\s]", fields[1], maxsplit=1)[0]
    rotation = re.search(r"rotation of (-?[\d.]+) degrees", head)
    if rotation and round(float(rotation[1])) % 180 == 90:
        width, height = height, width
    rates: dict[str, str] = {}
    for f in fields:
        if m := re.fullmatch(r"([\d.]+k?) (fps|tbr)", f):
            rates.setdefault(m[2], m[1])
    rate_text = rates.get("fps") or rates.get("tbr")
    fps = _rate(rate_text) if rate_text else "0/1"
    counts = re.findall(r"frame=\s*(\d+)", text)
    frames = int(counts[-1]) if counts else 0
    num, den = (int(x) for x in fps.split("/"))
    if frames and num:
        duration = frames * den / num
    elif m := re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", head):
        duration = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    else:
        duration = 0.0
    has_audio = any(kind == "Audio" for kind, _ in streams)
    return MediaInfo(width, height, fps, frames, duration, codec, pix_fmt, has_audio)


def read_frames(path: str | os.PathLike[str]) -> Iterator[np.ndarray]:
    """Every frame of the first video stream as a writable H×W×3 uint8 RGB array.

    Probes first, so a file that is not a video raises MediaError here, not on iteration.
    """
    info = probe(path)
    return _decode(Path(path), info.width, info.height)


def _decode(path: Path, width: int, height: int) -> Iterator[np.ndarray]:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path),
           "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-"]  # fmt: skip
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
            creationflags=NO_WINDOW,
        )  # fmt: skip
        assert proc.stdout is not None
        try:
            while True:
                frame = np.empty((height, width, 3), np.uint8)
                view, got = memoryview(frame).cast("B"), 0
                while got < len(view) and (n := proc.stdout.readinto(view[got:])):
                    got += n
                if got == 0:
                    break
                if got < len(view):
                    raise MediaError(f"{path.name}: a frame ended early ({got} of {len(view)})")
                yield frame
            rc = proc.wait()
            if rc != 0:
                raise MediaError(f"could not decode {path.name}: {ffmpeg_reason(rc, stderr)}")
        finally:
            _stop(proc, proc.stdout)


def run_ffmpeg(args: list[str], what: str, *, timeout: float | None = None) -> str:
    """Run ffmpeg with ``args`` (everything after the binary); its stderr text when it succeeds.

    MediaError "could not WHAT: <ffmpeg's reason>" when it fails, cannot start or runs past
    ``timeout`` seconds. Stderr goes to a temporary file, so a chatty ffmpeg never blocks.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    with tempfile.TemporaryFile() as stderr:
        try:
            proc = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                timeout=timeout, creationflags=NO_WINDOW,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise MediaError(f"could not {what}: ffmpeg took longer than {timeout:.0f} s") from None
        except OSError as e:
            raise MediaError(f"could not {what}: cannot start ffmpeg ({e})") from e
        if proc.returncode != 0:
            raise MediaError(f"could not {what}: {ffmpeg_reason(proc.returncode, stderr)}")
        stderr.seek(0)
        return stderr.read().decode("utf-8", "replace")


@functools.cache
def ffmpeg_version() -> str:
    """The first line of ``ffmpeg -version`` (part of cache keys: another ffmpeg encodes
    differently)."""
    try:
        out = subprocess.run(
            [ffmpeg_exe(), "-version"], capture_output=True, timeout=60, creationflags=NO_WINDOW
        ).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        raise MediaError(f"cannot run ffmpeg: {e}") from e
    return out.decode("utf-8", "replace").partition("\n")[0].strip()
