"""Language variants: target languages, translated lines, their limits, and script re-import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sample_projects import edit_json, small_project

from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.store import StoreError, open_project
from studio.core.translations import (
    MAX_LANGUAGES,
    Language,
    LineState,
    TranslatedLine,
    add_languages,
    find_language,
    language_counts,
    normalize_tag,
    remove_language,
    tag_problem,
)
from studio.core.voicing import VoiceClip

SCRIPT = """INT. LOBBY - NIGHT

MAYA
Adrian? You came back.

ADRIAN
I never left.

EXT. ROOF - DAY

MAYA
Then why the rain?
"""


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("es", "es"), ("PT-br", "pt-BR"), ("zh-hans", "zh-Hans"), ("es-419", "es-419"),
     ("zh-Hant-TW", "zh-Hant-TW"), ("ca-Valencia", "ca-valencia"), ("fil", "fil")],
)  # fmt: skip
def test_tags_are_normalized(raw: str, tag: str) -> None:
    assert normalize_tag(raw) == tag


@pytest.mark.parametrize(
    "bad", ["", "e", "español", "es_ES", "en-GB-x-private", "es-", "-es", "es--ES", "x" * 40]
)
def test_bad_tags_are_refused(bad: str) -> None:
    assert tag_problem(bad)
    with pytest.raises(ValueError, match="is not a language tag"):
        normalize_tag(bad)


def test_add_and_remove_targets() -> None:
    project = Project("Rain", language="en")
    assert add_languages(project, ["es", "PT-br", "es", "id"]) == ["es", "pt-BR", "id"]
    assert [lang.tag for lang in project.languages] == ["es", "pt-BR", "id"]
    assert add_languages(project, ["ES", "zh-Hans"]) == ["zh-Hans"]
    with pytest.raises(ValueError, match="source language"):
        add_languages(project, ["EN"])
    with pytest.raises(ValueError, match="not a language tag"):
        add_languages(project, ["fr", "klingon!"])
    assert find_language(project, "pt-br").tag == "pt-BR"
    assert len(project.languages) == 4  # nothing added by the refused calls
    remove_language(project, "es")
    with pytest.raises(ValueError, match=r"targets: pt-BR, id, zh-Hans"):
        find_language(project, "es")
    many = [f"x{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(MAX_LANGUAGES)]
    with pytest.raises(ValueError, match=f"at most {MAX_LANGUAGES}"):
        add_languages(project, many)
    assert len(project.languages) == 3


def test_translations_round_trip_through_json() -> None:
    project = small_project()
    clip = VoiceClip(0, "ELENA", "audio/es/sh-1/vc.wav", "audio/es/sh-1/vc.json", 0, 4800)
    project.languages[0].lines[("sh-1", 0)].voice = clip
    project.languages[0].lines[("sh-1", 0)].take = "tk-4"
    again = Project.from_json(json.loads(json.dumps(project.to_json())))
    assert again == project
    assert again.languages[0].lines[("sh-1", 0)].voice == clip


def _counts(project: Project, tag: str) -> dict[str, int]:
    return language_counts(project, find_language(project, tag))


def test_counts_and_stale_lines() -> None:
    project = small_project()
    assert _counts(project, "es") == {"lines": 1, "translated": 1, "approved": 0, "stale": 0}
    project.find_shot("sh-1").dialogue[0].text = "It pours."
    assert _counts(project, "es") == {"lines": 1, "translated": 1, "approved": 0, "stale": 1}
    assert _counts(project, "pt-BR") == {"lines": 1, "translated": 0, "approved": 0, "stale": 0}


def _translate(project: Project, tag: str, state: LineState = LineState.APPROVED) -> Language:
    language = Language(tag)
    for shot in project.shots():
        for i, line in enumerate(shot.dialogue):
            text = f"[{tag}] {line.text}"
            language.lines[(shot.id, i)] = TranslatedLine(shot.id, i, text, state, line.text)
    project.languages.append(language)
    return language


def test_reimport_keeps_an_archived_shots_translations_and_leaves_nothing_dangling() -> None:
    project = Project("Glass")
    apply_script(project, SCRIPT)
    es = _translate(project, "es")
    lobby = [s.id for s in project.episodes[0].scenes[0].shots]
    # A new first line in the roof shot, its old line edited; ADRIAN's shot deleted.
    edited = SCRIPT.replace("ADRIAN\nI never left.\n\n", "").replace(
        "Then why the rain?", "Look up.\n\nMAYA\nThen why the rain, Adrian?"
    )
    report = apply_script(project, edited)
    shots = {s.id: s for s in project.shots()}
    assert lobby[0] in shots and lobby[1] not in shots
    assert report.translations_dropped == 0  # the deleted shot is archived, its line kept
    assert (lobby[1], 0) in es.lines
    assert any(s.id == lobby[1] for s in project.archived_shots)
    counts = _counts(project, "es")
    assert counts["lines"] == len([d for s in project.shots() for d in s.dialogue])
    # Every kept translation names a line that exists, live or archived.
    every = {s.id: s for s in [*project.shots(), *project.archived_shots]}
    assert all(line < len(every[shot].dialogue) for shot, line in es.lines)
    assert es.lines[(lobby[0], 0)].source == every[lobby[0]].dialogue[0].text


def test_reimport_drops_lines_past_the_end_and_shots_gone_everywhere() -> None:
    project = Project("Glass")
    apply_script(project, "INT. LOBBY - NIGHT\n\nMAYA\nOne.\n")
    shot = next(project.shots())
    es = _translate(project, "es")
    es.lines[(shot.id, 3)] = TranslatedLine(shot.id, 3, "fuera", LineState.MACHINE, "gone")
    es.lines[("sh-nowhere", 0)] = TranslatedLine("sh-nowhere", 0, "x", LineState.EDITED, "y")
    report = apply_script(project, "INT. LOBBY - NIGHT\n\nMAYA\nOne, two.\n")
    assert report.translations_dropped == 2
    assert list(es.lines) == [(shot.id, 0)]
    assert next(project.shots()).id == shot.id
    assert _counts(project, "es") == {"lines": 1, "translated": 1, "approved": 1, "stale": 1}
    assert (
        apply_script(project, "INT. LOBBY - NIGHT\n\nMAYA\nOne, two.\n").translations_dropped == 0
    )


def test_a_translation_follows_its_line_when_a_line_is_inserted_above() -> None:
    from studio.core.model import DialogueLine
    from studio.core.translations import reconcile_languages

    project = Project("Glass")
    apply_script(project, "INT. LOBBY - NIGHT\n\nMAYA\nOne.\n")
    es = _translate(project, "es")
    shot = next(project.shots())
    shot.dialogue.insert(0, DialogueLine("MAYA", "Zero."))
    assert reconcile_languages(project) == 0
    assert list(es.lines) == [(shot.id, 1)]
    assert es.lines[(shot.id, 1)].text == "[es] One." and es.lines[(shot.id, 1)].line == 1
    assert _counts(project, "es")["stale"] == 0


# --- a stranger's project.json ---------------------------------------------------------------


def _open_with(root: Path, change: Any) -> str:
    edit_json(root, change)
    before = (root / "project.json").read_bytes()
    with pytest.raises(StoreError) as caught:
        open_project(root)
    assert (root / "project.json").read_bytes() == before
    assert "\n" not in str(caught.value)
    return str(caught.value)


def _languages(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc["project"]["languages"]


def _line(doc: dict[str, Any]) -> dict[str, Any]:
    return _languages(doc)[0]["lines"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _languages(d).extend({"tag": f"q{chr(97 + i)}"} for i in range(19)),
         "languages: 21 languages, more than the 20"),
        (lambda d: _languages(d).append({"tag": "ES"}), "language ES appears twice"),
        (lambda d: _languages(d)[0].update(tag="../../etc"), "is not a language tag"),
        (lambda d: _line(d).update(text="x" * 100_001), "text: longer than 100000 characters"),
        (lambda d: _line(d).update(source="y" * 100_001), "source: longer than 100000"),
        (lambda d: _line(d).update(shot="../up"), "is not a valid id"),
        (lambda d: _line(d).update(take="../tk"), "is not a valid id"),
        (lambda d: _line(d).update(line=-1), "line: must be 0 or more"),
        (lambda d: _line(d).update(line=10**9), "is past any shot's dialogue"),
        (lambda d: _line(d).update(state="perfect"), "'perfect' is not one of machine"),
        (lambda d: _languages(d)[0]["lines"].append(dict(_line(d))), "line 0 of sh-1 twice"),
        (lambda d: _line(d).update(voice={"line": 0, "character": "E", "media": "a" * 5000,
                                          "timing": "t.json", "start": 0, "samples": 1}),
         "path is longer than 4096"),
        (lambda d: d["project"].update(languages={"es": []}), "expected a list, got dict"),
    ],
)  # fmt: skip
def test_a_strangers_languages_are_refused(root: Path, change: Any, message: str) -> None:
    assert message in _open_with(root, change)


def test_a_translated_voice_outside_the_folder_is_a_problem_not_a_path(root: Path) -> None:
    voice = {"line": 0, "character": "E", "media": "../../outside.wav", "timing": "t.json",
             "start": 0, "samples": 1}  # fmt: skip
    edit_json(root, lambda d: _line(d).update(voice=voice))
    with open_project(root, read_only=True) as folder:
        assert any(p.startswith("es shot sh-1 line 1 voice:") for p in folder.problems)


def test_each_translated_line_is_one_line_of_project_json(root: Path) -> None:
    text = (root / "project.json").read_text(encoding="utf-8")
    assert '      {"tag": "es", "lines": [\n' in text
    assert (
        '        {"shot": "sh-1", "line": 0, "text": "Llueve.", "state": "edited", '
        '"source": "It rains.", "voice": null, "take": ""}\n'
    ) in text
    assert '      {"tag": "pt-BR", "lines": []}' in text
