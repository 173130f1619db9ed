"""Machine translation as the worker runs it: a :class:`~studio.core.text_requests.TranslateRequest`
in, its lines translated by a Marian, M2M100 or NLLB model from the models folder, written as one
JSON file (:data:`FORMAT`) with the request that made it.

Greedy decoding (one beam, no sampling), in batches of :data:`BATCH` lines: the same request gives
the same text on the same device. The model stays loaded between episodes. transformers removed
its translation pipeline; this calls ``AutoModelForSeq2SeqLM.generate`` directly, as the model
cards show, choosing the target language the family's way (a ``>>xx<<`` token for multi-target
Marian models, the target's language token as the first generated one for M2M100 and NLLB).
"""

from __future__ import annotations

import json
import time
import warnings
from typing import Any

from studio.core.kinds import ModelKind
from studio.core.result import Rendered, Timings
from studio.core.text_requests import TranslateRequest
from studio.engine.backends.base import BackendError, Cancelled, RunContext
from studio.engine.model_lookup import installed_model
from studio.engine.registry import ModelEntry
from studio.engine.translation_models import marian_pair, model_language

FORMAT = "micro-drama-studio/translation"
FORMAT_VERSION = 1
BATCH = 16  # lines translated together


class TranslationModelBackend:
    name = "translation-model"

    def __init__(self) -> None:
        self._loaded: tuple[str, str] | None = None
        self._model: Any = None
        self._tokenizer: Any = None

    def run(self, request: TranslateRequest, ctx: RunContext) -> Rendered:
        entry = installed_model(ctx.models_dir, request.model, request.model_hash,
                                ModelKind.TRANSLATION)  # fmt: skip
        load = self._load(entry, ctx.device)
        prefix, forced = self._languages(entry, request)
        start = time.perf_counter()
        texts = [line.text for line in request.texts]
        out: list[str] = []
        for first in range(0, len(texts), BATCH):
            if ctx.cancelled():
                raise Cancelled
            out += self._batch([prefix + t for t in texts[first : first + BATCH]], forced, request)
            ctx.progress(min(first + BATCH, len(texts)), len(texts), None)
        seconds = time.perf_counter() - start
        lines = [
            {"shot_id": line.shot_id, "line": line.line, "text": text}
            for line, text in zip(request.texts, out, strict=True)
        ]
        data = {"format": FORMAT, "version": FORMAT_VERSION, "request": request.to_json(),
                "lines": lines, "stats": {"lines": len(lines), "seconds": seconds}}  # fmt: skip
        ctx.output.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        gpu = seconds if ctx.device.startswith("cuda") else 0.0
        timings = Timings(load=load, denoise=seconds, gpu=gpu)
        return Rendered(width=0, height=0, frames=0, fps="", timings=timings,
                        facts={"lines": len(lines), "seconds": seconds})  # fmt: skip

    def _load(self, entry: ModelEntry, device: str) -> float:
        key = (str(entry.path), entry.hash)
        if self._loaded == key:
            return 0.0
        start = time.perf_counter()
        self._model = self._tokenizer = self._loaded = None
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        try:
            with warnings.catch_warnings():  # Marian's "Recommended: pip install sacremoses"
                warnings.simplefilter("ignore", UserWarning)
                tokenizer = AutoTokenizer.from_pretrained(
                    str(entry.path), local_files_only=True, trust_remote_code=False
                )
            model = AutoModelForSeq2SeqLM.from_pretrained(
                str(entry.path), use_safetensors=True, local_files_only=True,
                trust_remote_code=False,
            )  # fmt: skip
        except (OSError, ValueError, ImportError) as exc:
            raise BackendError(f"{entry.name} failed to load: {_one_line(exc)}") from exc
        self._model, self._tokenizer = model.to(device).eval(), tokenizer
        self._loaded = key
        return time.perf_counter() - start

    def _languages(self, entry: ModelEntry, request: TranslateRequest) -> tuple[str, int | None]:
        """(text prefix, forced first token) that make the model write ``request.language``."""
        tokenizer, family = self._tokenizer, entry.family
        source = model_language(request.source_language, family)
        target = model_language(request.language, family)
        if family == "marian":
            pair = marian_pair(entry.path)
            vocab = tokenizer.get_vocab()
            picks = [f">>{code}<<" for code in (target, _iso3(target)) if f">>{code}<<" in vocab]
            if picks:
                return picks[0] + " ", None
            if pair != ("", "") and (pair[0] != source or pair[1] != target):
                raise BackendError(
                    f"{entry.name} translates {pair[0]} to {pair[1]}, not "
                    f"{request.source_language} to {request.language}: install an OPUS-MT "
                    f"model for that pair (opus-mt-{source}-{target}) or an M2M100 model"
                )
            return "", None
        if not target or not source:
            raise BackendError(f"{entry.name} ({family}) has no code for {request.language}")
        try:
            tokenizer.src_lang = source
            if family == "m2m100":
                token = tokenizer.get_lang_id(target)
            else:
                token = tokenizer.convert_tokens_to_ids(target)
        except KeyError:
            token = None
        if token is None or token == tokenizer.unk_token_id:
            raise BackendError(
                f"{entry.name} does not know {request.source_language} or {request.language}"
            )
        return "", int(token)

    def _batch(self, texts: list[str], forced: int | None, request: TranslateRequest) -> list[str]:
        import torch

        tokenizer, model = self._tokenizer, self._model
        positions = int(getattr(model.config, "max_position_embeddings", 512) or 512)
        inputs = tokenizer(texts, return_tensors="pt", padding=True, truncation=True,
                           max_length=min(512, positions)).to(model.device)  # fmt: skip
        longest = min(request.max_tokens, positions - 2)  # the decoder's positions, with its start
        options: dict[str, Any] = {"max_new_tokens": longest, "num_beams": 1, "do_sample": False}
        if forced is not None:
            options["forced_bos_token_id"] = forced
        with torch.inference_mode():
            out = model.generate(**inputs, **options)
        drop = set(tokenizer.all_special_ids) | ({forced} if forced is not None else set())
        drop |= set(getattr(tokenizer, "lang_token_to_id", {}).values())
        return [
            tokenizer.decode([t for t in row.tolist() if t not in drop],
                             skip_special_tokens=True).strip()
            for row in out
        ]  # fmt: skip


def _iso3(code: str) -> str:
    """Multi-target OPUS-MT models name targets by ISO 639-3 (``>>spa<<``) or 639-1."""
    from studio.core.language_codes import iso639_2

    try:
        return iso639_2(code)
    except ValueError:
        return code


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
