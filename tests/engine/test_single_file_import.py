"""Importing an original-format ("LDM") SD 1.5 checkpoint really converts it: tiny-sd15 is
written as one ``.safetensors`` file (``ldm_checkpoint.py``), imported with ``import_model`` and
with ``studio models import``, and the converted folder holds the same weights and draws the same
pixels as the pipeline the file came from.

``--config`` is a second tiny-sd15 built from another seed: the same layout, other weights. A
component diffusers took from the config folder instead of the checkpoint would show.

The tiny checkpoint's family cannot be told from its tensors (``checkpoint_family`` looks for
cross-attention at ``input_blocks.1.1`` with a 768-wide context; the tiny UNet has none on its first
level and a 32-wide context), so the family is given, as a user would with ``--family sd15``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ldm_checkpoint import CLIP_PREFIX, UNET_PREFIX, VAE_PREFIX, write_ldm_checkpoint
from tiny_pipelines import SIZE, TINY_SD15, draw, save_tiny_sd15

from studio.core.kinds import ModelKind
from studio.engine import model_files as mf
from studio.engine.model_install import import_model
from studio.engine.registry import ModelEntry, load_pipeline, scan

OTHER_SD15 = "other-sd15"  # the --config folder: tiny-sd15's layout, another seed's weights
COMPONENTS = ("unet", "vae", "text_encoder")
CONFIGS = (
    "model_index.json",
    "unet/config.json",
    "vae/config.json",
    "text_encoder/config.json",
    "scheduler/scheduler_config.json",
)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of tiny-sd15 (seed 0) and other-sd15 (seed 1). Read-only."""
    root = tmp_path_factory.mktemp("sources")
    save_tiny_sd15(root / TINY_SD15, seed=0)
    save_tiny_sd15(root / OTHER_SD15, seed=1)
    return root


