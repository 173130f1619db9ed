"""Drawing helpers for the animatic's storyboard panel: text, paper, framing guide, figures.

All geometry is given in panel pixels (the frame at rest, ``request.width`` × ``request.height``)
and multiplied by ``scale`` when drawn, as the panel is drawn somewhat larger than the frame so
that the camera can move over it. cv2 is imported on first use, Pillow only when a TrueType font
is found (one is shipped in ``resources/fonts/``): cv2's Hershey fonts have no CJK glyphs, so
without such a font each CJK character is drawn as a box (□), never as ``?``. Each character is
drawn by a font that has it (see :mod:`.animatic_fonts`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from studio.engine.backends.animatic_fonts import (
    first_covering,
    installed_fonts,
    runs,
    shipped_fonts,
)

RGB = tuple[int, int, int]
INK: RGB = (38, 38, 46)
GUIDE: RGB = (170, 165, 155)
SKIN: RGB = (236, 222, 200)
LIPS: RGB = (120, 45, 52)
MOUTH: RGB = (70, 22, 30)

_SUB = 4  # fixed-point bits for cv2 drawing: 1/16 pixel precision
_CJK_CHARS = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"  # CJK, kana, hangul, fullwidth
_CJK = re.compile(f"[{_CJK_CHARS}]")
_TOKENS = re.compile(f"[{_CJK_CHARS}]|\\s+|[^\\s{_CJK_CHARS}]+")  # a CJK character, space, a word
_PUNCT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


@dataclass(frozen=True, slots=True)
class FigureLayout:
    """One character's figure, in panel pixels (the frame when the camera is at rest)."""

    name: str
    color: RGB
    head_center: tuple[float, float]
    head_radius: float
    body_bottom: float  # where the body ends; below the picture box for close framings
    full_body: bool  # legs on the ground (wide framings)
    mouth_center: tuple[float, float]
    mouth_size: tuple[float, float]  # width, and height when fully open


