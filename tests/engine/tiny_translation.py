"""Tiny random-weight translation models built in code for tests: nothing is ever downloaded.

``save_tiny_marian(folder, source="en", target="es") -> Path``
    A ``MarianMTModel`` (1 encoder and 1 decoder layer, d_model 16) with a ``MarianTokenizer``
    whose SentencePiece models are trained here on a few lines, saved with ``save_pretrained``:
    an OPUS-MT model of the pair as the registry and the backend see one.

``save_tiny_m2m100(folder) -> Path``
    An ``M2M100ForConditionalGeneration`` of the same size with an ``M2M100Tokenizer`` (its 100
    language tokens included): a many-to-many model.

Their translations are nonsense, but deterministic. Building one takes well under a second once
transformers is imported.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

_LINES = [
    "You lied to me.", "Open the door.", "I'm just here for a delivery.", "Then deliver it.",
    "Te mentí.", "Abre la puerta.", "Solo vengo a entregar algo.", "Entonces entrégalo.",
]  # fmt: skip
_SIZE = {"d_model": 16, "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2,
         "decoder_attention_heads": 2, "encoder_ffn_dim": 32, "decoder_ffn_dim": 32,
         "max_position_embeddings": 128}  # fmt: skip


def _sentencepiece(prefix: Path) -> tuple[Path, list[str]]:
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_LINES * 5), model_prefix=str(prefix), vocab_size=60,
        hard_vocab_limit=False, model_type="unigram", character_coverage=1.0, bos_id=-1,
        eos_id=-1, pad_id=-1, unk_id=0, minloglevel=2,
    )  # fmt: skip
    model = prefix.with_suffix(".model")
    processor = spm.SentencePieceProcessor(model_file=str(model))
    return model, [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def save_tiny_marian(folder: Path, source: str = "en", target: str = "es") -> Path:
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    work = folder.with_name(folder.name + ".build")
    work.mkdir(parents=True, exist_ok=True)
    model, pieces = _sentencepiece(work / "spm")
    vocab = {"</s>": 0, "<unk>": 1, "<pad>": 2}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    (work / "vocab.json").write_text(json.dumps(vocab), "utf-8")
    with warnings.catch_warnings():  # "Recommended: pip install sacremoses" (not needed here)
        warnings.simplefilter("ignore", UserWarning)
        tokenizer = MarianTokenizer(str(model), str(model), str(work / "vocab.json"),
                                    source_lang=source, target_lang=target)  # fmt: skip
    config = MarianConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                          eos_token_id=tokenizer.eos_token_id,
                          decoder_start_token_id=tokenizer.pad_token_id, **_SIZE)  # fmt: skip
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    shutil.rmtree(work)
    return folder


def save_tiny_m2m100(folder: Path) -> Path:
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    work = folder.with_name(folder.name + ".build")
    work.mkdir(parents=True, exist_ok=True)
    model, pieces = _sentencepiece(work / "spm")
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    (work / "vocab.json").write_text(json.dumps(vocab), "utf-8")
    tokenizer = M2M100Tokenizer(str(work / "vocab.json"), str(model), src_lang="en",
                                tgt_lang="es")  # fmt: skip
    ids = [*tokenizer.get_vocab().values(), *tokenizer.lang_token_to_id.values()]
    config = M2M100Config(vocab_size=max(ids) + 1, pad_token_id=tokenizer.pad_token_id,
                          eos_token_id=tokenizer.eos_token_id, bos_token_id=0,
                          decoder_start_token_id=tokenizer.eos_token_id, **_SIZE)  # fmt: skip
    torch.manual_seed(0)
    M2M100ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    shutil.rmtree(work)
    return folder
