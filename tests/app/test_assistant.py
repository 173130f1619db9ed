"""The assistant's app layer: what a request reads of an episode, its suggestions read back from
the project folder (and refused when tampered with), prompts accepted through undo, and a beat
sheet placed on the episode's time line for the pacing analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.app.assistant import (
    AssistUnavailable,
    SuggestionError,
    accept_prompts,
    assist_request,
    chat_model,
    latest_suggestion,
    prompt_changes,
    read_suggestion,
    suggested_beats,
)
from studio.app.pacing import load_pacing_preset, project_pacing
from studio.core.assist import AssistTask
from studio.core.cast import Character
from studio.core.history import History, Scope
from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.engine.registry import ModelEntry, ModelKind, Registry

SCRIPT = """Title: Glass

# Episode 1

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
I'm just here for a delivery.

EXT. ROOF - NIGHT

Maya opens the envelope.
"""


def _project() -> Project:
    project = Project(title="Glass")
    apply_script(project, SCRIPT)
    maya = project.character("MAYA")
    if maya is None:
        project.characters.append(Character("MAYA", "24, courier jacket, wet hair"))
    else:
        maya.description = "24, courier jacket, wet hair"
    return project


def _model() -> ModelEntry:
    return ModelEntry("tiny-chat", ModelKind.CHAT, "qwen2", "", Path("/m/tiny-chat"), "ab" * 32,
                      True, license="apache-2.0")  # fmt: skip


def _save(root: Path, request, answers, name: str) -> str:
    rel = f"assist/ep001/{request.task.value}-{name}.json"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    shots = [s.shot_id for s in request.shots]
    data = {"format": "micro-drama-studio/assist", "version": 1, "request": request.to_json(),
            "shots": shots, "answers": answers, "stats": {}}  # fmt: skip
    (root / rel).write_text(json.dumps(data), "utf-8")
    return rel


def test_the_request_reads_each_shot_with_its_scene_dialogue_and_bible():
    project = _project()
    request = assist_request(project, _model(), AssistTask.PROMPTS, 1, seed=3)
    assert (request.model, request.model_hash, request.seed) == ("tiny-chat", "ab" * 32, 3)
    assert [s.number for s in request.shots] == list(range(1, len(request.shots) + 1))
    first, last = request.shots[0], request.shots[-1]
    assert first.heading == "INT. LOBBY - NIGHT" and last.heading == "EXT. ROOF - NIGHT"
    talking = next(s for s in request.shots if s.dialogue)
    assert talking.dialogue == ("MAYA: I'm just here for a delivery.",)
    assert talking.characters == ("Maya: 24, courier jacket, wet hair",)
    assert "lobby" in first.rule_prompt and first.seconds > 0
    project.find_shot(first.shot_id).prompt = "my own prompt"  # the rules' prompt, not the artist's
    again = assist_request(project, _model(), AssistTask.PROMPTS, 1)
    assert again.shots[0].rule_prompt == first.rule_prompt
    with pytest.raises(ValueError, match="no episode 4"):
        assist_request(project, _model(), AssistTask.BEATS, 4)


def test_no_chat_model_says_how_to_install_one():
    pipeline = ModelEntry("sd", ModelKind.TEXT_TO_IMAGE, "sd15", "", Path("/m/sd"), "h", True)
    registry = Registry(Path("/m"), (pipeline,))
    with pytest.raises(AssistUnavailable, match=r"prompts stay rule-based.*safetensors"):
        chat_model(registry)
    with pytest.raises(AssistUnavailable, match="not a chat model"):
        chat_model(registry, "sd")
    assert chat_model(Registry(Path("/m"), (pipeline, _model()))).name == "tiny-chat"


def test_accepted_prompts_become_the_shots_own_and_undo_puts_them_back(tmp_path):
    project = _project()
    request = assist_request(project, _model(), AssistTask.PROMPTS, 1)
    answers = [{"prompt": f"suggested {s.number}"} for s in request.shots]
    suggestion = read_suggestion(tmp_path, _save(tmp_path, request, answers, "tk-1"))
    first = request.shots[0].shot_id
    project.find_shot(first).prompt = "the artist's"
    changes = prompt_changes(project, suggestion)
    assert [(c.current, c.own) for c in changes[:1]] == [("the artist's", True)]
    assert [c.suggested for c in changes] == [a["prompt"] for a in answers]
    history = History()
    changed = history.record(
        "Accept Prompts", project, Scope.episode(1),
        lambda: accept_prompts(project, suggestion, {first}),
    )  # fmt: skip
    assert changed == [first] and project.find_shot(first).prompt == "suggested 1"
    assert project.find_shot(request.shots[1].shot_id).prompt == ""  # not chosen
    history.undo(project)
    assert project.find_shot(first).prompt == "the artist's"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["answers"].pop(), "answers where"),
        (lambda d: d["answers"][0].update(prompt=""), "not a text of 1 to"),
        (lambda d: d["answers"][0].update(extra="x"), "not an object with prompt"),
        (lambda d: d["request"].update(kind="image"), "cannot be read"),
        (lambda d: d.update(answers="x" * 5_000_000), "larger than"),
    ],
)
def test_a_tampered_suggestions_file_is_refused_with_the_reason(tmp_path, change, message):
    project = _project()
    request = assist_request(project, _model(), AssistTask.PROMPTS, 1)
    rel = _save(tmp_path, request, [{"prompt": "p"} for _ in request.shots], "tk-1")
    data = json.loads((tmp_path / rel).read_text("utf-8"))
    change(data)
    (tmp_path / rel).write_text(json.dumps(data), "utf-8")
    with pytest.raises(SuggestionError, match=message):
        read_suggestion(tmp_path, rel)
    assert latest_suggestion(tmp_path, 1, AssistTask.PROMPTS) is None
    with pytest.raises(SuggestionError, match="cannot be read"):
        read_suggestion(tmp_path, "../outside.json")


def test_the_newest_beat_sheet_lands_on_its_shots_and_in_the_pacing(tmp_path):
    project = _project()
    request = assist_request(project, _model(), AssistTask.BEATS, 1)
    last = len(request.shots)
    old = {"hook": {"shot": 1, "text": "old"}, "turns": [{"shot": 1, "text": "old"}],
           "cliffhanger": {"shot": 1, "text": "old"}}  # fmt: skip
    _save(tmp_path, request, [old], "tk-1")
    sheet = {"hook": {"shot": 1, "text": "rain"}, "turns": [{"shot": 2, "text": "line"}],
             "cliffhanger": {"shot": last, "text": "the envelope"}}  # fmt: skip
    newest = tmp_path / _save(tmp_path, request, [sheet], "tk-2")
    stamp = newest.stat().st_mtime_ns + 1_000_000_000
    import os

    os.utime(newest, ns=(stamp, stamp))
    shots = list(project.episode(1).shots())
    beats = suggested_beats(tmp_path, project, 1)
    assert [(b.kind, b.shot_id) for b in beats] == [
        ("assistant hook", shots[0].id),
        ("assistant turn", shots[1].id),
        ("assistant cliffhanger", shots[-1].id),
    ]
    ending = sum(s.duration_frames for s in shots[:-1])
    assert (beats[-1].start, beats[-1].end) == (ending, ending + shots[-1].duration_frames)
    pacing = project_pacing(project, tmp_path, load_pacing_preset(), 1, script=SCRIPT)[0]
    assert "assistant turn" in [t.detail for t in pacing.turns]
    assert suggested_beats(None, project, 1) == []
