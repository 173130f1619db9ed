"""Machine translation's app layer: which lines a request asks for (new, stale, forced), and how
a finished file is recorded: edited and approved lines keep their text, a line the script changed
meanwhile is left for later, a file from a stranger that does not fit is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.app.machine_translation import (
    TranslationUnavailable,
    record_translation,
    translate_requests,
    translation_model,
)
from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.translations import LineState, TranslatedLine, add_languages
from studio.engine.registry import ModelEntry, ModelKind, Registry

SCRIPT = """Title: Glass

# Episode 1

INT. LOBBY - NIGHT

MAYA
Open the door.

ETHAN
Then deliver it.

# Episode 2

INT. ROOF - NIGHT

MAYA
You lied to me.
"""


def _project() -> Project:
    project = Project(title="Glass", language="en")
    apply_script(project, SCRIPT)
    add_languages(project, ["es"])
    return project


def _model(name: str = "m2m100-tiny", family: str = "m2m100") -> ModelEntry:
    return ModelEntry(name, ModelKind.TRANSLATION, family, "", Path(f"/m/{name}"), "h" * 64, True)


def _keys(requests) -> list[tuple[int, str, int]]:
    return [(r.episode, t.shot_id, t.line) for r in requests for t in r.texts]


def _answer(root: Path, request, texts: list[str], name: str = "a") -> str:
    rel = f"translations/es/{name}.json"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    lines = [
        {"shot_id": t.shot_id, "line": t.line, "text": x}
        for t, x in zip(request.texts, texts, strict=False)
    ]
    data = {"format": "micro-drama-studio/translation", "request": request.to_json(),
            "lines": lines}  # fmt: skip
    (root / rel).write_text(json.dumps(data), "utf-8")
    return rel


def test_requests_ask_for_new_and_stale_lines_per_episode_and_force_redoes_machine_ones():
    project = _project()
    shots = list(project.shots())
    requests = translate_requests(project, _model(), "es")
    languages = [(r.episode, r.language, r.source_language) for r in requests]
    assert languages == [(1, "es", "en"), (2, "es", "en")]
    assert _keys(requests) == [(1, shots[0].id, 0), (1, shots[1].id, 0), (2, shots[2].id, 0)]
    language = project.languages[0]
    language.lines[(shots[0].id, 0)] = TranslatedLine(shots[0].id, 0, "Abre.", LineState.EDITED,
                                                      "Open the door.")  # fmt: skip
    language.lines[(shots[1].id, 0)] = TranslatedLine(shots[1].id, 0, "x", LineState.MACHINE,
                                                      "Then deliver it.")  # fmt: skip
    language.lines[(shots[2].id, 0)] = TranslatedLine(shots[2].id, 0, "y", LineState.MACHINE,
                                                      "an older line")  # fmt: skip
    assert _keys(translate_requests(project, _model(), "es")) == [(2, shots[2].id, 0)]
    forced = translate_requests(project, _model(), "es", [1], force=True)
    assert _keys(forced) == [(1, shots[1].id, 0)]  # the edited line is never asked again
    with pytest.raises(ValueError, match="not a target language"):
        translate_requests(project, _model(), "fr")


def test_recording_keeps_what_people_did_and_what_the_script_changed(tmp_path):
    project = _project()
    shots = list(project.shots())
    request = translate_requests(project, _model(), "es", [1])[0]
    language = project.languages[0]
    rel = _answer(tmp_path, request, ["Abre la puerta.", "Entonces entrégalo."])
    language.lines[(shots[0].id, 0)] = TranslatedLine(shots[0].id, 0, "¡Abre!", LineState.APPROVED,
                                                      "Open the door.")  # fmt: skip
    record = record_translation(project, tmp_path, rel)
    assert record.translated == [(shots[1].id, 0)] and record.kept == 1
    assert language.lines[(shots[0].id, 0)].text == "¡Abre!"
    made = language.lines[(shots[1].id, 0)]
    assert (made.text, made.state, made.source) == ("Entonces entrégalo.", LineState.MACHINE,
                                                    "Then deliver it.")  # fmt: skip
    shots[1].dialogue[0].text = "Then go."  # the script changed while the job ran
    again = record_translation(project, tmp_path, rel)
    assert again.stale == 1 and language.lines[(shots[1].id, 0)].text == "Entonces entrégalo."
    assert any("changed in the script" in note for note in again.notes())


def test_a_file_that_does_not_fit_its_request_is_refused(tmp_path):
    project = _project()
    request = translate_requests(project, _model(), "es", [1])[0]
    rel = _answer(tmp_path, request, ["only one"])
    with pytest.raises(ValueError, match="not the ones asked for"):
        record_translation(project, tmp_path, rel)
    with pytest.raises(ValueError, match="cannot be read"):
        record_translation(project, tmp_path, "../../etc/passwd")


def test_the_model_is_the_pairs_opus_mt_else_a_many_to_many_one(tmp_path):
    marian = ModelEntry("opus-mt-en-es", ModelKind.TRANSLATION, "marian", "",
                        tmp_path / "opus-mt-en-es", "h", True)  # fmt: skip
    other = ModelEntry("opus-mt-en-de", ModelKind.TRANSLATION, "marian", "",
                       tmp_path / "opus-mt-en-de", "h", True)  # fmt: skip
    registry = Registry(tmp_path, (other, _model(), marian))
    assert translation_model(registry, "en", "es").name == "opus-mt-en-es"
    assert translation_model(registry, "en", "pt-BR").name == "m2m100-tiny"
    with pytest.raises(TranslationUnavailable, match="translations export"):
        translation_model(Registry(tmp_path, (other,)), "en", "es")
    assert translation_model(registry, "en", "es", "opus-mt-en-de").name == "opus-mt-en-de"
    with pytest.raises(TranslationUnavailable, match="no model named 'nope'"):
        translation_model(registry, "en", "es", "nope")
    chat = ModelEntry("chat", ModelKind.CHAT, "qwen2", "", tmp_path / "chat", "h", True)
    with pytest.raises(TranslationUnavailable, match="a chat model, not a translation model"):
        translation_model(Registry(tmp_path, (chat,)), "en", "es", "chat")
