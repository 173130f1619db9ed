"""Caption files: SRT and WebVTT sidecars, and the ASS script libass burns into the picture.

The ASS script carries the house style for sound-off vertical viewing: bold white sans text
with a black outline and soft shadow (or on a dark box), centred, its lowest line above the
bottom 35 % of the frame where platform buttons and descriptions cover the picture, inside
side margins of 8 %. One font size for a whole episode: about a 24th of the frame height, less
if the longest caption line would not otherwise fit between the margins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from studio.core.atomic import describe, write_atomic
from studio.media.captions import Cue, has_cjk
from studio.media.ffmpeg import MediaError

SAFE_BOTTOM = Fraction(35, 100)  # of the height, kept clear of captions
SIDE_MARGIN = Fraction(8, 100)  # of the width, each side
_LATIN_EM = 0.55  # rough advance of a bold sans character, in font sizes (with headroom)
_CJK_EM = 0.8
_WORD_JOINER = "\u2060"  # invisible: keeps a backslash from starting an ASS escape
_CJK_REGIONS = {  # language -> Noto Sans CJK region; fontconfig substitutes what is installed
    **dict.fromkeys(("zh", "cmn", "zh-cn", "zh-hans", "zh-sg"), "SC"),
    **dict.fromkeys(("zh-tw", "zh-hant"), "TC"),
    **dict.fromkeys(("zh-hk", "yue", "zh-hant-hk"), "HK"),
    "ja": "JP",
    "ko": "KR",
}
_FC_LANG = {"SC": "zh-cn", "TC": "zh-tw", "HK": "zh-hk", "JP": "ja", "KR": "ko"}
_SAMPLE = {"JP": "あ", "KR": "한"}  # a character a caption font for the region must have; else 中
_LATIN_FAMILY = "Arial"  # fontconfig maps it to Liberation Sans or DejaVu Sans where absent


def _ms(seconds: Fraction) -> int:
    return math.floor(seconds * 1000 + Fraction(1, 2))


def _span_ms(cue: Cue) -> tuple[int, int]:
    """Start and end in whole milliseconds, the end at least 1 ms after the start."""
    start = max(0, _ms(cue.start))
    return start, max(_ms(cue.end), start + 1)


def _clock(ms: int, separator: str) -> str:
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    return f"{hours:02d}:{minutes:02d}:{ms // 1000:02d}{separator}{ms % 1000:03d}"


def _lines(cue: Cue) -> list[str]:
    """The cue's text lines, none empty (a blank line would end a cue in SRT and VTT)."""
    return [" ".join(line.split()) for line in cue.lines if line.strip()]


def srt_text(cues: Sequence[Cue]) -> str:
    """SubRip: numbered cues, times to the millisecond, one text line per caption line."""
    blocks = []
    for n, cue in enumerate(cues, 1):
        start, end = _span_ms(cue)
        text = "\n".join(_lines(cue))
        blocks.append(f"{n}\n{_clock(start, ',')} --> {_clock(end, ',')}\n{text}\n")
    return "\n".join(blocks)


