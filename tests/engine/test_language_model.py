"""The assistant's backend: a tiny random-weight chat model saved with ``save_pretrained``, found
by the real registry, loaded by the backend's real loading code and run by the worker's
``Runner`` (the code the worker process runs). Every answer parses against its task's schema,
is stored with its request, and comes out the same when asked again."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from tiny_chat import TINY_CHAT, save_tiny_chat

from studio.core.assist import AssistTask, ShotInput, answer_problem
from studio.core.kinds import ModelKind
from studio.core.request import request_from_json
from studio.core.text_requests import AssistRequest
from studio.engine.chat_models import license_note
from studio.engine.json_decoding import token_bytes
from studio.engine.registry import scan
from studio.engine.worker import Runner, RunOrder, WorkerConfig

SHOTS = tuple(
    ShotInput(f"sh-{n}", n, "INT. KITCHEN - NIGHT", "Anna holds the letter.",
              ("ANNA: You lied.",), ("ANNA: red coat, thirties",), "close-up, kitchen", 2.5)
    for n in (1, 2, 3)
)  # fmt: skip


@pytest.fixture(scope="module")
def chat_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("chat-models")
    save_tiny_chat(root / TINY_CHAT)
    return root


def _request(models: Path, task: AssistTask, **changes: object) -> AssistRequest:
    entry = scan(models).get(TINY_CHAT)
    fields = {"episode": 1, "task": task, "model": TINY_CHAT, "model_hash": entry.hash,
              "title": "Glass", "shots": SHOTS, "max_tokens": 1024, **changes}  # fmt: skip
    return AssistRequest(**fields)  # type: ignore[arg-type]


def _run(runner: Runner, root: Path, request: AssistRequest, name: str) -> tuple[str, dict]:
    sent: list[tuple] = []
    order = RunOrder(name, request.to_json(), str(root), f"assist/ep001/{name}.json")
    runner.run(order, sent.append)
    assert sent[-1][0] == "done", sent[-1]
    return (root / order.media).read_text("utf-8"), dict(sent[-1][2]["rendered"]["facts"])


@pytest.fixture(scope="module")
def runner(chat_models: Path) -> Runner:
    return Runner(WorkerConfig(models_dir=str(chat_models)), threading.Event())


def test_the_registry_lists_a_chat_model_with_its_license(chat_models: Path) -> None:
    entry = scan(chat_models).get(TINY_CHAT)
    assert (entry.kind, entry.family, entry.license) == (ModelKind.CHAT, "qwen2", "apache-2.0")
    assert entry.problems == [] and entry.to_json()["license"] == "apache-2.0"
    assert license_note("apache-2.0") == ""
    assert "non-commercial" in license_note("cc-by-nc-4.0")


def test_folders_that_would_run_code_or_pickles_are_refused(chat_models: Path, tmp_path) -> None:
    remote = shutil.copytree(chat_models / TINY_CHAT, tmp_path / "remote")
    config = json.loads((remote / "config.json").read_text("utf-8"))
    config["auto_map"] = {"AutoModelForCausalLM": "modeling_evil.EvilModel"}
    (remote / "config.json").write_text(json.dumps(config), "utf-8")
    pickled = shutil.copytree(chat_models / TINY_CHAT, tmp_path / "pickled")
    (pickled / "pytorch_model.bin").write_bytes(b"not looked at")
    plain = shutil.copytree(chat_models / TINY_CHAT, tmp_path / "plain")
    (plain / "chat_template.jinja").unlink()
    entries = {e.name: e for e in scan(tmp_path)}
    assert all(entries[n].kind is ModelKind.CHAT for n in ("remote", "pickled", "plain"))
    assert "trust_remote_code" in " ".join(entries["remote"].problems)
    assert ".safetensors only" in " ".join(entries["pickled"].problems)
    assert "no chat template" in " ".join(entries["plain"].problems)


def test_byte_level_tokens_are_the_bytes_they_write() -> None:
    from tiny_chat import tiny_chat_tokenizer

    tokenizer = tiny_chat_tokenizer()
    found = token_bytes(tokenizer)
    ids = {i for ids in found.values() for i in ids}
    assert set(tokenizer.all_special_ids).isdisjoint(ids)
    for raw, token_ids in found.items():  # each token decodes to the bytes said, spaces too
        text = tokenizer.decode(token_ids[:1])
        if "\ufffd" not in text:
            assert text.encode("utf-8") == raw
    assert b" " in found


@pytest.mark.parametrize("task", list(AssistTask))
def test_every_task_answers_json_of_its_schema_stored_with_its_request(
    runner: Runner, chat_models: Path, tmp_path, task: AssistTask
) -> None:
    request = _request(chat_models, task)
    text, facts = _run(runner, tmp_path, request, f"{task}-1")
    stored = json.loads(text)
    assert request_from_json(stored["request"]) == request
    assert stored["shots"] == ["sh-1", "sh-2", "sh-3"]
    answers = stored["answers"]
    assert len(answers) == (3 if task is AssistTask.PROMPTS else 1)
    assert all(answer_problem(task, a, len(SHOTS)) == "" for a in answers)
    assert facts["tokens"] > 0 and 0 < facts["constraint_seconds"] < facts["decode_seconds"]
    assert not list(tmp_path.rglob("*.part.json"))


@pytest.mark.parametrize("temperature", [0.0, 0.9])
def test_the_same_request_gives_the_same_answer(
    runner: Runner, chat_models: Path, tmp_path, temperature: float
) -> None:
    request = _request(chat_models, AssistTask.PROMPTS, shots=SHOTS[:1], temperature=temperature,
                       seed=7)  # fmt: skip
    first, _ = _run(runner, tmp_path, request, "a")
    runner.backends.clear()  # loaded afresh: the answer does not depend on a warm model
    second, _ = _run(runner, tmp_path, request, "b")
    assert json.loads(first)["answers"] == json.loads(second)["answers"]


def test_a_changed_model_or_a_missing_one_fails_with_the_reason(
    runner: Runner, chat_models: Path, tmp_path
) -> None:
    sent: list[tuple] = []
    stale = _request(chat_models, AssistTask.HOOKS, model_hash="0" * 64)
    runner.run(RunOrder("j1", stale.to_json(), str(tmp_path), "assist/x.json"), sent.append)
    missing = _request(chat_models, AssistTask.HOOKS, model="no-such-chat")
    runner.run(RunOrder("j2", missing.to_json(), str(tmp_path), "assist/y.json"), sent.append)
    assert [m[0] for m in sent] == ["failed", "failed"]
    assert "changed since this request was made" in sent[0][2]
    assert "no chat model named 'no-such-chat'" in sent[1][2] and TINY_CHAT in sent[1][2]
    assert not (tmp_path / "assist" / "x.json").exists()


def test_cancel_stops_the_answer_and_leaves_no_file(chat_models: Path, tmp_path) -> None:
    cancel = threading.Event()
    runner = Runner(WorkerConfig(models_dir=str(chat_models)), cancel)
    sent: list[tuple] = []

    def send(message: tuple) -> None:
        sent.append(message)
        if message[0] == "progress":
            cancel.set()  # after the first shot's prompt

    request = _request(chat_models, AssistTask.PROMPTS)
    runner.run(RunOrder("j", request.to_json(), str(tmp_path), "assist/p.json"), send)
    assert sent[-1] == ("cancelled", "j")
    assert [m[0] for m in sent].count("progress") == 1
    assert not list((tmp_path / "assist").iterdir())
