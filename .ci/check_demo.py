"""The demo's exported episode, read back with PyAV: 1080×1920 H.264 with AAC, every frame
1/fps long (seams included), sound as long as the picture within a frame."""

from __future__ import annotations

import itertools
import sys
from fractions import Fraction
from pathlib import Path

import av


def main(project: Path) -> int:
    videos = sorted((project / "exports").glob("*.mp4"))
    if not videos:
        print(f"no exported episode in {project / 'exports'}", file=sys.stderr)
        return 1
    for path in videos:
        with av.open(str(path)) as container:
            video, audio = container.streams.video[0], container.streams.audio[0]
            rate = Fraction(video.average_rate)
            pts = sorted(p.pts for p in container.demux(video) if p.pts is not None)
            tick = 1 / (rate * video.time_base)
            steps = {b - a for a, b in itertools.pairwise(pts)}
            seconds = video.duration * video.time_base
            gap = abs(audio.duration * audio.time_base - seconds)
            problems = [
                f"{video.width}x{video.height}"
                if (video.width, video.height) != (1080, 1920)
                else "",
                f"codec {video.codec_context.name}" if video.codec_context.name != "h264" else "",
                f"frame steps {sorted(steps)} (one frame is {tick})" if steps != {tick} else "",
                f"sound and picture differ by {float(gap):.3f} s" if gap > 1 / rate else "",
            ]
            problems = [p for p in problems if p]
        print(f"{path.name}: {len(pts)} frames at {rate} fps, {float(seconds):.2f} s "
              + ("ok" if not problems else "; ".join(problems)))  # fmt: skip
        if problems:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
