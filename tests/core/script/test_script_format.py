"""Which convention a script file is in, explicit formats, and bounded work on any input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from studio.core.model import Project
from studio.core.script import fountain
from studio.core.script.elements import Kind, ScriptError
from studio.core.script.importer import apply_script, read_script_text
from studio.core.script.script_format import detect_format, guess_text, script_fountain

HERE = Path(__file__).parent
CN = "第一集\n\n1-1 日 内 客厅\n△林晓推门而入。\n林晓：你好。\n张伟：（冷笑）好什么。\n"
PLAIN = "Episode 1\n\nScene 1: Roof\nMAYA: Hi.\nJO: Bye.\n\nShe leaves.\n"
FOUNTAIN = "INT. ROOF - NIGHT\n\nRain.\n\nMAYA\nHi: there.\n\n@林晓\n你好：世界。\n"
PROSE = "It was a dark night.\n\nNobody came, and the rain kept falling on the roof.\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CN, "cn"),
        (PLAIN, "plain"),
        (FOUNTAIN, "fountain"),
        (PROSE, "fountain"),
        ("", "fountain"),
        ("林晓：你好。\n", "fountain"),
        (CN.replace("：", ":"), "cn"),
        ("# 第一集\n\n# 第二集\n", "fountain"),
    ],
)
def test_guess_text(text, expected):
    assert guess_text(text) == expected


@pytest.mark.parametrize("path", sorted((HERE / "corpus").glob("*.fountain")), ids=lambda p: p.name)
def test_every_fountain_corpus_script_stays_fountain_as_txt(path):
    assert detect_format(path.read_bytes(), ".txt") == "fountain"


def test_detection_by_suffix_and_content():
    fdx = (HERE / "fdx" / "rooftop.fdx").read_bytes()
    assert detect_format(fdx, ".fdx") == "fdx"
    assert detect_format(fdx, ".txt") == "fdx"
    assert detect_format(CN.encode(), ".fountain") == "fountain"
    assert detect_format(CN.encode(), ".txt") == "cn"
    assert detect_format(PLAIN.encode(), ".md") == "plain"
    assert detect_format(PLAIN.encode(), "") == "plain"
    with pytest.raises(ScriptError, match=r"unknown script format '\.docx'"):
        detect_format(PLAIN.encode(), ".docx")


def test_auto_converts_and_the_fountain_file_is_left_as_written():
    converted = script_fountain(CN.encode(), ".txt")
    assert "@林晓\n你好。" in converted
    assert script_fountain(CN.encode(), ".fountain") == CN


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        (PROSE, "cn", "no scenes, episodes or dialogue found in the cn conventions"),
        (PROSE, "plain", "no scenes, episodes or dialogue found in the plain conventions"),
        (CN, "fountain", "looks like a cn script"),
        (PLAIN, "fountain", "looks like a plain script"),
        (CN, "fdx", "XML"),
        (CN, "docx", "unknown script format 'docx'"),
    ],
)
def test_a_wrong_explicit_format_is_refused_in_one_line(text, fmt, message):
    with pytest.raises(ScriptError, match=message) as error:
        script_fountain(text.encode(), ".txt", fmt)
    assert "\n" not in str(error.value)


def test_an_explicit_format_overrides_detection():
    as_plain = fountain.parse(script_fountain(CN.encode(), ".txt", "plain"))
    assert [e.kind for e in as_plain].count(Kind.SCENE_HEADING) == 0  # 1-1 日 内 is Chinese only
    assert [e.character for e in as_plain if e.kind is Kind.DIALOGUE] == ["林晓", "张伟"]


def test_read_script_text_names_the_file_in_errors(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(PROSE, encoding="utf-8")
    with pytest.raises(ScriptError, match=r"^story\.txt: no scenes"):
        read_script_text(path, "cn")
    assert read_script_text(path) == PROSE


PIECES = [
    "第" * 300,
    "第一" * 200 + "集",
    "1-1 " + "日 " * 300,
    ":" * 400,
    "：" * 400,
    "（" * 400,
    "(" * 300 + "：",
    "A: " * 200,
    "林晓：" * 150,
    "△" * 300,
    "[[" * 200,
    "/*" * 200,
    "Scene " * 200,
    "Episode " * 200,
    "#" * 300,
    "**" * 200,
    "MAYA",
    "x" * 500,
    "",
    "林晓（" * 100 + "）：",
    "Dr. " * 100 + ": hi",
    "1" * 300 + ":" + "2" * 300,
]


@pytest.mark.slow
def test_two_hundred_thousand_lines_of_garbage_import_with_bounded_work(tmp_path):
    rng = random.Random(17)
    lines = [rng.choice(PIECES)[: rng.randrange(1, 30)] for _ in range(200_000)]
    path = tmp_path / "garbage.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    project = Project(title="")
    apply_script(project, read_script_text(path))  # auto: detected, converted, broken down
    assert sum(len(scene.shots) for e in project.episodes for scene in e.scenes) > 1000
    assert detect_format(path.read_bytes(), ".txt") == "cn"  # 第, △, 林晓：… lines
    elements = fountain.parse(script_fountain(path.read_bytes(), ".txt", "plain"))
    assert sum(e.kind is Kind.DIALOGUE for e in elements) > 1000
