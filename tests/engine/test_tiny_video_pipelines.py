"""The tiny video / image pipelines of ``tiny_video_pipelines.py`` are real diffusers folders:
they load from disk offline, run on the CPU, give the documented shapes and are deterministic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tiny_video_pipelines import (
    ALL_MODELS,
    IMAGE_MODELS,
    SMOKE_SHAPES,
    build_video_models,
    missing_packages,
    smoke_inputs,
)

from studio.core.kinds import ModelKind
from studio.engine.registry import scan

EXPECTED = {  # name: (pipeline class, registry kind, family)
    "tiny-svd": ("StableVideoDiffusionPipeline", ModelKind.IMAGE_TO_VIDEO, "svd"),
    "tiny-ltx": ("LTXPipeline", ModelKind.TEXT_TO_VIDEO, "ltx"),
    "tiny-ltx-i2v": ("LTXImageToVideoPipeline", ModelKind.IMAGE_TO_VIDEO, "ltx"),
    "tiny-wan": ("WanPipeline", ModelKind.TEXT_TO_VIDEO, "wan"),
    "tiny-wan-i2v": ("WanImageToVideoPipeline", ModelKind.IMAGE_TO_VIDEO, "wan"),
    "tiny-sdxl": ("StableDiffusionXLPipeline", ModelKind.TEXT_TO_IMAGE, "sdxl"),
    "tiny-flux": ("FluxPipeline", ModelKind.TEXT_TO_IMAGE, "flux"),
    "tiny-sd3": ("StableDiffusion3Pipeline", ModelKind.TEXT_TO_IMAGE, "sd3"),
}


@pytest.fixture(scope="session")
def video_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every tiny pipeline, saved once per session (read-only: copy before changing)."""
    return build_video_models(tmp_path_factory.mktemp("video-models"))


def _load(path: Path) -> Any:
    from diffusers import DiffusionPipeline

    pipe = DiffusionPipeline.from_pretrained(path, local_files_only=True, use_safetensors=True)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _pixels(pipe: Any, name: str, seed: int) -> np.ndarray:
    out = pipe(**smoke_inputs(name, seed))
    return np.asarray(out.images if name in IMAGE_MODELS else out.frames)


def test_folders_are_safetensors_pipelines_the_registry_knows(video_models):
    assert sorted(video_models) == sorted(ALL_MODELS)
    root = next(iter(video_models.values())).parent
    entries = {entry.name: entry for entry in scan(root)}
    assert sorted(entries) == sorted(ALL_MODELS)
    for name, (pipeline_class, kind, family) in EXPECTED.items():
        folder = video_models[name]
        index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
        assert index["_class_name"] == pipeline_class
        assert list(folder.rglob("*.safetensors"))
        assert not [p for p in folder.rglob("*") if p.suffix in (".bin", ".pt", ".ckpt")]
        entry = entries[name]
        assert (entry.pipeline_class, entry.kind, entry.family) == (pipeline_class, kind, family)
        assert entry.safetensors_only and not entry.problems, (name, entry.problems)


@pytest.mark.parametrize("name", ALL_MODELS)
def test_loads_runs_and_is_deterministic(video_models, name):
    missing = missing_packages(name)
    if missing:
        pytest.skip(f"{name} needs {', '.join(missing)} (not installed)")
    pipe = _load(video_models[name])
    assert type(pipe).__name__ == EXPECTED[name][0]

    first = _pixels(pipe, name, seed=0)
    assert first.shape == SMOKE_SHAPES[name]
    assert first.dtype == np.float32
    assert np.isfinite(first).all()
    assert first.min() >= 0.0 and first.max() <= 1.0

    again = _pixels(pipe, name, seed=0)
    np.testing.assert_array_equal(first, again)  # same seed, same pixels
    other = _pixels(pipe, name, seed=1)
    assert not np.array_equal(first, other)  # the seed matters


def test_a_fresh_build_gives_identical_weights(video_models, tmp_path):
    # Seeded building: two builds of one model are byte-identical where it counts.
    again = build_video_models(tmp_path, names=("tiny-ltx",))["tiny-ltx"]
    for file in sorted(video_models["tiny-ltx"].rglob("*.safetensors")):
        twin = again / file.relative_to(video_models["tiny-ltx"])
        assert twin.read_bytes() == file.read_bytes(), file.name
