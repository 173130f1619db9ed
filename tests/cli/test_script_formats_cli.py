"""``studio new`` / ``studio import`` with Chinese and plain-text scripts and ``--format``."""

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import studio

CN = """剧名：《重生》

第一集

1-1 日 内 客厅
△林晓推门而入。
张伟：你还敢回来？
林晓：（冷笑）这是我家。

第二集

第1场 夜 外 天台
林晓：我不会再输了。
"""

PLAIN = "Episode 1\n\nScene 1: Roof\nMAYA: Hi.\n(beat)\nJO: Bye.\n"


@pytest.fixture
def cn_script(tmp_path: Path) -> Path:
    path = tmp_path / "重生.txt"
    path.write_text(CN, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", [["--format", "cn"], ["--format", "auto"], []])
def test_new_from_a_chinese_script(tmp_path, cn_script, fmt):
    created = studio("new", tmp_path / "Drama", "--script", cn_script, *fmt, "--json")
    assert created.returncode == 0, created.stderr
    summary = json.loads(created.stdout)
    assert summary["title"] == "重生"
    root = tmp_path / "Drama.mdstudio"
    stored = (root / "script" / "script.fountain").read_text(encoding="utf-8")
    assert "# 第一集" in stored and ".1-1 日 内 客厅" in stored and "@林晓\n（冷笑）" in stored
    shots = json.loads(studio("shots", root, "--json").stdout)
    assert [(s["episode"], s["scene"], s["kind"]) for s in shots] == [
        (1, 1, "action"),
        (1, 1, "dialogue"),
        (1, 1, "dialogue"),
        (2, 1, "dialogue"),
    ]
    assert shots[2]["dialogue"][0]["parenthetical"] == "冷笑"
    assert shots[3]["scene_heading"] == "第1场 夜 外 天台"
    lines = stored.split("\n")
    start, end = shots[2]["source_lines"]
    assert lines[start - 1] == "@林晓" and lines[end - 1] == "这是我家。"


def test_import_with_a_format_and_a_wrong_format(tmp_path, cn_script):
    assert studio("new", tmp_path / "Drama", "--script", cn_script).returncode == 0
    root = tmp_path / "Drama.mdstudio"
    plain = tmp_path / "plain.txt"
    plain.write_text(PLAIN, encoding="utf-8")
    imported = studio("import", root, plain, "--format", "plain", "--json")
    assert imported.returncode == 0, imported.stderr
    shots = json.loads(studio("shots", root, "--json").stdout)
    assert [s["characters"] for s in shots] == [["MAYA"], ["JO"]]
    assert shots[1]["dialogue"][0]["parenthetical"] == "beat"

    wrong = studio("new", tmp_path / "Other", "--script", cn_script, "--format", "fountain")
    assert wrong.returncode != 0
    assert "looks like a cn script" in wrong.stderr and len(wrong.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "Other.mdstudio").exists()
