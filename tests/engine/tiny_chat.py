"""A tiny random-weight chat model built in code for tests: nothing is ever downloaded.

``save_tiny_chat(folder) -> Path``
    A Qwen2 causal language model (2 layers, hidden size 32, ~30 k parameters) with a byte-level
    BPE tokenizer trained in code on a few screenplay lines, a ChatML template and a model card
    naming its license (apache-2.0). Saved with ``save_pretrained`` (safetensors), it is what
    the registry lists as a ``chat`` model and what the assistant's backend loads. Its answers
    are nonsense, but the schema-held decoding makes them valid JSON every time.

Building takes about a second once transformers is imported.
"""

from __future__ import annotations

from pathlib import Path

TINY_CHAT = "tiny-chat"
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
_CORPUS = [
    "INT. KITCHEN - NIGHT",
    "Anna holds the letter. Marco lies about the money.",
    '{"prompt": "close-up, rain on the window, neon light, red coat"}',
    '{"hook": {"shot": 1, "text": "a slap"}, "turns": [], "cliffhanger": {"shot": 2}}',
    "The door opens. Nobody is there.",
]


def tiny_chat_tokenizer() -> object:
    """A byte-level BPE tokenizer (as Qwen2's) with ChatML special tokens, trained in code."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(_CORPUS * 10, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>"
    )
    tokenizer.chat_template = CHATML
    return tokenizer


def save_tiny_chat(folder: Path, seed: int = 0) -> Path:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = tiny_chat_tokenizer()
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(config)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# tiny chat\n", "utf-8")
    return folder
