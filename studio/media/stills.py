"""Still images written to disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.media.ffmpeg import MediaError


def write_png(image: np.ndarray, path: Path) -> None:
    """``image`` (RGB uint8) as a PNG at ``path``, encoded in memory so the path may be a
    temporary name without the .png suffix. MediaError (and no partial file) on failure."""
    import cv2

    ok, png = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    try:
        if not ok:
            raise OSError("PNG encoding failed")
        path.write_bytes(png.tobytes())
    except OSError as e:
        path.unlink(missing_ok=True)
        raise MediaError(f"could not write the keyframe: {e}") from e
