"""How many tokens a prompt is for the chosen model's text encoder, against the encoder's limit.

A diffusers model folder keeps its (first) text encoder's tokenizer in ``tokenizer/``; the count
is that tokenizer's, start and end tokens included, against its ``model_max_length`` (77 for
CLIP: the words past it are cut off). Loading a tokenizer imports transformers (seconds), so
:func:`counter_for` is for a background thread; what it loaded is kept (:func:`load_counter`),
and counting with it takes well under a millisecond.

Without a tokenizer (the animatic, a model folder without ``tokenizer/``, one that cannot be read)
the count is :func:`estimate_tokens`, shown with "≈", against CLIP's :data:`CLIP_LIMIT`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from studio.core.kinds import ANIMATIC_MODEL
from studio.engine.registry import Registry

CLIP_LIMIT = 77  # CLIP's text encoder: 75 prompt tokens, with the start and end tokens
LONG_WORD = 10  # an estimated word takes one more token for each this many letters past the first
NO_LIMIT = 100_000  # a tokenizer's model_max_length this large means it sets none
_PIECES = re.compile(r"[^\W\d_]+|\d|[^\w\s]")  # words, single digits, punctuation marks


def estimate_tokens(text: str) -> int:
    """The tokens CLIP's byte-pair tokenizer makes of ``text``, estimated: one per common word,
    one more per :data:`LONG_WORD` letters of a long word after its first ("photorealistic" is
    two), one per digit and per punctuation mark, plus the start and end tokens. A guess that
    follows CLIP's splitting of English prompts; rare words and other scripts take more."""
    pieces = _PIECES.findall(text)
    return 2 + sum(1 + (len(p) - 1) // LONG_WORD for p in pieces)


@dataclass(frozen=True)
class TokenCount:
    """A prompt's ``tokens`` against the encoder's ``limit`` (None: none); ``exact`` when a
    tokenizer counted them, else estimated."""

    tokens: int
    limit: int | None
    exact: bool

    @property
    def over(self) -> bool:
        """Whether the encoder cuts the prompt short."""
        return self.limit is not None and self.tokens > self.limit

    def __str__(self) -> str:
        """ "42 / 77 tokens", "≈ 42 / 77 tokens" for an estimate, "42 tokens" without a limit."""
        limit = f" / {self.limit}" if self.limit is not None else ""
        return f"{'' if self.exact else '≈ '}{self.tokens}{limit} tokens"


@dataclass(frozen=True)
class PromptCounter:
    """Counts prompts with ``tokenizer`` (a loaded transformers tokenizer), or estimates them
    when it is None. ``problem``: why a model's tokenizer is not the one counting."""

    tokenizer: Any = None
    limit: int | None = CLIP_LIMIT
    problem: str = ""

    def count(self, text: str) -> TokenCount:
        if self.tokenizer is None:
            return TokenCount(estimate_tokens(text), self.limit, exact=False)
        ids = self.tokenizer(text, truncation=False, verbose=False)["input_ids"]
        return TokenCount(len(ids), self.limit, exact=True)


ESTIMATE = PromptCounter()


def tokenizer_folder(registry: Registry, model: str) -> Path | None:
    """The ``tokenizer/`` folder of the installed ``model`` (None: not installed, or none)."""
    try:
        entry = registry.get(model)
    except KeyError:
        return None
    folder = entry.path / "tokenizer"
    return folder if folder.is_dir() else None


def counter_for(
    model: str, models_dir: Path | None = None, registry: Registry | None = None
) -> PromptCounter:
    """The counter for prompts to ``model`` ("" or the animatic: the estimate), from
    ``registry`` when it lists the model, else from the models folder read now. Slow the
    first time for each model: call it off the GUI thread."""
    if not model or model == ANIMATIC_MODEL:
        return ESTIMATE
    if registry is None or model not in registry.names():
        from studio.app.models import scan_models

        registry = scan_models(models_dir)
    folder = tokenizer_folder(registry, model)
    if folder is None:
        return PromptCounter(problem=f"{model} has no tokenizer folder: the count is estimated")
    return load_counter(folder)


@lru_cache(maxsize=8)
def load_counter(folder: Path) -> PromptCounter:
    """The counter of the tokenizer saved in ``folder`` (loaded once; the estimate, with the
    reason, when it cannot be read)."""
    try:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except Exception as exc:  # any unreadable tokenizer: the estimate still counts
        return PromptCounter(problem=f"cannot read the tokenizer in {folder}: {exc}")
    limit = getattr(tokenizer, "model_max_length", None)
    usable = isinstance(limit, int) and 0 < limit < NO_LIMIT
    return PromptCounter(tokenizer, limit if usable else None)
