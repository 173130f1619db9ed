"""``studio languages`` and ``studio translations export|import``: real project folders and
files, through the command's own entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.store import open_project

SCRIPT = """INT. LOBBY - NIGHT

MAYA
Adrian? You came back.

ADRIAN
I never left.
"""


def studio(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    script = tmp_path / "s.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    assert studio(capsys, "new", tmp_path / "P", "--script", script, "--language", "en")[0] == 0
    return tmp_path / "P.mdstudio"


def _languages(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> dict:
    code, out, err = studio(capsys, "languages", root, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_add_list_and_remove_languages(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = _languages(capsys, root, "--add", "es,PT-br,id")
    assert record["source"] == "en"
    assert [t["tag"] for t in record["targets"]] == ["es", "pt-BR", "id"]
    assert record["targets"][0] == {
        "tag": "es", "lines": 2, "translated": 0, "approved": 0, "stale": 0,
    }  # fmt: skip
    record = _languages(capsys, root, "--remove", "es")
    assert [t["tag"] for t in record["targets"]] == ["pt-BR", "id"]
    code, out, _ = studio(capsys, "languages", root)
    assert code == 0 and "Source language: en" in out and "pt-BR" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--add", "es,../x"), "'../x' is not a language tag"),
        (("--add", "EN"), "en is the project's source language"),
        (("--remove", "fr"), "fr is not a target language of this project"),
    ],
)
def test_bad_language_edits_change_nothing(
    root: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    before = (root / "project.json").read_bytes()
    code, _, err = studio(capsys, "languages", root, *args)
    assert code == 1 and message in err and err.count("\n") == 1
    assert (root / "project.json").read_bytes() == before


def test_export_translate_import(root: Path, tmp_path: Path, capsys) -> None:
    _languages(capsys, root, "--add", "es")
    file = tmp_path / "es.xlf"
    code, out, err = studio(capsys, "translations", "export", root, "--to", "es", file)
    assert code == 0, err
    assert out == f"Wrote 2 lines for es to {file}\n"
    text = file.read_text(encoding="utf-8")
    text = text.replace(
        "<source>Adrian? You came back.</source>",
        "<source>Adrian? You came back.</source><target>¿Adrián? Volviste.</target>",
    ).replace('<unit id="', '<unit id="x', 1)  # the first line's id no longer in the project
    text = text.replace(
        'state="initial">\n        <source>I never', 'state="final">\n        <source>I never'
    )
    text = text.replace(
        "<source>I never left.</source>",
        "<source>I never left.</source><target>Nunca me fui.</target>",
    )
    file.write_text(text, encoding="utf-8")
    code, out, err = studio(capsys, "translations", "import", root, file, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert len(report["changed"]) == 1 and report["unknown"][0].startswith("xsh-")
    with open_project(root, read_only=True) as folder:
        es = folder.project.languages[0]
        [line] = es.lines.values()
        assert (line.text, line.state.value) == ("Nunca me fui.", "approved")
    record = _languages(capsys, root)
    assert record["targets"][0] == {
        "tag": "es", "lines": 2, "translated": 1, "approved": 1, "stale": 0,
    }  # fmt: skip
    code, out, _ = studio(capsys, "translations", "import", root, file)
    assert code == 0
    assert out.startswith("es: 0 changed, 0 approved, 1 unchanged, 0 skipped, 1 unknown\n")
    assert "  unknown xsh-" in out


def test_bad_translation_files_change_nothing(root: Path, tmp_path: Path, capsys) -> None:
    _languages(capsys, root, "--add", "es")
    before = (root / "project.json").read_bytes()
    bomb = tmp_path / "bomb.xlf"
    bomb.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xliff>&a;</xliff>')
    wrong = tmp_path / "fr.xlf"
    xliff = "urn:oasis:names:tc:xliff:document:2.0"
    wrong.write_text(f'<xliff xmlns="{xliff}" version="2.0" srcLang="en" trgLang="fr"/>')
    huge = tmp_path / "huge.xlf"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)
    cases = [
        (bomb, "bomb.xlf: translation file declares a DTD or entities"),
        (wrong, "fr.xlf: the file translates into fr is not a target language"),
        (huge, "huge.xlf: larger than 50 MiB"),
        (tmp_path / "none.xlf", "no such file"),
        (tmp_path, "is a folder"),
    ]
    for file, message in cases:
        code, _, err = studio(capsys, "translations", "import", root, file)
        assert code == 1 and message in err and err.count("\n") == 1, (file, err)
    assert (root / "project.json").read_bytes() == before


def test_export_needs_a_target_language(root: Path, tmp_path: Path, capsys) -> None:
    code, _, err = studio(capsys, "translations", "export", root, "--to", "es", tmp_path / "x")
    assert code == 1 and "es is not a target language of this project (targets: none)" in err
    assert not (tmp_path / "x").exists()
    code, _, err = studio(capsys, "translations", "send", root)
    assert code == 1 and "studio translations export" in err


def test_fit_says_which_lines_fit_the_picture(root: Path, capsys) -> None:
    _languages(capsys, root, "--add", "es")
    from studio.core.translations import LineState, TranslatedLine

    with open_project(root) as folder:
        project = folder.project
        es = project.languages[0]
        first, second = [s for s in project.shots() if s.dialogue]
        long = (
            "¿Adrián? ¿De verdad eres tú? No puedo creer que hayas vuelto después de tanto tiempo."
        )
        for shot, text in ((first, long), (second, "Nunca me fui.")):
            es.lines[(shot.id, 0)] = TranslatedLine(
                shot.id, 0, text, LineState.EDITED, shot.dialogue[0].text
            )
        folder.save()
    before = (root / "project.json").read_bytes()
    code, out, err = studio(capsys, "translations", "fit", root, "--to", "es")
    assert code == 1, err
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("sh-")}
    assert rows[first.id].endswith("does not fit") and rows[second.id].endswith("fits")
    assert f"shot {first.id}: re-time: " in out and "frames longer" in out
    assert "es: 1 fits, 0 speed-up, 1 does not fit, 0 not translated" in out
    code, out, err = studio(capsys, "translations", "fit", root, "--to", "es", "--episode", "1",
                            "--json")  # fmt: skip
    assert code == 1
    report = json.loads(out)
    assert report["counts"]["does not fit"] == 1
    assert report["shots"][0]["longer"] > 0 and report["shots"][0]["lines"][0]["speed"] > 1.15
    for args, message in ((("--to", "es", "--episode", "4"), "no episode 4 (the project has 1)"),
                          (("--to", "fr"), "fr is not a target language")):  # fmt: skip
        code, _, err = studio(capsys, "translations", "fit", root, *args)
        assert code == 1 and message in err, err
    assert (root / "project.json").read_bytes() == before  # only read
    longer = report["shots"][0]["longer"]
    code, out, err = studio(capsys, "translations", "fit", root, "--to", "es", "--apply", "--json")
    assert code == 0, err  # the long line fits once its shot is longer
    applied = json.loads(out)
    assert [r["shot"] for r in applied["retimed"]] == [first.id]
    grown = applied["retimed"][0]
    assert grown["frames_after"] - grown["frames_before"] == longer
    assert applied["counts"]["does not fit"] == 0
    with open_project(root) as folder:
        shot = folder.project.find_shot(first.id)
        assert (shot.duration_frames, shot.duration_locked) == (grown["frames_after"], True)
    code, out, _ = studio(capsys, "translations", "fit", root, "--to", "es", "--apply")
    assert code == 0 and "0 shot(s) re-timed" in out  # nothing more to do
