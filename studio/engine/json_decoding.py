"""Decoding held to a JSON schema: every answer the assistant writes parses.

The schema becomes a regular expression, and the regular expression an index over the model's
vocabulary (``outlines-core``: which tokens may follow in each state). While the model decodes,
:class:`SchemaMask` lets through only the tokens the index allows, and the end-of-text token
only where the JSON is complete. The index is built once per (vocabulary, schema) and kept.

Why outlines-core: the index is compiled ahead (a token mask is a table lookup, so constraints
cost little beside the model's forward pass), it is a Rust wheel with no dependencies (no
triton, as xgrammar needs; no disk cache or Jinja, as the outlines package brings), and its
masks are exact for byte-level vocabularies (Qwen2, SmolLM2, Llama 3) and SentencePiece ones.
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from typing import Any

import numpy as np

# What a schema's free whitespace may be: none. A weak model would otherwise pad with spaces.
WHITESPACE = r"[ ]?"
_INDEX_CACHE = 8


def token_bytes(tokenizer: Any) -> dict[bytes, list[int]]:
    """Every ordinary token of ``tokenizer`` as the bytes it writes (special tokens left out)."""
    special = set(tokenizer.all_special_ids)
    byte_level = _is_byte_level(tokenizer)
    decode = _byte_decoder()
    found: dict[bytes, list[int]] = {}
    for token, token_id in tokenizer.get_vocab().items():
        if token_id in special:
            continue
        if byte_level:
            if any(c not in decode for c in token):
                continue  # not a byte-level token (an added word): never produced here
            raw = bytes(decode[c] for c in token)
        elif len(token) == 6 and token.startswith("<0x") and token.endswith(">"):
            raw = bytes([int(token[3:5], 16)])  # SentencePiece byte fallback
        else:
            raw = token.replace("\u2581", " ").encode("utf-8")
        if raw:
            found.setdefault(raw, []).append(token_id)
    return found


def _is_byte_level(tokenizer: Any) -> bool:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return False
    decoder = type(backend.decoder).__name__ if backend.decoder is not None else ""
    return decoder == "ByteLevel" or "ByteLevel" in repr(backend.decoder)


@functools.cache
def _byte_decoder() -> dict[str, int]:
    """The byte-level BPE alphabet (GPT-2's): the printable character standing for each byte."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    chars = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars, strict=True)}


class SchemaIndexes:
    """The indexes of one model's vocabulary, by schema (the newest few kept)."""

    def __init__(self, tokenizer: Any) -> None:
        from outlines_core import Vocabulary

        self.eos = int(tokenizer.eos_token_id)
        self.vocabulary = Vocabulary(self.eos, token_bytes(tokenizer))
        self._indexes: OrderedDict[str, Any] = OrderedDict()
        self.build_seconds = 0.0

    def index(self, schema_text: str) -> Any:
        found = self._indexes.get(schema_text)
        if found is None:
            from outlines_core import Index
            from outlines_core.json_schema import build_regex_from_schema

            start = time.perf_counter()
            regex = build_regex_from_schema(schema_text, whitespace_pattern=WHITESPACE)
            found = Index(regex, self.vocabulary)
            self.build_seconds += time.perf_counter() - start
            self._indexes[schema_text] = found
            while len(self._indexes) > _INDEX_CACHE:
                self._indexes.popitem(last=False)
        self._indexes.move_to_end(schema_text)
        return found


class SchemaMask:
    """A transformers logits processor that allows only what continues valid JSON.

    ``seconds`` is the time it spent (the constraints' share of decoding); ``finished`` turns
    true once the JSON is complete."""

    def __init__(self, index: Any, prompt_length: int) -> None:
        from outlines_core import Guide

        self.guide = Guide(index)
        self.prompt_length = prompt_length
        self.seconds = 0.0
        self._bits: np.ndarray | None = None

    @property
    def finished(self) -> bool:
        return bool(self.guide.is_finished())

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        start = time.perf_counter()
        if input_ids.shape[1] > self.prompt_length:
            self.guide.advance(int(input_ids[0, -1]))
        size = scores.shape[-1]
        if self._bits is None:
            self._bits = np.zeros((size + 31) // 32, dtype=np.int32)
        self._bits[:] = 0
        self.guide.write_mask_into(self._bits.ctypes.data, self._bits.size, 4)
        allowed = np.unpackbits(self._bits.view(np.uint8), bitorder="little")[:size]
        blocked = torch.from_numpy(allowed == 0).to(scores.device)
        scores = scores.masked_fill(blocked, float("-inf"))
        self.seconds += time.perf_counter() - start
        return scores
