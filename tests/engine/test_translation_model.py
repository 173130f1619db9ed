"""Machine translation in the worker: tiny random-weight Marian and M2M100 models with their
tokenizers built in code, saved with ``save_pretrained``, listed by the real registry and run by
the worker's ``Runner``. The translations are nonsense; what is checked is that every line gets
one, the file holds the request, the same request gives the same text, and a model that cannot
do the pair says so."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from tiny_translation import save_tiny_m2m100, save_tiny_marian

from studio.core.kinds import ModelKind
from studio.core.request import request_from_json
from studio.core.text_requests import SourceLine, TranslateRequest
from studio.engine.chat_models import license_note
from studio.engine.registry import scan
from studio.engine.worker import Runner, RunOrder, WorkerConfig

TEXTS = tuple(SourceLine(f"sh-{i}", 0, text) for i, text in
              enumerate(["You lied to me.", "Open the door.", "Then deliver it."], 1))  # fmt: skip


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("translation-models")
    save_tiny_marian(root / "opus-mt-en-es")
    save_tiny_m2m100(root / "m2m100-tiny")
    nllb = save_tiny_m2m100(root / "nllb-200-tiny")  # an NLLB copied without its model card
    (nllb / "README.md").unlink(missing_ok=True)
    return root


@pytest.fixture(scope="module")
def runner(models: Path) -> Runner:
    return Runner(WorkerConfig(models_dir=str(models)), threading.Event())


def _run(runner: Runner, root: Path, request: TranslateRequest, name: str) -> tuple:
    sent: list[tuple] = []
    runner.run(RunOrder(name, request.to_json(), str(root), f"tr/{name}.json"), sent.append)
    return sent[-1], root / "tr" / f"{name}.json"


def _request(models: Path, name: str, language: str = "es") -> TranslateRequest:
    entry = scan(models).get(name)
    return TranslateRequest(episode=1, language=language, model=name, model_hash=entry.hash,
                            texts=TEXTS, max_tokens=12)  # fmt: skip


def test_the_registry_lists_translation_models_by_family_and_license(models: Path) -> None:
    entries = {e.name: e for e in scan(models)}
    assert {n: (e.kind, e.family) for n, e in entries.items()} == {
        "m2m100-tiny": (ModelKind.TRANSLATION, "m2m100"),
        "nllb-200-tiny": (ModelKind.TRANSLATION, "nllb"),
        "opus-mt-en-es": (ModelKind.TRANSLATION, "marian"),
    }
    assert all(not e.problems for e in entries.values())
    assert entries["nllb-200-tiny"].license == "cc-by-nc-4.0"  # NLLB's, though its card is gone
    assert "non-commercial" in license_note(entries["nllb-200-tiny"].license)


@pytest.mark.parametrize("name", ["opus-mt-en-es", "m2m100-tiny"])
def test_each_line_is_translated_and_stored_with_the_request(
    runner: Runner, models: Path, tmp_path: Path, name: str
) -> None:
    request = _request(models, name)
    message, file = _run(runner, tmp_path, request, "a")
    assert message[0] == "done", message
    stored = json.loads(file.read_text("utf-8"))
    assert request_from_json(stored["request"]) == request
    assert [(x["shot_id"], x["line"]) for x in stored["lines"]] == [("sh-1", 0), ("sh-2", 0),
                                                                    ("sh-3", 0)]  # fmt: skip
    assert all(isinstance(x["text"], str) and "__es__" not in x["text"] for x in stored["lines"])
    runner.backends.clear()  # loaded again: the same request gives the same text
    message, second = _run(runner, tmp_path, request, "b")
    assert message[0] == "done", message
    assert json.loads(second.read_text("utf-8"))["lines"] == stored["lines"]


def test_a_model_that_cannot_do_the_pair_says_which_to_install(
    runner: Runner, models: Path, tmp_path: Path
) -> None:
    message, file = _run(runner, tmp_path, _request(models, "opus-mt-en-es", "pt-BR"), "c")
    assert message[0] == "failed" and "translates en to es, not en to pt-BR" in message[2]
    assert "opus-mt-en-pt" in message[2] and not file.exists()
    message, _ = _run(runner, tmp_path, _request(models, "m2m100-tiny", "tlh"), "d")
    assert message[0] == "failed" and "does not know" in message[2]
