"""Translation models in the models folder: sequence-to-sequence transformers that machine-translate
dialogue, run in the worker (:mod:`studio.engine.backends.translation_model`).

Families: ``marian`` (OPUS-MT: one language pair per model, e.g. ``opus-mt-en-es``, or one source
and several targets chosen by a ``>>spa<<`` token), ``m2m100`` (any of its 100 languages to any)
and ``nllb`` (NLLB-200, M2M100's architecture with FLORES-200 codes such as ``spa_Latn``).
Folders are recognised by ``config.json`` (``model_type`` and architecture); only
``.safetensors`` weights are loaded, and never a model that needs its own code.

Licenses: a model card's own (``README.md`` front matter); NLLB-200 is CC-BY-NC 4.0 even where a
copied folder lost its card, and is named non-commercial wherever models are listed.
"""

from __future__ import annotations

import re
from pathlib import Path

from studio.engine import model_files as mf
from studio.engine.chat_models import CONFIG, TOKENIZER_CONFIG, read_json

ARCHITECTURES = {"marian": "MarianMTModel", "m2m_100": "M2M100ForConditionalGeneration"}
NLLB_LICENSE = "cc-by-nc-4.0"
_PAIR = re.compile(r"opus-mt-([a-z]{2,3})-([a-z]{2,3})$", re.IGNORECASE)
# FLORES-200 codes of the languages micro-drama studios dub into most (NLLB names languages so).
NLLB_CODES = {
    "ar": "arb_Arab", "de": "deu_Latn", "en": "eng_Latn", "es": "spa_Latn", "fil": "tgl_Latn",
    "fr": "fra_Latn", "he": "heb_Hebr", "hi": "hin_Deva", "id": "ind_Latn", "it": "ita_Latn",
    "ja": "jpn_Jpan", "ko": "kor_Hang", "ms": "zsm_Latn", "pt": "por_Latn", "ru": "rus_Cyrl",
    "th": "tha_Thai", "tl": "tgl_Latn", "tr": "tur_Latn", "vi": "vie_Latn", "zh": "zho_Hans",
    "zh-Hans": "zho_Hans", "zh-Hant": "zho_Hant", "zh-TW": "zho_Hant", "zh-HK": "yue_Hant",
}  # fmt: skip


def translation_family(
    path: Path, files: list[tuple[str, Path]], problems: list[str]
) -> str | None:
    """``marian``, ``m2m100`` or ``nllb`` for a translation model folder (what stops it from
    loading added to ``problems``); None when ``path`` is not one."""
    config = read_json(path / CONFIG)
    if not isinstance(config, dict):
        return None
    model_type = config.get("model_type")
    architectures = config.get("architectures")
    if model_type not in ARCHITECTURES or not isinstance(architectures, list):
        return None
    if ARCHITECTURES[model_type] not in architectures:
        return None
    tokenizer = read_json(path / TOKENIZER_CONFIG)
    tokenizer = tokenizer if isinstance(tokenizer, dict) else {}
    if "auto_map" in config or "auto_map" in tokenizer:
        problems.append("needs its own Python code (trust_remote_code): never run")
    pickles = sorted(rel for rel, _ in files if mf.is_pickle(rel))
    if pickles:
        problems.append(
            f"weights that are not .safetensors ({', '.join(pickles[:3])}): translation models "
            "are loaded from .safetensors only"
        )
    if model_type == "marian":
        return "marian"
    kind = str(tokenizer.get("tokenizer_class", ""))
    return "nllb" if kind.startswith("Nllb") or "nllb" in path.name.lower() else "m2m100"


def implied_license(family: str) -> str:
    """The license a family always has, for a folder whose card does not say ("" if none)."""
    return NLLB_LICENSE if family == "nllb" else ""


def marian_pair(path: Path) -> tuple[str, str]:
    """A Marian model's (source, target) languages, from its tokenizer config or its name
    (``opus-mt-en-es``); ("", "") when neither says."""
    tokenizer = read_json(path / TOKENIZER_CONFIG)
    if isinstance(tokenizer, dict):
        source, target = tokenizer.get("source_lang"), tokenizer.get("target_lang")
        if isinstance(source, str) and isinstance(target, str) and source and target:
            return source, target
    found = _PAIR.search(path.name)
    return (found.group(1).lower(), found.group(2).lower()) if found else ("", "")


def model_language(tag: str, family: str) -> str:
    """The code ``family`` names the language ``tag`` by (BCP 47 in): ``es`` for M2M100 and
    Marian, ``spa_Latn`` for NLLB; "" when NLLB's table does not know it."""
    if family == "nllb":
        return NLLB_CODES.get(tag) or NLLB_CODES.get(tag.split("-")[0], "")
    return tag.split("-")[0].lower()
