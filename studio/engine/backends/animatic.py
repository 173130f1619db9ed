"""The animatic backend: a storyboard panel for a shot, with no model weights.

The panel shows the scene heading, a picture box with rule-of-thirds lines, one simple figure
per character (sized by the shot's framing, its mouth an ellipse that the lip-sync step can
redraw: see :func:`figure_layout` and :func:`~.animatic_draw.draw_mouth`), the description and
the dialogue. It is drawn once, :data:`ZOOM` times larger than the frame, and each frame is a
view of it moved by the camera (push in, pull out, pan), so a shot costs one drawing plus one
``warpAffine`` per frame. The seed shifts the paper tint and the figures a little. The same
request gives the same pixels.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from studio.core.kinds import Backend
from studio.core.request import CameraMotion, Request, RequestKind
from studio.core.result import Rendered, Timings
from studio.core.time import FrameRate
from studio.engine.backends.animatic_draw import (
    INK,
    FigureLayout,
    TextPainter,
    character_color,
    draw_figure,
    draw_mouth,
    find_cjk_font,
    framing_guide,
    insert_prop,
    paper,
)
from studio.engine.backends.base import BackendError, Cancelled, RunContext
from studio.media.ffmpeg import MediaError, VideoWriter
from studio.media.stills import write_png

__all__ = ["AnimaticBackend", "FigureLayout", "Panel", "camera_matrix", "figure_layout"]

ZOOM = 1.1  # the panel is drawn this much larger than the frame
TRAVEL = 0.08  # how far the camera moves over a shot: 8 % zoom, or 8 % of the width for pans
CANCEL_EVERY = 4  # frames between checks of ctx.cancelled()
PREVIEW_HEIGHT = 256
PRESET = "superfast"  # x264: an animatic is a stand-in; speed over file size


@dataclass(frozen=True, slots=True)
class _Framing:
    head: float  # head radius as a fraction of the picture box's width
    head_y: float  # head centre, as a fraction of the box's height
    full_body: bool


_FRAMINGS = {
    "wide": _Framing(0.05, 0.5, True),
    "medium": _Framing(0.10, 0.36, False),
    "medium close-up": _Framing(0.14, 0.42, False),
    "close-up": _Framing(0.20, 0.46, False),
    "extreme close-up": _Framing(0.33, 0.52, False),
    "insert": _Framing(0.035, 0.70, True),
}
_ALIASES = {
    "wide": ("wide shot", "ws", "long shot", "ls", "establishing", "overhead", "全景", "远景"),
    "medium": ("medium shot", "ms", "two-shot", "two shot", "ots", "over the shoulder", "中景"),
    "medium close-up": ("medium close up", "mcu", "近景"),
    "close-up": ("close up", "closeup", "close", "close on", "cu", "特写"),
    "extreme close-up": ("extreme close up", "extreme close on", "ecu", "xcu", "大特写"),
}


def framing_of(text: str) -> str:
    """The framing the panel draws for a brief's framing text ("medium" when unknown)."""
    key = " ".join(text.strip().lower().replace("_", " ").split())
    if key in _FRAMINGS:
        return key
    return next((k for k, names in _ALIASES.items() if key in names), "medium")


_Box = tuple[float, float, float, float]
_Text = tuple[float, float, str, float, tuple[int, int, int]]  # x, y_top, text, px, colour


def _layout_boxes(w: int, h: int) -> dict[str, _Box]:
    """The panel's regions in panel pixels: heading, picture box, text below it."""
    m = 0.05 * w
    return {
        "heading": (m, 0.035 * h, w - m, 0.115 * h),
        "picture": (m, 0.125 * h, w - m, 0.69 * h),
        "text": (m, 0.71 * h, w - m, 0.965 * h),
    }


def figure_layout(request: Request) -> list[FigureLayout]:
    """Where each character's figure and mouth are, in frame pixels with the camera at rest
    (``CameraMotion.NONE``; :func:`camera_matrix` maps them for a moving camera)."""
    names = list(dict.fromkeys(n.strip() for n in request.brief.characters if n.strip()))
    if not names:
        return []
    x0, y0, x1, y1 = _layout_boxes(request.width, request.height)["picture"]
    bw, bh = x1 - x0, y1 - y0
    kind = _FRAMINGS[framing_of(request.brief.framing)]
    n = len(names)
    r = min(kind.head * bw, bw / (2.7 * n), 0.3 * bh)
    rng = random.Random(request.seed)
    figures = []
    for i, name in enumerate(names):
        jx, jy = rng.uniform(-1, 1), rng.uniform(-1, 1)
        cx = x0 + bw * (i + 0.5) / n + jx * 0.12 * bw / n
        cx = min(max(cx, x0 + 1.2 * r), x1 - 1.2 * r)
        cy = y0 + bh * kind.head_y + jy * 0.03 * bh
        ground = cy + 7.2 * r if kind.full_body else y1 + r
        figures.append(
            FigureLayout(
                name=name,
                color=character_color(name),
                head_center=(cx, cy),
                head_radius=r,
                body_bottom=ground,
                full_body=kind.full_body,
                mouth_center=(cx, cy + 0.45 * r),
                mouth_size=(0.55 * r, 0.34 * r),
            )
        )
    return figures


