"""The assistant on this CPU: tokens per second, seconds per 30-shot episode of prompts, and the
share of decoding spent in the JSON-schema constraints (goal: ≤ 10 %).

Two random-weight Qwen2 chat models, built here and saved with save_pretrained (nothing is
downloaded), run through the backend the worker runs (:mod:`studio.engine.backends.language_model`):

- tiny: the tests' model (2 layers, hidden 32, a 400-token vocabulary): the forward pass costs
  almost nothing, so this is the worst case for the constraints' share;
- qwen0.5b-shape (``--real``): Qwen2.5-0.5B-Instruct's shape (24 layers, hidden 896, 151,936
  tokens; a synthesized byte-level vocabulary of that size, so the masks are as large as the real
  model's). Slow on a CPU: ``--real-shots`` shots (default 3), scaled to 30 in the report.

Random weights write until the schema's length bounds (300 characters a prompt): the token counts
are a worst case. Each model is loaded, and the schema's index built, before timing (both are
reported). Reports; does not assert.

    .venv/bin/python bench/assist.py [--shots 30] [--real] [--real-shots 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "engine")]

from tiny_chat import CHATML, save_tiny_chat  # noqa: E402

from studio.core.assist import AssistTask, ShotInput  # noqa: E402
from studio.core.text_requests import AssistRequest  # noqa: E402
from studio.engine.backends.base import RunContext  # noqa: E402
from studio.engine.backends.language_model import LanguageModelBackend  # noqa: E402
from studio.engine.registry import scan  # noqa: E402

HEADINGS = ("INT. LOBBY - NIGHT", "EXT. ROOF - NIGHT", "INT. CAR - DAY")


def shots(n: int) -> tuple[ShotInput, ...]:
    return tuple(
        ShotInput(f"sh-{i}", i, HEADINGS[i % 3], f"Maya crosses the room, beat {i}.",
                  ("MAYA: You lied to me.",), ("Maya: 24, courier jacket, wet hair",),
                  "medium shot, Maya, interior, lobby, night", 2.5)
        for i in range(1, n + 1)
    )  # fmt: skip


def save_real_shape(folder: Path) -> Path:
    """Qwen2.5-0.5B's shape with random weights and a synthesized 151,936-token vocabulary."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    alphabet = pre_tokenizers.ByteLevel.alphabet()
    vocab = {token: i for i, token in enumerate(sorted(alphabet))}
    rng = random.Random(0)
    letters = "abcdefghijklmnopqrstuvwxyzĠ,.'\""
    while len(vocab) < 151_643:
        token = "".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
        vocab.setdefault(token, len(vocab))
    bpe = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.add_special_tokens(["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>"
    )
    tokenizer.chat_template = CHATML
    config = Qwen2Config(vocab_size=151_936, hidden_size=896, intermediate_size=4864,
                         num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2,
                         max_position_embeddings=32768, tie_word_embeddings=True,
                         eos_token_id=tokenizer.eos_token_id)  # fmt: skip
    torch.manual_seed(0)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def measure(models: Path, name: str, n: int, label: str, scale_to: int) -> None:
    entry = scan(models).get(name)
    backend = LanguageModelBackend()
    out = models / "out.json"

    def run(count: int) -> dict:
        request = AssistRequest(
            episode=1, task=AssistTask.PROMPTS, model=name, model_hash=entry.hash,
            shots=shots(count), max_tokens=320,
        )  # fmt: skip
        ctx = RunContext(project_dir=models, models_dir=models, output=out, keyframe_output=None,
                         progress=lambda *a: None, cancelled=threading.Event().is_set)  # fmt: skip
        start = time.perf_counter()
        rendered = backend.run(request, ctx)
        return {**rendered.facts, "wall": time.perf_counter() - start,
                "load": rendered.timings.load}  # fmt: skip

    warm = run(1)  # loads the model and builds the schema's index
    facts = run(n)
    decode = facts["decode_seconds"] - facts["index_seconds"]
    forward = decode - facts["constraint_seconds"]
    per_token = decode / max(1, facts["tokens"])
    print(f"\n{label}")
    print(f"  load {warm['load']:.2f} s, schema index {warm['index_seconds'] * 1000:.0f} ms "
          "(once per model and schema)")  # fmt: skip
    print(f"  {n} shots: {facts['tokens']} tokens in {decode:.2f} s = "
          f"{facts['tokens'] / decode:.1f} tokens/s ({per_token * 1000:.1f} ms/token)")  # fmt: skip
    print(f"  per {scale_to}-shot episode: {decode / n * scale_to:.1f} s")
    share = facts["constraint_seconds"] / decode
    print(f"  constraints {facts['constraint_seconds']:.3f} s, forward and sampling "
          f"{forward:.2f} s: constraints are {share:.1%} of decoding (goal <= 10 %)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=30)
    parser.add_argument("--real", action="store_true", help="also Qwen2.5-0.5B's shape")
    parser.add_argument("--real-shots", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp)
        save_tiny_chat(models / "tiny-chat")
        measure(models, "tiny-chat", args.shots, "tiny (2 layers, hidden 32, 400 tokens)",
                args.shots)  # fmt: skip
        if args.real:
            save_real_shape(models / "qwen-shape")
            measure(models, "qwen-shape", args.real_shots,
                    "Qwen2.5-0.5B shape (random weights, 151,936 tokens)", 30)  # fmt: skip


if __name__ == "__main__":
    main()
