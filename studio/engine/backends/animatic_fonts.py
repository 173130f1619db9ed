"""Which font draws which characters of the animatic's text.

A font's character map (its TrueType/OpenType ``cmap`` table, read here as Pillow does not
expose it) says which characters it has. A text is drawn in runs, each by the first font that
has its characters: the preferred font, then the fonts shipped in ``resources/fonts/``, then the
CJK and Latin fonts installed on the machine. So a CJK-only font such as Droid Sans Fallback
(no Latin letters) never draws Latin text as boxes, nor a Latin font CJK text.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import struct
import subprocess
from collections.abc import Sequence
from pathlib import Path

FONT_FILES = (".ttf", ".otf", ".ttc", ".otc")
_CJK_GLOBS = (
    "/usr/share/fonts/**/Noto*CJK*",
    "/usr/share/fonts/**/SourceHan*",
    "/usr/share/fonts/**/wqy*",
    "/usr/share/fonts/**/DroidSansFallback*",
    "/usr/share/fonts/**/*uming*",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti*",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.tt*",
    "C:/Windows/Fonts/simhei.ttf",
)
_LATIN_GLOBS = (
    "/usr/share/fonts/**/DejaVuSans.ttf",
    "/usr/share/fonts/**/LiberationSans-Regular.ttf",
    "/usr/share/fonts/**/NotoSans-Regular.ttf",
    "/System/Library/Fonts/Helvetica.ttc",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
_UNICODE_TABLES = {(3, 10), (3, 1), (0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (0, 6)}


@functools.cache
def covered(path: Path) -> frozenset[int]:
    """The code points that font file ``path`` maps to a glyph (the first face of a collection,
    as Pillow opens it); empty when it is no font or its character map cannot be read."""
    try:
        with open(path, "rb") as f:
            return _read_cmap(f.read())
    except (OSError, struct.error, ValueError):
        return frozenset()


def covers(path: Path, text: str) -> bool:
    """Whether font ``path`` has every character of ``text`` (spaces and controls aside)."""
    chars = covered(path)
    return all(ord(c) in chars for c in text if _needs_glyph(c))


def _needs_glyph(char: str) -> bool:
    return not char.isspace() and char.isprintable()


def runs(text: str, fonts: Sequence[Path]) -> list[tuple[Path, str]]:
    """``text`` cut into runs, each with the first of ``fonts`` that has its characters. A
    character none of them has goes with the first font (which draws it as its box); spaces
    stay with the run they are in. ``fonts`` must not be empty."""
    out: list[tuple[Path, str]] = []
    for c in text:
        font = out[-1][0] if out else fonts[0]
        if _needs_glyph(c):
            code = ord(c)
            font = next((f for f in fonts if code in covered(f)), fonts[0])
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + c)
        else:
            out.append((font, c))
    return out


def shipped_fonts(resources: Path) -> list[Path]:
    """The font files in ``resources/fonts/``, by name."""
    folder = resources / "fonts"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_FILES and p.is_file())


@functools.cache
def installed_fonts() -> tuple[Path, ...]:
    """Fonts on this machine worth trying: CJK ones (fontconfig's for Chinese, else by file
    name in the usual folders), then a few common Latin sans fonts."""
    found: list[str] = []
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(
                ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        files = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
        found += sorted(files, key=lambda f: ("CJK" not in f and "Han" not in f, "Bold" in f))
    for pattern in (*_CJK_GLOBS, *_LATIN_GLOBS):
        found += sorted(glob.glob(pattern, recursive=True))
    unique = dict.fromkeys(f for f in found if f.lower().endswith(FONT_FILES) and os.path.isfile(f))
    return tuple(Path(f) for f in unique)


def first_covering(fonts: Sequence[Path], *samples: str) -> Path | None:
    """The first of ``fonts`` that has all characters of the first sample it can: all samples,
    else all but the last, and so on; None when none has the first sample."""
    for n in range(len(samples), 0, -1):
        for font in fonts:
            if all(covers(font, s) for s in samples[:n]):
                return font
    return None


def _read_cmap(data: bytes) -> frozenset[int]:
    face = struct.unpack_from(">I", data, 12)[0] if data[:4] == b"ttcf" else 0
    (tables,) = struct.unpack_from(">H", data, face + 4)
    cmap = None
    for i in range(tables):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, face + 12 + 16 * i)
        if tag == b"cmap":
            cmap = offset
    if cmap is None:
        return frozenset()
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    best: tuple[int, int] | None = None  # (format, offset), format 12 before format 4
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, cmap + offset)[0]
        unicode = (platform, encoding) in _UNICODE_TABLES and fmt in (4, 12)
        if unicode and (best is None or fmt > best[0]):
            best = (fmt, cmap + offset)
    if best is None:
        return frozenset()
    return _format12(data, best[1]) if best[0] == 12 else _format4(data, best[1])


def _format4(data: bytes, at: int) -> frozenset[int]:
    segs = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segs}H", data, at + 14)
    starts = struct.unpack_from(f">{segs}H", data, at + 16 + 2 * segs)
    deltas = struct.unpack_from(f">{segs}h", data, at + 16 + 4 * segs)
    range_at = at + 16 + 6 * segs
    offsets = struct.unpack_from(f">{segs}H", data, range_at)
    chars: set[int] = set()
    for i, (start, end, delta, offset) in enumerate(
        zip(starts, ends, deltas, offsets, strict=True)
    ):
        for code in range(start, min(end, 0xFFFE) + 1):
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                where = range_at + 2 * i + offset + 2 * (code - start)
                glyph = struct.unpack_from(">H", data, where)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                chars.add(code)
    return frozenset(chars)


def _format12(data: bytes, at: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">I", data, at + 12)
    chars: set[int] = set()
    for i in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * i)
        chars.update(range(start + (glyph == 0), min(end, 0x10FFFF) + 1))
    return frozenset(chars)
