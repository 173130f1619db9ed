"""What the preview shows at once after a seek into a take whose proxy is not made yet, and
the order in which the takes' proxies are made.

A cold seek (no proxy yet for the take) cannot wait for the proxy build to reach the frame
(about a second): :class:`Glance` is the nearest frame that decodes quickly, marked
approximate, shown at once and replaced by the exact frame when it is decoded. It is the last
frame the proxy build has made so far, when it has made any, else the take's first frame (a
keyframe: one frame decoded by ffmpeg, scaled down as it decodes, kept per take). Either is at
or before the asked frame.

:func:`build_order` is the order the takes of the episode on screen get their proxies (and
their first frames): the take under the playhead, then the others by how near they show to
it (ahead before behind at the same distance); asked again when the playhead jumps.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from studio.core.time import FrameRate
from studio.media.cpu_priority import BELOW_NORMAL, lower_process
from studio.media.episode_timeline import EpisodeTimeline, source_frame
from studio.media.ffmpeg import NO_WINDOW, ffmpeg_exe

KEYFRAME_HEIGHT = 720  # a first frame is scaled to this height (never enlarged)
_SCALE = f"scale=-2:'min(ih,{KEYFRAME_HEIGHT})':flags=fast_bilinear"


@dataclass(frozen=True)
class Glance:
    """A picture for a seek: ``image`` (RGB, display size) shows episode frame ``frame``, the
    one asked for when ``exact``, else one at or before it (the exact one follows)."""

    image: np.ndarray
    frame: int
    exact: bool


def build_order(timeline: EpisodeTimeline, playhead: int) -> list[Path]:
    """The take files of ``timeline``, the one showing nearest ``playhead`` first."""
    near: dict[Path, tuple[int, int]] = {}
    for span in timeline.spans:
        if span.media is None or span.problem or span.frames <= 0:
            continue
        if span.start <= playhead < span.end:
            key = (0, 0)
        elif span.start > playhead:
            key = (span.start - playhead, 0)
        else:
            key = (playhead - span.end + 1, 1)
        near[span.media] = min(key, near.get(span.media, key))
    return sorted(near, key=near.__getitem__)


def first_frame(media: Path, niceness: int = 0, timeout: float = 10.0) -> np.ndarray | None:
    """The take's first frame as BGR, at most :data:`KEYFRAME_HEIGHT` high (None when ffmpeg
    cannot decode it): only keyframes decoded, scaled as it is decoded; the ffmpeg lowered to
    ``niceness`` when nobody waits for it. ffmpeg is first asked not to decode frames to find
    out the stream's format (a take's header says it; finding out decoded the keyframe twice,
    the time doubled); should that fail, it is asked again, probing a little."""
    image = _decode_first(media, ("-nofind_stream_info",), niceness, timeout)
    if image is None:
        probing = ("-analyzeduration", "0", "-probesize", "32768")
        image = _decode_first(media, probing, niceness, timeout)
    return image


def _decode_first(
    media: Path, probing: tuple[str, ...], niceness: int, timeout: float
) -> np.ndarray | None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-threads", "1",
           "-skip_frame", "nokey", *probing, "-i", str(media), "-map", "0:v:0", "-frames:v", "1",
           "-vf", _SCALE, "-f", "image2pipe", "-c:v", "bmp", "-"]  # fmt: skip
    try:
        with subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            creationflags=NO_WINDOW | (BELOW_NORMAL if niceness else 0),
        ) as proc:  # fmt: skip
            lower_process(proc, niceness)
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                return None
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0 or not out:
        return None
    return cv2.imdecode(np.frombuffer(out, np.uint8), cv2.IMREAD_COLOR)


def shown_local(index: int, local: int, rate: FrameRate, fps: FrameRate, frames: int) -> int:
    """The last frame of the shot, at or before ``local``, that shows source frame ``index``
    or an earlier one (0 when none does)."""
    low, high = 0, local
    while low < high:
        mid = (low + high + 1) // 2
        if source_frame(mid, rate, fps, frames) <= index:
            low = mid
        else:
            high = mid - 1
    return low