def vtt_text(cues: Sequence[Cue]) -> str:
    """WebVTT: times to the millisecond, text with ``& < >`` escaped."""
    blocks = ["WEBVTT\n"]
    for n, cue in enumerate(cues, 1):
        start, end = _span_ms(cue)
        text = "\n".join(_vtt_escape(line) for line in _lines(cue))
        blocks.append(f"{n}\n{_clock(start, '.')} --> {_clock(end, '.')}\n{text}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_sidecars(cues: Sequence[Cue], mp4: Path) -> tuple[Path, Path]:
    """``NAME.srt`` and ``NAME.vtt`` beside ``mp4``, UTF-8, each written atomically. Both or
    neither: if the second cannot be written the first is removed and MediaError says why."""
    srt_path, vtt_path = mp4.with_suffix(".srt"), mp4.with_suffix(".vtt")
    written: list[Path] = []
    try:
        for path, text in ((srt_path, srt_text(cues)), (vtt_path, vtt_text(cues))):
            write_atomic(path, text.encode("utf-8"))
            written.append(path)
    except OSError as e:
        for path in written:
            path.unlink(missing_ok=True)
        raise MediaError(f"could not write the captions beside {mp4.name}: {describe(e)}") from e
    return srt_path, vtt_path


def cjk_region(language: str) -> str:
    """ "SC", "TC", "HK", "JP" or "KR" for a CJK language code ("zh-TW" -> "TC"), else ""."""
    code = language.strip().lower().replace("_", "-")
    while code and code not in _CJK_REGIONS:
        code = code.rpartition("-")[0]
    return _CJK_REGIONS.get(code, "")


def default_family(language: str) -> str:
    """A good caption family for ``language`` ("zh-CN" -> "Noto Sans CJK SC", else Arial)."""
    region = cjk_region(language)
    return f"Noto Sans CJK {region}" if region else _LATIN_FAMILY


@dataclass(frozen=True, slots=True)
class AssLayer:
    """More styles and events for the script, drawn over the captions (the AI-content label)."""

    styles: tuple[str, ...]  # "Style: …" lines, see :func:`ass_style`
    events: tuple[str, ...]  # "Dialogue: …" lines, see :func:`ass_event`


def ass_style(
    name: str,
    font: str,
    size: int,
    *,
    colour: str = "&H00FFFFFF",
    outline_colour: str = "&H00000000",
    back_colour: str = "&H80000000",
    boxed: bool = False,
    outline: int = 1,
    shadow: int = 0,
    alignment: int = 2,
    margins: tuple[int, int, int] = (0, 0, 0),
    bold: bool = True,
) -> str:
    """One ``Style:`` line. Colours are ``&HAABBGGRR`` (AA 00 is opaque); ``alignment`` is the
    numpad position (2 bottom centre, 7 top left, 8 top centre); ``margins`` (left, right,
    vertical) in pixels of the script's resolution."""
    fields = [
        name, _field(font), size, colour, colour, outline_colour, back_colour,
        -1 if bold else 0, 0, 0, 0, 100, 100, 0, 0, 3 if boxed else 1, outline, shadow,
        alignment, *margins, 1,
    ]  # fmt: skip
    return "Style: " + ",".join(map(str, fields))


def ass_event(
    start: Fraction, end: Fraction, style: str, lines: Sequence[str], name: str = ""
) -> str:
    """One ``Dialogue:`` line showing ``lines`` (as written) from ``start`` to ``end`` seconds."""
    a, b = _span_cs(Cue(start, end, tuple(lines)))
    text = r"\N".join(_ass_escape(line) for line in lines)
    return f"Dialogue: 0,{_ass_clock(a)},{_ass_clock(b)},{style},{_field(name)},0,0,0,,{text}"


def caption_size(cues: Sequence[Cue], width: int, height: int, *, boxed: bool = False) -> int:
    """The font size :func:`ass_text` picks for ``cues``: pass it to each part of an episode
    drawn separately, so every part shows the captions at the same size."""
    return _auto_size(cues, width, height, _border_per_size(boxed))


def _border_per_size(boxed: bool) -> Fraction:
    return Fraction(1, 5) if boxed else Fraction(1, 12)


def ass_text(
    cues: Sequence[Cue],
    *,
    width: int = 1080,
    height: int = 1920,
    font: str = "",
    boxed: bool = False,
    language: str = "en",
    font_size: int = 0,
    layers: Sequence[AssLayer] = (),
) -> str:
    """An ASS script drawing ``cues`` on a ``width``×``height`` picture in the house style.

    ``font`` "" picks :func:`default_family` for ``language``; ``boxed`` draws the text on a
    75 % opaque black box instead of an outline; ``font_size`` 0 picks one (see the module).
    Our line breaks are kept; libass wraps further only a line too wide for the margins.
    ``layers`` add their styles and events after the captions'.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"the picture size must be positive, got {width}×{height}")
    size = font_size or caption_size(cues, width, height, boxed=boxed)
    border = max(1, math.ceil(size * _border_per_size(boxed)))
    shadow = 0 if boxed else max(1, round(size / 24))
    side = math.ceil(width * SIDE_MARGIN) + border
    bottom = math.ceil(height * SAFE_BOTTOM) + border + shadow
    style = ass_style(
        "Caption", font or default_family(language), size, boxed=boxed,
        outline_colour="&H40000000" if boxed else "&H00000000",
        outline=border, shadow=shadow, margins=(side, side, bottom),
    )  # fmt: skip
    events = [ass_event(cue.start, cue.end, "Caption", _lines(cue), cue.speaker) for cue in cues]
    styles = [style, *(line for layer in layers for line in layer.styles)]
    events += [line for layer in layers for line in layer.events]
    return "\n".join([
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: None",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        *styles,
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        *events,
        "",
    ])  # fmt: skip


def _auto_size(cues: Sequence[Cue], width: int, height: int, border_per_size: Fraction) -> int:
    """About height/24, smaller if the widest line would not fit between the side margins,
    never under height/40 (libass wraps what still does not fit)."""
    usable = width - 2 * math.ceil(width * SIDE_MARGIN)
    widest = max(
        (sum(_CJK_EM if has_cjk(c) else _LATIN_EM for c in line) for c in cues for line in c.lines),
        default=0.0,
    )
    largest, smallest = round(height / 24), max(1, round(height / 40))
    if widest <= 0:
        return largest
    fit = math.floor(usable / (widest + 2 * float(border_per_size)))
    return max(smallest, min(largest, fit))


def _span_cs(cue: Cue) -> tuple[int, int]:
    """Start and end in centiseconds (ASS's precision), the end after the start."""
    start = max(0, math.floor(cue.start * 100 + Fraction(1, 2)))
    return start, max(math.floor(cue.end * 100 + Fraction(1, 2)), start + 1)


def _ass_clock(cs: int) -> str:
    hours, cs = divmod(cs, 360_000)
    minutes, cs = divmod(cs, 6000)
    return f"{hours}:{minutes:02d}:{cs // 100:02d}.{cs % 100:02d}"


def _ass_escape(text: str) -> str:
    """Text shown as written: braces are not override blocks, ``\\N`` is not a line break."""
    text = text.replace("\\", "\\" + _WORD_JOINER)
    return text.replace("{", "\\{").replace("}", "\\}")


def _field(text: str) -> str:
    """A value for a comma-separated ASS field (style font name, event speaker)."""
    return " ".join(text.replace(",", " ").split())


_FONT_FILES = (".ttf", ".otf", ".ttc", ".otc")
_FONT_FOLDERS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
    "/System/Library/Fonts", "/Library/Fonts", "C:/Windows/Fonts",
)  # fmt: skip
_CJK_FILE_HINTS = (
    "cjk", "sourcehan", "wqy", "droidsansfallback", "uming", "ukai", "pingfang", "hiragino",
    "heiti", "msyh", "simhei", "yugoth", "malgun",
)  # fmt: skip


def caption_font(language: str, resources: Path | None = None) -> tuple[str, Path | None]:
    """(family for the ASS style, fonts folder to hand libass or None) for ``language``.

    A font shipped in ``resources/fonts/`` comes first (for a CJK language, one that has the
    language's characters); then, for a CJK language, a CJK font installed on the machine
    (known to fontconfig, or found in the usual font folders), which libass finds by name.
    ``("", None)`` when there is none: the default family, and CJK text may show as boxes.
    """
    region = cjk_region(language)
    sample = _SAMPLE.get(region, "中") if region else ""
    shipped = resources / "fonts" if resources is not None else None
    if shipped is not None and shipped.is_dir():
        for path in sorted(p for p in shipped.iterdir() if p.suffix.lower() in _FONT_FILES):
            family = _family(path, sample)
            if family:
                return family, shipped
    if not sample:
        return "", None
    return _installed_cjk_family(region, sample), None


def _family(path: Path, sample: str = "") -> str:
    """The family name in font file ``path`` ("" if it is not a font or lacks ``sample``)."""
    try:
        from PIL import Image, ImageDraw, ImageFont

        font = ImageFont.truetype(str(path), 48)
        if sample:
            drawn = []
            for char in (sample, "\U0010fffd"):  # the second is in no font: its .notdef glyph
                image = Image.new("L", (96, 96))
                ImageDraw.Draw(image).text((16, 16), char, font=font, fill=255)
                drawn.append(image.tobytes())
            if drawn[0] == drawn[1]:
                return ""
        return str(font.getname()[0] or "")
    except (ImportError, OSError, ValueError):
        return ""


def _installed_cjk_family(region: str, sample: str) -> str:
    """A CJK family installed here: fontconfig's choice for the language, else a font file in
    the usual folders whose name says CJK; "" if none."""
    import shutil
    import subprocess

    from studio.media.ffmpeg import NO_WINDOW

    if shutil.which("fc-list"):
        try:
            out = subprocess.run(
                ["fc-list", f":lang={_FC_LANG[region]}", "family"], capture_output=True, text=True,
                timeout=20, creationflags=NO_WINDOW,
            ).stdout  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            out = ""
        names = {line.split(",")[0].strip() for line in out.splitlines() if line.strip()}
        if names:
            wanted = f"Noto Sans CJK {region}"
            return min(names, key=lambda n: (n != wanted, "Sans" not in n, region not in n, n))
    for folder in _FONT_FOLDERS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            name = path.name.lower()
            if name.endswith(_FONT_FILES) and any(hint in name for hint in _CJK_FILE_HINTS):
                family = _family(path, sample)
                if family:
                    return family
    return ""
