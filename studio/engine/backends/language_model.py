"""The assistant as the worker runs it: a chat model from the models folder answers an
:class:`~studio.core.request.AssistRequest`, each answer held to its task's JSON schema.

The model stays loaded between requests (one at a time: loading another frees it). Answers are
decoded greedily at temperature 0, else sampled from the request's seed (answer ``i`` from
``seed + i``), so a request gives the same answers again on the same device. The result is one
JSON file (:data:`FORMAT`) holding the request it answers, the answers and how long the decoding
took, written to the take's temporary name like any other output.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from studio.core.assist import AssistTask, answer_problem, schema_text, task_messages
from studio.core.kinds import ModelKind
from studio.core.result import Rendered, Timings
from studio.core.text_requests import AssistRequest
from studio.engine.backends.base import BackendError, Cancelled, RunContext
from studio.engine.model_lookup import installed_model
from studio.engine.registry import ModelEntry

FORMAT = "micro-drama-studio/assist"
FORMAT_VERSION = 1


class LanguageModelBackend:
    name = "language-model"

    def __init__(self) -> None:
        self._loaded: tuple[str, str] | None = None  # (path, hash) of the warm model
        self._model: Any = None
        self._tokenizer: Any = None
        self._indexes: Any = None

    def run(self, request: AssistRequest, ctx: RunContext) -> Rendered:
        start = time.perf_counter()
        entry = installed_model(ctx.models_dir, request.model, request.model_hash, ModelKind.CHAT)
        load = self._load(entry, ctx.device)
        answers: list[Any] = []
        tokens = 0
        constraint = 0.0
        total = len(request.shots) if request.task is AssistTask.PROMPTS else 1
        decode_start = time.perf_counter()
        built = self._indexes.build_seconds
        for i in range(total):
            previous = tuple(a["prompt"] for a in answers)
            messages = task_messages(request.task, request.title, request.shots, previous)
            answer, used, spent = self._answer(request, messages, request.seed + i, ctx)
            problem = answer_problem(request.task, answer, len(request.shots))
            if problem:  # the schema should make this impossible: say so rather than store it
                raise BackendError(f"the model's answer does not fit the task ({problem})")
            answers.append(answer)
            tokens += used
            constraint += spent
            ctx.progress(i + 1, total, None)
        decode = time.perf_counter() - decode_start
        index = self._indexes.build_seconds - built  # 0 when the schema's index was kept
        stats = {"tokens": tokens, "decode_seconds": decode, "constraint_seconds": constraint,
                 "index_seconds": index}  # fmt: skip
        _write(ctx.output, request, answers, stats)
        gpu = decode if ctx.device.startswith("cuda") else 0.0
        timings = Timings(load=load, denoise=decode, gpu=gpu)
        facts = {**stats, "seconds": time.perf_counter() - start}
        return Rendered(width=0, height=0, frames=0, fps="", timings=timings, facts=facts)

    def _load(self, entry: ModelEntry, device: str) -> float:
        key = (str(entry.path), entry.hash)
        if self._loaded == key:
            return 0.0
        start = time.perf_counter()
        self._model = self._tokenizer = self._indexes = self._loaded = None
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from studio.engine.json_decoding import SchemaIndexes

        dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
        try:
            tokenizer = AutoTokenizer.from_pretrained(
                str(entry.path), local_files_only=True, trust_remote_code=False
            )
            model = AutoModelForCausalLM.from_pretrained(
                str(entry.path),
                dtype=dtype,
                use_safetensors=True,
                local_files_only=True,
                trust_remote_code=False,
            )
        except (OSError, ValueError) as exc:
            raise BackendError(f"{entry.name} failed to load: {_one_line(exc)}") from exc
        if tokenizer.eos_token_id is None:
            raise BackendError(f"{entry.name}: its tokenizer names no end-of-text token")
        self._model = model.to(device).eval()
        self._tokenizer = tokenizer
        self._indexes = SchemaIndexes(tokenizer)
        self._loaded = key
        return time.perf_counter() - start

    def _answer(
        self, request: AssistRequest, messages: list[dict[str, str]], seed: int, ctx: RunContext
    ) -> tuple[Any, int, float]:
        """One answer: (parsed JSON, tokens written, seconds spent in the constraints)."""
        import torch
        from transformers import GenerationConfig, StoppingCriteria, StoppingCriteriaList

        from studio.engine.json_decoding import SchemaMask

        tokenizer, model = self._tokenizer, self._model
        inputs = tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        ).to(model.device)
        prompt_length = inputs["input_ids"].shape[1]
        index = self._indexes.index(schema_text(request.task, len(request.shots)))
        mask = SchemaMask(index, prompt_length)

        class Stop(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                return bool(ctx.cancelled())

        sampling = request.temperature > 0
        config = GenerationConfig(
            max_new_tokens=request.max_tokens,
            do_sample=sampling,
            temperature=request.temperature if sampling else None,
            top_p=None,
            top_k=None,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
        )
        torch.manual_seed(seed)
        with torch.inference_mode():
            out = model.generate(
                **inputs,
                generation_config=config,
                logits_processor=[mask],
                stopping_criteria=StoppingCriteriaList([Stop()]),
            )
        if ctx.cancelled():
            raise Cancelled
        written = out[0, prompt_length:].tolist()
        if written and written[-1] == tokenizer.eos_token_id:
            written = written[:-1]
        text = tokenizer.decode(written, skip_special_tokens=True)
        if not mask.finished:
            raise BackendError(
                f"the model had not finished its answer after {request.max_tokens} tokens "
                "(ask for more with --max-tokens)"
            )
        try:
            return json.loads(text), len(written), mask.seconds
        except ValueError as exc:
            raise BackendError(f"the model's answer is not JSON: {_one_line(exc)}") from exc


def _write(path: Path, request: AssistRequest, answers: list[Any], stats: dict[str, Any]) -> None:
    data = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "request": request.to_json(),
        "shots": [shot.shot_id for shot in request.shots],
        "answers": answers,
        "stats": stats,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