@pytest.fixture(scope="module")
def checkpoint(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny-sd15 as one original-layout checkpoint. Read-only."""
    out = tmp_path_factory.mktemp("checkpoints") / f"{TINY_SD15}.safetensors"
    return write_ldm_checkpoint(sources / TINY_SD15, out)


@pytest.fixture(scope="module")
def converted(
    sources: Path, checkpoint: Path, tmp_path_factory: pytest.TempPathFactory
) -> ModelEntry:
    """The checkpoint, imported by ``import_model`` into a models folder of its own."""
    models = tmp_path_factory.mktemp("models")
    return import_model(
        checkpoint, models, name="converted", family="sd15", config=sources / OTHER_SD15
    )


def weights(folder: Path, component: str) -> dict[str, Any]:
    from safetensors.torch import load_file

    (file,) = (folder / component).glob("*.safetensors")
    return load_file(str(file))


def test_the_checkpoint_has_the_original_layout(sources, checkpoint):
    header = mf.safetensors_header(checkpoint)
    keys = [k for k in header if k != "__metadata__"]
    by_prefix = {
        prefix: [k for k in keys if k.startswith(prefix)]
        for prefix in (UNET_PREFIX, VAE_PREFIX, CLIP_PREFIX)
    }
    expected = {"unet": UNET_PREFIX, "vae": VAE_PREFIX, "text_encoder": CLIP_PREFIX}
    for component, prefix in expected.items():
        assert len(by_prefix[prefix]) == len(weights(sources / TINY_SD15, component))
    rest = set(keys) - {k for found in by_prefix.values() for k in found}
    assert rest == {"betas", "alphas_cumprod", "alphas_cumprod_prev"}

    def shape(key: str) -> list[int]:
        return header[key]["shape"]

    unet = UNET_PREFIX
    assert shape(f"{unet}input_blocks.0.0.weight") == [32, 4, 3, 3]  # conv_in
    assert shape(f"{unet}input_blocks.2.0.op.weight") == [32, 32, 3, 3]  # level 0's downsampler
    assert shape(f"{unet}input_blocks.3.0.skip_connection.weight") == [64, 32, 1, 1]
    assert shape(f"{unet}input_blocks.3.1.transformer_blocks.0.attn2.to_k.weight") == [64, 32]
    assert shape(f"{unet}middle_block.1.proj_in.weight") == [64, 64, 1, 1]
    assert shape(f"{unet}middle_block.2.emb_layers.1.weight") == [64, 128]
    assert shape(f"{unet}output_blocks.1.2.conv.weight") == [64, 64, 3, 3]  # after attention
    assert shape(f"{unet}out.2.weight") == [4, 32, 3, 3]
    assert not any("input_blocks.1.1." in k for k in keys)  # level 0 has no attention
    assert shape(f"{VAE_PREFIX}encoder.mid.attn_1.q.weight") == [64, 64, 1, 1]
    assert shape(f"{VAE_PREFIX}decoder.mid.attn_1.proj_out.weight") == [64, 64, 1, 1]
    assert shape(f"{VAE_PREFIX}decoder.up.1.upsample.conv.weight") == [64, 64, 3, 3]
    assert shape(f"{VAE_PREFIX}encoder.down.1.block.0.nin_shortcut.weight") == [64, 32, 1, 1]
    assert shape(f"{CLIP_PREFIX}embeddings.position_embedding.weight") == [77, 32]
    assert not any(".down_blocks." in k or ".resnets." in k for k in keys)
    assert not mf.looks_like_lora(keys) and not mf.looks_like_ip_adapter(keys)
    assert mf.main_dtype(checkpoint) == "F32"


def test_import_converts_back_to_the_same_weights(sources, converted):
    import torch

    assert converted.name == "converted"
    assert (converted.kind, converted.family, converted.pipeline_class) == (
        ModelKind.TEXT_TO_IMAGE,
        "sd15",
        "StableDiffusionPipeline",
    )
    assert converted.safetensors_only and converted.problems == [] and not converted.pickle_files
    files = [p for p in converted.path.rglob("*") if p.is_file()]
    assert not [p for p in files if mf.is_pickle(p.name)]
    assert not [p for p in converted.path.parent.iterdir() if p.name.startswith(".importing-")]

    listed = scan(converted.path.parent)
    assert listed.names() == ["converted"]
    again = listed.get("converted")
    assert (again.kind, again.family, again.problems) == (ModelKind.TEXT_TO_IMAGE, "sd15", [])
    assert again.safetensors_only and again.hash == converted.hash

    original = sources / TINY_SD15
    for component in COMPONENTS:
        before, after = weights(original, component), weights(converted.path, component)
        assert sorted(after) == sorted(before), component
        changed = [k for k in before if not torch.equal(before[k], after[k])]
        assert changed == [], component
    for rel in CONFIGS:
        assert json.loads((converted.path / rel).read_text()) == json.loads(
            (original / rel).read_text()
        ), rel


def test_the_converted_pipeline_draws_the_same_pixels(sources, converted):
    import numpy as np
    import torch

    def render(entry: ModelEntry, seed: int = 7) -> np.ndarray:
        return draw(load_pipeline(entry, torch_dtype=torch.float32), seed)

    installed = scan(sources)
    image = render(converted)
    assert image.shape == (SIZE, SIZE, 3)
    np.testing.assert_allclose(image, render(installed.get(TINY_SD15)), rtol=0, atol=1e-5)
    other = render(installed.get(OTHER_SD15))  # the --config folder's own weights
    assert np.abs(image - other).max() > 1e-3


@pytest.mark.slow  # a fresh interpreter imports torch and diffusers (~7 s)
def test_the_cli_imports_the_checkpoint(sources, checkpoint, converted, tmp_path):
    models = tmp_path / "models"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio",
            "models",
            "import",
            str(checkpoint),
            "--name",
            "converted",
            "--family",
            "sd15",
            "--config",
            str(sources / OTHER_SD15),
            "--models-dir",
            str(models),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if k != "STUDIO_DEBUG"},
            "PYTHONIOENCODING": "utf-8",
        },
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["name"] == "converted" and data["path"] == str((models / "converted").absolute())
    assert (data["kind"], data["family"], data["pipeline_class"]) == (
        "text-to-image",
        "sd15",
        "StableDiffusionPipeline",
    )
    assert data["safetensors_only"] is True and data["problems"] == []
    assert data["hash"] == converted.hash  # the same files as the in-process import wrote
    assert data == scan(models).get("converted").to_json()


def test_an_inpainting_checkpoint_is_refused_clearly(checkpoint, tmp_path):
    from safetensors.torch import load_file, save_file

    from studio.engine.registry import ModelError

    tensors = load_file(str(checkpoint))
    conv_in = tensors[mf.UNET_CONV_IN_KEY]
    assert conv_in.shape[1] == 4 and mf.checkpoint_in_channels(checkpoint) == 4
    tensors[mf.UNET_CONV_IN_KEY] = conv_in.repeat(1, 3, 1, 1)[:, :9].contiguous()  # inpainting
    inpaint = tmp_path / "inpaint.safetensors"
    save_file(tensors, str(inpaint))
    models = tmp_path / "models"
    with pytest.raises(ModelError, match=r"is an inpainting checkpoint .*9 input channels"):
        import_model(inpaint, models, name="inpaint", family="sd15")
    assert not (models / "inpaint").exists()
