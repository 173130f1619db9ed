"""What a diffusers folder's ``model_index.json`` says: which pipeline class, hence which kind
of model and family, and which components it names (each checked to be there, with weights,
and loadable without code from outside diffusers and transformers).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.core.kinds import PIPELINE_KINDS, ModelKind
from studio.engine import model_files as mf

CODE_LIBRARIES = ("diffusers", "transformers")  # components from anything else need custom code
T2I, I2V, T2V = PIPELINE_KINDS
PIPELINES: dict[str, tuple[ModelKind, str]] = {
    "StableDiffusionPipeline": (T2I, "sd15"),
    "StableDiffusionXLPipeline": (T2I, "sdxl"),
    "FluxPipeline": (T2I, "flux"),
    "StableDiffusion3Pipeline": (T2I, "sd3"),
    "StableVideoDiffusionPipeline": (I2V, "svd"),
    "LTXImageToVideoPipeline": (I2V, "ltx"),
    "LTXConditionPipeline": (I2V, "ltx"),
    "WanImageToVideoPipeline": (I2V, "wan"),
    "CogVideoXImageToVideoPipeline": (I2V, "cogvideox"),
    "LTXPipeline": (T2V, "ltx"),
    "WanPipeline": (T2V, "wan"),
    "CogVideoXPipeline": (T2V, "cogvideox"),
}
# For classes outside the table: the family by name prefix (longest first), for information.
FAMILY_PREFIXES = (
    ("StableDiffusionXL", "sdxl"),
    ("StableDiffusion3", "sd3"),
    ("StableVideoDiffusion", "svd"),
    ("StableDiffusion", "sd15"),
    ("Flux", "flux"),
    ("LTX", "ltx"),
    ("Wan", "wan"),
    ("CogVideoX", "cogvideox"),
)


def pipeline_facts(
    path: Path, files: list[tuple[str, Path]], problems: list[str]
) -> tuple[ModelKind, str, str, tuple[str, ...]]:
    """(kind, family, pipeline class, pickle-only weights) of a diffusers folder."""
    try:
        index = json.loads((path / mf.MODEL_INDEX).read_text(encoding="utf-8"))
        if not isinstance(index, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        problems.append(f"{mf.MODEL_INDEX} is unreadable: {mf.one_line(exc)}")
        return ModelKind.UNKNOWN, "", "", ()
    class_name = index.get("_class_name")
    if not isinstance(class_name, str):
        problems.append(f"{mf.MODEL_INDEX} names no pipeline class (custom pipeline code?)")
        class_name = ""
    kind, family = PIPELINES.get(class_name, (ModelKind.UNKNOWN, ""))
    if kind == ModelKind.UNKNOWN:
        family = next((f for pre, f in FAMILY_PREFIXES if class_name.startswith(pre)), "")
        if class_name:
            problems.append(f"pipeline class {class_name} is not one the studio can run")
    if family == "sd15" and _cross_attention_dim(path) == 1024:
        family = "sd2"
    pickles: list[str] = []
    for component, spec in index.items():
        if component.startswith("_") or not _names_component(spec):
            continue
        if spec[0] not in CODE_LIBRARIES:
            problems.append(f"component {component} needs code from {spec[0]!r} (never run)")
        if not (path / component).is_dir():
            problems.append(f"component folder {component}/ named in {mf.MODEL_INDEX} is missing")
            continue
        pickles += _component_problems(component, files, problems)
    for rel, file in files:
        if mf.is_config(rel) and (problem := mf.json_problem(rel, file)):
            problems.append(problem)
    return kind, family, class_name, tuple(pickles)


def _component_problems(
    component: str, files: list[tuple[str, Path]], problems: list[str]
) -> list[str]:
    """Problems of one component folder; returns its weights when they are pickles only."""
    inside = [rel for rel, _ in files if rel.startswith(component + "/")]
    weights = [rel for rel in inside if mf.is_weight(rel)]
    if f"{component}/config.json" in inside and not weights:
        problems.append(f"component {component}/ has no weight files")
    if weights and all(mf.is_pickle(rel) for rel in weights):
        return weights
    return []


def _names_component(spec: Any) -> bool:
    return isinstance(spec, list) and len(spec) == 2 and all(isinstance(s, str) for s in spec)


def _cross_attention_dim(path: Path) -> int | None:
    try:
        config = json.loads((path / "unet" / "config.json").read_text(encoding="utf-8"))
        return int(config["cross_attention_dim"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
