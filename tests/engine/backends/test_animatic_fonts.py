"""The animatic's fonts: each character is drawn by a font that has it, so no text is drawn as
boxes when the first font lacks a script (Droid Sans Fallback has no Latin letters).

Tofu is recognised by its sameness: two different letters drawn as a font's missing-glyph box
give the very same pixels, two real glyphs do not. The fonts used are the one the app ships in
resources/fonts/, Courier Prime (shipped by screenplain, Latin only), a Khmer subset that
reportlab ships for its tests (neither Latin nor CJK) and, where installed, Droid Sans Fallback.
"""

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import ImageFont

from studio.core.request import ImageRequest, ShotBrief
from studio.core.resources import resources_dir
from studio.engine.backends.animatic import Panel
from studio.engine.backends.animatic_draw import TextPainter, find_cjk_font
from studio.engine.backends.animatic_fonts import covered, covers, runs

SHIPPED = resources_dir() / "fonts" / "wqy-microhei.ttc"
COURIER = Path(importlib.util.find_spec("screenplain").origin).parent / (
    "export/courier_prime/Courier Prime.ttf"
)
_REPORTLAB = importlib.util.find_spec("reportlab")
KHMER = Path(_REPORTLAB.origin).parent / "fonts" / "hb-test.ttf" if _REPORTLAB else None
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
SAMPLE = "AaBb09.,?…林悦中あ한，。Éß"


def _font(path: Path | None) -> Path:
    if path is None or not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    return path


NO_LATIN = [  # fonts that lack Latin letters, as the first font
    pytest.param(lambda: _font(KHMER), id="khmer-subset"),
    pytest.param(lambda: _font(DROID), id="droid-sans-fallback"),  # the reported case
]


def brief(heading: str, description: str) -> ShotBrief:
    return ShotBrief(
        heading=heading,
        description=description,
        framing="medium",
        characters=("LIN YUE", "林悦"),
        dialogue=("LIN YUE: Sign it. 签字。",),
    )


def panel_image(heading: str, description: str, painter: TextPainter | None) -> np.ndarray:
    req = ImageRequest(shot_id="e01_s0001", brief=brief(heading, description), width=288,
                       height=512, frames=1, seed=3)  # fmt: skip
    return Panel(req, painter).image


def drawn(painter: TextPainter, text: str) -> np.ndarray:
    img = np.full((48, 160, 3), 255, np.uint8)
    painter.draw(img, [(4, 4, text, 28, (0, 0, 0))])
    return img


def assert_no_tofu(painter: TextPainter) -> None:
    """Distinct letters, Latin and CJK, alone and in one mixed line, draw differently; and so do
    whole storyboard panels whose heading or description differ in one letter."""
    for a, b in (("A", "B"), ("林", "悦"), ("Lin 林", "Lim 悦")):
        assert (drawn(painter, a) < 128).any()  # something was drawn
        assert not np.array_equal(drawn(painter, a), drawn(painter, b)), (a, b)
    latin = [
        panel_image(f"INT. OFFICE - {w}", "林悦把合同摔在桌上。", painter) for w in ("DAY", "DAX")
    ]
    assert not np.array_equal(*latin)
    cjk = [panel_image("INT. OFFICE - DAY", f"林悦把合同摔在{c}上。", painter) for c in "桌椅"]
    assert not np.array_equal(*cjk)


def test_the_character_map_agrees_with_what_pillow_draws():
    """For every font at hand: a character the cmap lacks is drawn as the .notdef box, one it
    has is not (format 12 in the shipped collection's first face, format 4 in the others)."""
    fonts = [SHIPPED, COURIER, *(p for p in (KHMER, DROID) if p and p.is_file())]
    for path in fonts:
        font = ImageFont.truetype(str(path), 32)
        notdef = bytes(font.getmask("\U0010fffd"))  # in no font
        for char in SAMPLE:
            assert (ord(char) in covered(path)) == (bytes(font.getmask(char)) != notdef), (
                path.name,
                char,
            )
    assert covers(SHIPPED, "Lin Yue 林悦 あ 한") and covers(COURIER, "Lin Yue\t…")
    assert not covers(COURIER, "Lin 林")


def test_a_file_that_is_no_font_covers_nothing(tmp_path):
    (tmp_path / "not-a-font.ttf").write_bytes(b"\0" * 64)
    assert covered(tmp_path / "not-a-font.ttf") == frozenset()
    assert covered(tmp_path / "missing.ttf") == frozenset()


def test_a_line_is_cut_into_runs_by_the_first_font_that_has_each_character():
    fonts = [COURIER, SHIPPED]
    assert runs("Lin 林悦: hi", fonts) == [(COURIER, "Lin "), (SHIPPED, "林悦"), (COURIER, ": hi")]
    assert runs("\U0010fffd", fonts) == [(COURIER, "\U0010fffd")]  # in none: the first's box
    assert runs("", fonts) == []


def test_the_app_draws_both_scripts_with_its_shipped_font_on_any_machine():
    assert find_cjk_font() == SHIPPED  # it has Latin and CJK, and comes before installed fonts
    assert_no_tofu(TextPainter(find_cjk_font()))
    assert_no_tofu(
        Panel(ImageRequest(shot_id="x", brief=brief("A", "B")), None).painter
    )  # the default


@pytest.mark.parametrize("first", NO_LATIN)
def test_a_first_font_without_latin_letters_draws_no_boxes(first):
    painter = TextPainter(first(), fallbacks=[SHIPPED])
    assert_no_tofu(painter)
    alone = TextPainter(first(), fallbacks=[])  # without a fallback: the boxes of the issue
    assert np.array_equal(drawn(alone, "A"), drawn(alone, "B"))


def test_a_first_font_without_cjk_letters_draws_no_boxes():
    assert_no_tofu(TextPainter(COURIER, fallbacks=[SHIPPED]))
    alone = TextPainter(COURIER, fallbacks=[])
    assert np.array_equal(drawn(alone, "林"), drawn(alone, "悦"))


@pytest.mark.parametrize("first", NO_LATIN)
def test_the_lookup_passes_over_a_font_without_latin_letters(first, tmp_path):
    """In resources/fonts, by name, the Latin-less font comes first, yet the one with both
    scripts is chosen (the old lookup took the first CJK font it found)."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(first(), fonts / "0-first.ttf")
    (fonts / "z-both.ttc").symlink_to(SHIPPED)
    assert find_cjk_font(tmp_path) == fonts / "z-both.ttc"
