"""A take's first frame kept on disk beside its proxy (its "poster"), so that a seek into a take
whose proxy is not made yet shows a picture at once, even in a window just opened.

A poster is the take's first frame (:func:`~studio.media.frame_glance.first_frame`: at most
720 px high) as a JPEG in the proxies folder, ``<proxy key>.first.jpg``: named, like the
proxy, by a digest of the take's resolved path, size and modification time, so a take written
again gets a new one and a copied project folder never uses another machine's. It is written
by the worker once a take is made, and by the preview the first time it decodes a first frame;
:func:`~studio.media.frame_proxies.prune` deletes it with the proxy.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import cv2
import numpy as np

from studio.core.atomic import write_atomic
from studio.media.frame_glance import KEYFRAME_HEIGHT, first_frame
from studio.media.frame_proxies import proxy_key

POSTER_SUFFIX = ".first.jpg"
MAX_POSTER_BYTES = 2 << 20  # a 720-px-high JPEG is a few hundred kB at most
_QUALITY = 85


def poster_path(folder: Path, media: Path) -> Path:
    """Where ``media``'s poster lives in the proxies ``folder``; OSError when the take cannot
    be read."""
    return folder / f"{proxy_key(media)}{POSTER_SUFFIX}"


def read_poster(folder: Path, media: Path) -> np.ndarray | None:
    """``media``'s poster (BGR), or None when there is none (or it is not one we wrote)."""
    try:
        path = poster_path(folder, media)
        if path.stat().st_size > MAX_POSTER_BYTES:
            return None
        data = np.fromfile(path, np.uint8)
    except OSError:
        return None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if image is None or image.shape[0] > KEYFRAME_HEIGHT or image.shape[1] > 4 * KEYFRAME_HEIGHT:
        return None
    return image


def save_poster(folder: Path, media: Path, image: np.ndarray) -> None:
    """Keep ``image`` (the take's first frame, BGR) as ``media``'s poster; a folder that
    cannot be written only means no poster."""
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, _QUALITY])
    if not ok:
        return
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(poster_path(folder, media), jpeg.tobytes())


def first_frame_of(
    media: Path, folder: Path | None, niceness: int = 0, decode: bool = True
) -> np.ndarray | None:
    """``media``'s first frame (BGR): its poster in the proxies ``folder``, else (when
    ``decode``) decoded by ffmpeg at ``niceness`` and kept there as its poster; None when there
    is none, or ffmpeg cannot decode one."""
    image, fresh = poster_or_decoded(media, folder, niceness, decode)
    if fresh and image is not None and folder is not None:
        save_poster(folder, media, image)
    return image


def poster_or_decoded(
    media: Path, folder: Path | None, niceness: int = 0, decode: bool = True
) -> tuple[np.ndarray | None, bool]:
    """:func:`first_frame_of` without keeping the poster: (the image, whether it was decoded
    now), for a caller that hands the image over first and then calls :func:`save_poster`."""
    image = read_poster(folder, media) if folder is not None else None
    if image is not None or not decode:
        return image, False
    return first_frame(media, niceness), True


def make_poster(folder: Path, media: Path, niceness: int = 0) -> bool:
    """Decode ``media``'s first frame and keep it as its poster; False when it cannot be
    decoded (the take is broken: the preview will say why)."""
    image = first_frame(media, niceness)
    if image is None:
        return False
    save_poster(folder, media, image)
    return True