def character_color(name: str) -> RGB:
    """A distinct, stable colour per name (the same on every machine and run)."""
    import cv2

    digest = hashlib.sha256(name.encode("utf-8")).digest()
    hsv = np.array([[[digest[0] * 180 // 256, 140 + digest[1] % 60, 170 + digest[2] % 50]]])
    r, g, b = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)[0, 0]
    return int(r), int(g), int(b)


def find_cjk_font(resources: Path | None = None) -> Path | None:
    """The font to draw the animatic's text with: the first of the fonts shipped in
    ``resources/fonts/`` (default: the app's resources) and those installed that has both
    Latin and CJK letters, else the first with CJK ones; None when there is none."""
    return first_covering(_candidates(resources), "中", "Aa")


def _candidates(resources: Path | None) -> tuple[Path, ...]:
    if resources is None:
        from studio.core.resources import resources_dir

        resources = resources_dir()
    return _fonts_in(resources)


@functools.cache
def _fonts_in(resources: Path) -> tuple[Path, ...]:
    return tuple(dict.fromkeys([*shipped_fonts(resources), *installed_fonts()]))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


class TextPainter:
    """Measures and draws text: Pillow with ``font`` when given, else cv2's Hershey font with a
    box for each glyph it cannot draw. ``px`` is the font size in pixels (about a line).

    A character that ``font`` lacks is drawn with the first of ``fallbacks`` that has it
    (default: the fonts shipped in the app's resources, then those installed); one that none
    has is drawn as ``font``'s box."""

    def __init__(self, font: Path | None, fallbacks: Sequence[Path] | None = None) -> None:
        self._pil: Any = None
        self._chain: tuple[Path, ...] = ()
        if font is not None:
            try:
                from PIL import ImageFont

                ImageFont.truetype(str(font), 12)
                self._pil = ImageFont
                more = _candidates(None) if fallbacks is None else fallbacks
                self._chain = tuple(dict.fromkeys([font, *more]))
            except (ImportError, OSError):
                self._pil = None
        self._fonts: dict[tuple[Path, int], Any] = {}

    @property
    def uses_pillow(self) -> bool:
        return self._pil is not None

    def _truetype(self, font: Path, px: float) -> Any:
        key = (font, max(4, round(px)))
        if key not in self._fonts:
            try:
                self._fonts[key] = self._pil.truetype(str(font), key[1])
            except OSError:  # a fallback that is no font after all: the main font's box
                self._fonts[key] = self._truetype(self._chain[0], px)
        return self._fonts[key]

    def _font_runs(self, text: str, px: float) -> list[tuple[Any, str]]:
        """``text`` in runs, each with the Pillow font (at ``px``) that has its characters."""
        return [(self._truetype(f, px), s) for f, s in runs(text, self._chain)]

    def _hershey(self, px: float) -> tuple[float, int]:
        import cv2

        unit = cv2.getTextSize("H", cv2.FONT_HERSHEY_SIMPLEX, 1.0, 1)[0][1]
        return 0.62 * px / unit, max(1, round(px / 14))

    @staticmethod
    def _runs(text: str) -> list[tuple[bool, str]]:
        """Hershey-drawable ASCII runs (True) and single undrawable characters (False)."""
        plain = unicodedata.normalize("NFKD", text.translate(_PUNCT))
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        runs: list[tuple[bool, str]] = []
        for c in plain:
            ok = " " <= c <= "~"
            if ok and runs and runs[-1][0]:
                runs[-1] = (True, runs[-1][1] + c)
            else:
                runs.append((ok, c))
        return runs

    def measure(self, text: str, px: float) -> float:
        if self._pil is not None:
            return float(sum(f.getlength(s) for f, s in self._font_runs(text, px)))
        import cv2

        scale, thick = self._hershey(px)
        return sum(
            cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)[0][0] if ok else 0.8 * px
            for ok, s in self._runs(text)
        )

    def wrap(self, text: str, px: float, width: float, max_lines: int) -> list[str]:
        """Greedy line breaks at spaces, and between any two CJK characters; the last line
        ends in … when the text does not fit in ``max_lines``."""
        lines: list[str] = []
        for para in text.strip().splitlines():
            cur = ""
            for token in _TOKENS.findall(para):
                if len(lines) > max_lines:  # enough to know it does not fit
                    break
                if token.isspace():
                    cur += " " if cur else ""
                elif self.measure(cur + token, px) <= width:
                    cur += token
                else:
                    if cur.strip():
                        lines.append(cur.rstrip())
                    while len(token) > 1 and self.measure(token, px) > width:  # a too-long word
                        cut = self._fit(token, px, width)
                        lines.append(token[:cut])
                        token = token[cut:]
                    cur = token
            if cur.strip():
                lines.append(cur.rstrip())
        if len(lines) > max_lines:
            last = lines[max_lines - 1] + "…"
            cut = self._fit(last[:-1], px, width - self.measure("…", px))
            lines = [*lines[: max_lines - 1], last[:cut].rstrip() + "…"]
        return lines[:max_lines]

    def _fit(self, text: str, px: float, width: float) -> int:
        """The length of the longest prefix of ``text`` that fits in ``width`` (at least 1)."""
        lo, hi = 1, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.measure(text[:mid], px) <= width:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def draw(self, img: np.ndarray, items: list[tuple[float, float, str, float, RGB]]) -> None:
        """Draw ``(x, y_top, text, px, colour)`` items onto ``img`` (RGB, in place)."""
        if not items:
            return
        if self._pil is not None:
            from PIL import Image, ImageDraw

            pil = Image.fromarray(img)
            pen = ImageDraw.Draw(pil)
            for x, y, text, px, color in items:
                base = y + self._truetype(self._chain[0], px).getmetrics()[0]  # ascent
                for font, run in self._font_runs(text, px):  # on one baseline
                    pen.text((x, base), run, font=font, fill=color, anchor="ls")
                    x += font.getlength(run)
            img[...] = np.asarray(pil)
            return
        import cv2

        for x, y, text, px, color in items:
            scale, thick = self._hershey(px)
            base, cx = round(y + 0.8 * px), x
            for ok, s in self._runs(text):
                if ok:
                    cv2.putText(img, s, (round(cx), base), cv2.FONT_HERSHEY_SIMPLEX, scale,
                                color, thick, cv2.LINE_AA)  # fmt: skip
                    cx += cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)[0][0]
                else:  # □: a glyph the Hershey font does not have
                    top = round(base - 0.62 * px)
                    cv2.rectangle(img, (round(cx + 0.1 * px), top), (round(cx + 0.7 * px), base),
                                  color, thick, cv2.LINE_AA)  # fmt: skip
                    cx += 0.8 * px


def paper(width: int, height: int, tint: tuple[float, float, float]) -> np.ndarray:
    """A warm paper background, slightly darker towards the bottom."""
    base = np.array([245.0, 240.0, 227.0]) + np.array(tint)
    ramp = np.linspace(1.0, 0.955, height)[:, None] * base[None, :]
    return np.ascontiguousarray(np.broadcast_to(ramp[:, None, :], (height, width, 3))).astype(
        np.uint8
    )


def _pt(x: float, y: float, s: float) -> tuple[int, int]:
    return round(x * s * (1 << _SUB)), round(y * s * (1 << _SUB))


def framing_guide(img: np.ndarray, box: tuple[float, float, float, float], s: float) -> None:
    """The picture box with its rule-of-thirds lines."""
    import cv2

    x0, y0, x1, y1 = box
    thin = max(1, round(s))
    for k in (1, 2):
        x = x0 + (x1 - x0) * k / 3
        y = y0 + (y1 - y0) * k / 3
        cv2.line(img, _pt(x, y0, s), _pt(x, y1, s), GUIDE, thin, cv2.LINE_AA, _SUB)
        cv2.line(img, _pt(x0, y, s), _pt(x1, y, s), GUIDE, thin, cv2.LINE_AA, _SUB)
    cv2.rectangle(img, _pt(x0, y0, s), _pt(x1, y1, s), INK, max(2, round(2 * s)), cv2.LINE_AA, _SUB)


def insert_prop(img: np.ndarray, box: tuple[float, float, float, float], s: float) -> None:
    """The storyboard sign for an object in close view: a box with a cross."""
    import cv2

    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    a, b = (x0 + 0.25 * w, y0 + 0.18 * h), (x0 + 0.75 * w, y0 + 0.58 * h)
    t = max(1, round(2 * s))
    cv2.rectangle(img, _pt(*a, s), _pt(*b, s), INK, t, cv2.LINE_AA, _SUB)
    cv2.line(img, _pt(*a, s), _pt(*b, s), GUIDE, t, cv2.LINE_AA, _SUB)
    cv2.line(img, _pt(a[0], b[1], s), _pt(b[0], a[1], s), GUIDE, t, cv2.LINE_AA, _SUB)


def draw_figure(img: np.ndarray, fig: FigureLayout, s: float, mouth_open: float = 0.0) -> None:
    """A simple figure: body, head, eyes and mouth (``mouth_open`` 0 = closed … 1 = open)."""
    import cv2

    (hx, hy), r = fig.head_center, fig.head_radius
    outline = max(1, round(0.06 * r * s))
    dark = tuple(int(c * 0.55) for c in fig.color)
    top, bottom = hy + 1.15 * r, fig.body_bottom
    if fig.full_body:  # legs
        hip = top + 0.62 * (bottom - top)
        for dx in (-0.45 * r, 0.45 * r):
            cv2.line(img, _pt(hx + dx, hip, s), _pt(hx + dx * 1.3, bottom, s), dark,
                     max(2, round(0.35 * r * s)), cv2.LINE_AA, _SUB)  # fmt: skip
        bottom = hip
    shoulders = np.array(
        [(hx - 1.3 * r, top + 0.5 * r), (hx - 0.7 * r, top), (hx + 0.7 * r, top),
         (hx + 1.3 * r, top + 0.5 * r), (hx + 1.1 * r, bottom), (hx - 1.1 * r, bottom)]
    )  # fmt: skip
    poly = np.round(shoulders * s * (1 << _SUB)).astype(np.int32)
    cv2.fillPoly(img, [poly], fig.color, cv2.LINE_AA, _SUB)
    cv2.polylines(img, [poly], True, dark, outline, cv2.LINE_AA, _SUB)
    cv2.line(
        img,
        _pt(hx, top, s),
        _pt(hx, hy + 0.9 * r, s),
        SKIN,
        max(1, round(0.5 * r * s)),
        cv2.LINE_AA,
        _SUB,
    )
    cv2.circle(img, _pt(hx, hy, s), round(r * s * (1 << _SUB)), SKIN, -1, cv2.LINE_AA, _SUB)
    cv2.circle(img, _pt(hx, hy, s), round(r * s * (1 << _SUB)), INK, outline, cv2.LINE_AA, _SUB)
    for dx in (-0.36 * r, 0.36 * r):
        cv2.circle(img, _pt(hx + dx, hy - 0.12 * r, s), round(0.09 * r * s * (1 << _SUB)), INK, -1,
                   cv2.LINE_AA, _SUB)  # fmt: skip
    draw_mouth(img, fig, mouth_open, s)


def draw_mouth(img: np.ndarray, fig: FigureLayout, openness: float, s: float) -> None:
    """(Re)draw the mouth: the skin under it is repainted first, so this can be called again on
    a drawn panel with another ``openness`` (0 = closed … 1 = fully open)."""
    import cv2

    (mx, my), (mw, mh) = fig.mouth_center, fig.mouth_size
    k = s * (1 << _SUB)
    pad = 0.08 * fig.head_radius
    erase = (round((mw / 2 + pad) * k), round((mh / 2 + pad) * k))
    cv2.ellipse(img, _pt(mx, my, s), erase, 0, 0, 360, SKIN, -1, cv2.LINE_AA, _SUB)
    half = max(0.0, min(1.0, openness)) * mh / 2
    lip = max(0.6 / s, 0.035 * fig.head_radius)
    if half <= lip:  # closed: a line of lips
        cv2.ellipse(img, _pt(mx, my, s), (round(mw / 2 * k), round(lip * k)), 0, 0, 360, LIPS, -1,
                    cv2.LINE_AA, _SUB)  # fmt: skip
        return
    axes = (round(mw / 2 * k), round(half * k))
    cv2.ellipse(img, _pt(mx, my, s), axes, 0, 0, 360, MOUTH, -1, cv2.LINE_AA, _SUB)
    cv2.ellipse(img, _pt(mx, my, s), axes, 0, 0, 360, LIPS, max(1, round(lip * s)), cv2.LINE_AA,
                _SUB)  # fmt: skip
