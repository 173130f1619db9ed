"""A prompt's token count: exact with the tokenizer in a model folder's ``tokenizer/`` (a tiny
CLIP tokenizer built here, saved into a temp models folder), estimated ("≈") for the animatic, a
model without one, or one that cannot be read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from studio.app.prompt_tokens import (
    CLIP_LIMIT,
    ESTIMATE,
    TokenCount,
    counter_for,
    estimate_tokens,
    load_counter,
)
from studio.core.kinds import ANIMATIC_MODEL
from studio.engine.registry import scan

ENGINE_TESTS = Path(__file__).resolve().parents[1] / "engine"
PROMPT = "Maya, 24, in a courier jacket; photorealistic rain"


def save_clip_model(models: Path, name: str = "tiny-clip-sd") -> str:
    """A model folder ``name`` in ``models`` with a tiny CLIP tokenizer in ``tokenizer/``."""
    sys.path.insert(0, str(ENGINE_TESTS))
    from tiny_parts import tiny_clip_tokenizer

    folder = models / name
    tiny_clip_tokenizer().save_pretrained(str(folder / "tokenizer"))
    index = {
        "_class_name": "StableDiffusionPipeline",
        "tokenizer": ["transformers", "CLIPTokenizer"],
    }
    (folder / "model_index.json").write_text(json.dumps(index), encoding="utf-8")
    return name


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    save_clip_model(folder)
    (folder / "no-tokenizer").mkdir()
    (folder / "no-tokenizer" / "model_index.json").write_text("{}", encoding="utf-8")
    return folder


def test_the_estimate_counts_words_digits_and_marks() -> None:
    # maya , 2 4 , in a courier jacket ; photorealistic (2) rain; the start and end tokens
    assert estimate_tokens(PROMPT) == 2 + 13
    assert estimate_tokens("") == 2
    assert str(ESTIMATE.count(PROMPT)) == f"≈ 15 / {CLIP_LIMIT} tokens"
    assert not ESTIMATE.count(PROMPT).over
    assert ESTIMATE.count("rain " * 80).over  # 82 > 77
    assert str(TokenCount(3, None, exact=True)) == "3 tokens"


def test_the_models_tokenizer_counts_exactly(models: Path) -> None:
    counter = counter_for("tiny-clip-sd", models)
    assert counter.tokenizer is not None and counter.limit == CLIP_LIMIT and not counter.problem
    expected = len(counter.tokenizer(PROMPT)["input_ids"])  # a token a byte (a space joins one)
    count = counter.count(PROMPT)
    assert count == TokenCount(expected, CLIP_LIMIT, exact=True) and expected != 15
    assert str(count) == f"{expected} / 77 tokens" and not count.over
    assert counter.count(f"{PROMPT}, {PROMPT}").over  # past 77: the encoder cuts it off
    assert counter_for("tiny-clip-sd", registry=scan(models)) is counter  # loaded once


def test_no_tokenizer_gives_the_estimate_and_says_why(models: Path, tmp_path: Path) -> None:
    assert counter_for("", models) is ESTIMATE and counter_for(ANIMATIC_MODEL, models) is ESTIMATE
    missing = counter_for("no-tokenizer", models)
    assert missing.tokenizer is None and "no tokenizer folder" in missing.problem
    assert not missing.count(PROMPT).exact
    assert "no tokenizer folder" in counter_for("not-installed", models).problem
    broken = tmp_path / "broken" / "tokenizer"
    broken.mkdir(parents=True)
    (broken / "tokenizer_config.json").write_text("{not json", encoding="utf-8")
    unreadable = load_counter(broken)
    assert unreadable.tokenizer is None and "cannot read the tokenizer" in unreadable.problem
    assert str(unreadable.count("rain")) == "≈ 3 / 77 tokens"