class Panel:
    """The drawn storyboard panel (RGB, :data:`ZOOM` × the frame) for one request.

    The lip-sync step redraws the mouths (:meth:`set_mouths`) and takes :meth:`frame` per frame.
    """

    def __init__(self, request: Request, painter: TextPainter | None = None) -> None:
        self.request = request
        self.painter = painter or TextPainter(find_cjk_font())
        self.figures = figure_layout(request)
        self.image = self._draw()

    def set_mouths(self, openness: Mapping[str, float]) -> None:
        """Redraw the named characters' mouths, 0 = closed … 1 = fully open."""
        for fig in self.figures:
            if fig.name in openness:
                draw_mouth(self.image, fig, openness[fig.name], ZOOM)

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` of the shot: the panel as the camera sees it then (RGB)."""
        import cv2

        req = self.request
        m = camera_matrix(req, index)
        return cv2.warpAffine(self.image, m, (req.width, req.height), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)  # fmt: skip

    def _draw(self) -> np.ndarray:
        req, s = self.request, ZOOM
        rng = random.Random(f"paper:{req.seed}")
        tint = (rng.uniform(-7, 7), rng.uniform(-7, 7), rng.uniform(-7, 7))
        img = paper(int(np.ceil(req.width * s)), int(np.ceil(req.height * s)), tint)
        boxes = _layout_boxes(req.width, req.height)
        picture = boxes["picture"]
        framing_guide(img, picture, s)
        px0, py0, px1, py1 = (round(v * s) for v in picture)
        inside = img[py0 + 2 : py1 - 1, px0 + 2 : px1 - 1]  # figures are clipped to the box
        shift = (px0 + 2) / s, (py0 + 2) / s
        framing = framing_of(req.brief.framing)
        if framing == "insert":
            insert_prop(img, picture, s)
        for fig in self.figures if inside.size else ():
            draw_figure(inside, _moved(fig, -shift[0], -shift[1]), s)
        text: list[_Text] = []
        self._text_blocks(boxes, framing, text)
        self.painter.draw(img, [(x * s, y * s, t, px * s, c) for x, y, t, px, c in text])
        return img

    def _text_blocks(self, boxes: dict[str, _Box], framing: str, out: list[_Text]) -> None:
        req, p = self.request, self.painter
        w = req.width
        hx0, hy0, hx1, _ = boxes["heading"]
        size = 0.06 * w
        lines = p.wrap(req.brief.heading or req.target.label, size, hx1 - hx0, 2)
        out += [(hx0, hy0 + i * 1.3 * size, t, size, INK) for i, t in enumerate(lines)]
        x0, y0, x1, _ = boxes["picture"]
        small = 0.034 * w
        label = framing.upper() if req.brief.framing else ""
        out.append((x0 + 0.4 * small, y0 + 0.4 * small, label, small, (120, 115, 105)))
        tag = p.wrap(req.target.label, small, 0.45 * (x1 - x0), 1)
        if tag:
            x = x1 - 0.4 * small - p.measure(tag[0], small * ZOOM) / ZOOM
            out.append((x, y0 + 0.4 * small, tag[0], small, (120, 115, 105)))
        for fig in self.figures:  # names under the figures, inside the box
            name = p.wrap(fig.name, small, 2.4 * fig.head_radius + small, 1)[0]
            fy = min(fig.body_bottom + 0.3 * small, boxes["picture"][3] - 1.6 * small)
            dark = tuple(int(c * 0.5) for c in fig.color)
            x = fig.head_center[0] - p.measure(name, small * ZOOM) / ZOOM / 2
            out.append((x, fy, name, small, dark))
        tx0, ty0, tx1, ty1 = boxes["text"]
        size, lead = 0.045 * w, 0.045 * w * 1.35
        rows = int((ty1 - ty0) / lead)
        said = [d.strip() for d in req.brief.dialogue if d.strip()]
        desc = p.wrap(req.brief.description, size, tx1 - tx0, max(1, rows - min(len(said), 3)))
        talk = p.wrap("\n".join(said), size, tx1 - tx0 - size, max(0, rows - len(desc)))
        y = ty0
        for t in desc:
            out.append((tx0, y, t, size, INK))
            y += lead
        for t in talk:
            out.append((tx0 + size, y, t, size, (40, 60, 120)))
            y += lead


def _moved(fig: FigureLayout, dx: float, dy: float) -> FigureLayout:
    return replace(
        fig,
        head_center=(fig.head_center[0] + dx, fig.head_center[1] + dy),
        body_bottom=fig.body_bottom + dy,
        mouth_center=(fig.mouth_center[0] + dx, fig.mouth_center[1] + dy),
    )


def camera_matrix(request: Request, index: int, zoom: float = ZOOM) -> np.ndarray:
    """The 2×3 affine map from panel-image pixels to frame ``index``'s pixels. A video request
    has no camera motion of its own: its panel holds still. ``zoom`` is how much larger than the
    frame the source image is (1 for a still made at the frame's size: the whole still is in view
    when the camera is at its widest)."""
    motion = getattr(request, "camera_motion", CameraMotion.NONE)
    t = index / (request.frames - 1) if request.frames > 1 else 0.0
    e = t * t * (3 - 2 * t)  # ease in and out
    scale, cx = 1.0, 0.5  # view size (1 = the whole panel) and centre, as fractions of it
    if motion is CameraMotion.PUSH_IN:
        scale = 1 - TRAVEL * e
    elif motion is CameraMotion.PULL_OUT:
        scale = 1 - TRAVEL * (1 - e)
    elif motion in (CameraMotion.PAN_LEFT, CameraMotion.PAN_RIGHT):
        scale = 1 - TRAVEL
        sign = -1 if motion is CameraMotion.PAN_LEFT else 1
        cx = 0.5 + sign * (TRAVEL / 2) * (2 * e - 1)
    k = 1 / (scale * zoom)  # frame pixels per panel-image pixel
    left = (cx * request.width - scale * request.width / 2) * zoom
    top = (0.5 - scale / 2) * request.height * zoom
    # pixel centres: (x + 0.5) in the frame covers (X + 0.5 - left) * k
    return np.array([[k, 0, (0.5 - left) * k - 0.5], [0, k, (0.5 - top) * k - 0.5]])


class AnimaticBackend:
    """Draws the shot as a storyboard panel and writes it as an H.264 take."""

    name = Backend.ANIMATIC

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        w, h, total = request.width, request.height, request.frames
        if w <= 0 or h <= 0 or w % 2 or h % 2:
            raise BackendError(f"the animatic needs an even frame size, got {w}×{h}")
        if total < 1:
            raise BackendError(f"a take needs at least one frame, got {total}")
        try:
            fps = str(FrameRate.parse(request.fps))
        except ValueError as e:
            raise BackendError(str(e)) from None
        if ctx.cancelled():
            raise Cancelled()
        start = time.perf_counter()
        panel = Panel(request)
        static = getattr(request, "camera_motion", CameraMotion.NONE) is CameraMotion.NONE
        reports = {max(1, round(total * k / 5)) for k in range(1, 6)}
        first: np.ndarray | None = None
        frame: np.ndarray | None = None
        try:
            with VideoWriter(ctx.output, w, h, fps, preset=PRESET) as writer:
                for i in range(total):
                    if i % CANCEL_EVERY == 0 and i and ctx.cancelled():
                        raise Cancelled()
                    if frame is None or not static:
                        frame = panel.frame(i)
                    if first is None:
                        first = frame
                    writer.write(frame)
                    if i + 1 in reports:
                        ctx.progress(i + 1, total, _preview(frame))
        except MediaError as e:
            raise BackendError(f"could not write the animatic: {e}") from e
        elapsed = time.perf_counter() - start
        if ctx.keyframe_output is not None and request.kind is RequestKind.IMAGE:
            assert first is not None
            _write_keyframe(first, ctx.keyframe_output, ctx.output)
        timings = Timings(decode=max(0.0, elapsed - writer.seconds), encode=writer.seconds)
        return Rendered(width=w, height=h, frames=total, fps=fps, timings=timings)


def _write_keyframe(frame: np.ndarray, path: Path, video: Path) -> None:
    """The still as PNG; on failure the video goes too, so nothing half-made is left."""
    try:
        write_png(frame, path)
    except MediaError as e:
        video.unlink(missing_ok=True)
        raise BackendError(str(e)) from e


def _preview(frame: np.ndarray) -> np.ndarray:
    import cv2

    h, w = frame.shape[:2]
    if h <= PREVIEW_HEIGHT:
        return frame.copy()
    size = (max(2, round(w * PREVIEW_HEIGHT / h)), PREVIEW_HEIGHT)
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
