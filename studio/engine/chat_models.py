"""Chat models in the models folder: what the assistant runs.

A chat model is a transformers causal language model folder (``config.json`` naming a
``…ForCausalLM`` architecture) with a tokenizer and a chat template (``chat_template.jinja``, or
``chat_template`` in ``tokenizer_config.json``): Qwen2.5-Instruct, SmolLM2-Instruct and their
kind. Only ``.safetensors`` weights are loaded, and never a model that needs its own code
(``auto_map``: ``trust_remote_code``) — a folder from a stranger runs nothing.

The license comes from the model card's front matter (``README.md``: ``license: apache-2.0``),
as the Hugging Face Hub writes it; licenses that forbid commercial use are named as such.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from studio.engine import model_files as mf

CONFIG = "config.json"
TOKENIZER_CONFIG = "tokenizer_config.json"
TEMPLATE_FILE = "chat_template.jinja"
CARD = "README.md"
MAX_CONFIG = 4 << 20  # bytes of a config file read
MAX_CARD_HEAD = 64 << 10  # bytes of a model card read for its front matter
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json")
# Licenses that do not allow commercial use (the Hub's identifiers, and names model cards use).
NON_COMMERCIAL = ("-nc", "cc-by-nc", "noncommercial", "non-commercial", "research")
_LICENSE = re.compile(r"^license(?:_name)?\s*:\s*['\"]?([^'\"\n#]+?)['\"]?\s*$", re.MULTILINE)


def chat_family(path: Path, files: list[tuple[str, Path]], problems: list[str]) -> str | None:
    """The ``model_type`` of a chat model folder ("qwen2", "llama"…), with what stops it from
    loading added to ``problems``; None when ``path`` is not a causal language model."""
    config = read_json(path / CONFIG)
    if not isinstance(config, dict):
        return None
    architectures = config.get("architectures")
    if not isinstance(architectures, list) or not any(
        isinstance(a, str) and a.endswith("ForCausalLM") for a in architectures
    ):
        return None
    tokenizer = read_json(path / TOKENIZER_CONFIG)
    tokenizer = tokenizer if isinstance(tokenizer, dict) else {}
    names = {rel for rel, _ in files}
    if not (path / TEMPLATE_FILE).is_file() and not tokenizer.get("chat_template"):
        problems.append("no chat template: the assistant needs a chat (instruct) model")
    if not any(name in names for name in TOKENIZER_FILES):
        problems.append("no tokenizer files")
    if "auto_map" in config or "auto_map" in tokenizer:
        problems.append("needs its own Python code (trust_remote_code): never run")
    pickles = [rel for rel in names if mf.is_pickle(rel)]
    if pickles:
        problems.append(
            f"weights that are not .safetensors ({', '.join(sorted(pickles)[:3])}): "
            "chat models are loaded from .safetensors only"
        )
    family = config.get("model_type")
    return family if isinstance(family, str) else ""


def read_json(path: Path) -> Any:
    """A small JSON file's content; None when it is absent, too big or not JSON."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_CONFIG + 1)
    except OSError:
        return None
    if len(data) > MAX_CONFIG:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def card_license(folder: Path) -> str:
    """The license named in the model card's front matter ("" when there is none)."""
    try:
        with (folder / CARD).open("rb") as f:
            head = f.read(MAX_CARD_HEAD).decode("utf-8", "replace")
    except OSError:
        return ""
    if not head.startswith("---"):
        return ""
    end = head.find("\n---", 3)
    front = head[3 : end if end > 0 else len(head)]
    names = [m.strip() for m in _LICENSE.findall(front) if m.strip() and m.strip() != "other"]
    return names[-1][:64] if names else ""  # license_name (for "other") comes after license


def license_note(license_id: str) -> str:
    """What the user must know about ``license_id`` ("" for none worth saying)."""
    lowered = license_id.lower()
    if any(word in lowered for word in NON_COMMERCIAL):
        return f"{license_id}: non-commercial, not for a released series"
    return ""
