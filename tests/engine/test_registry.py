"""The models folder: scanning, hashing, problems, loading and importing, on tiny real pipelines."""

import json
import os
import shutil
from pathlib import Path

import pytest
from tiny_pipelines import (
    HUB_REPO,
    HUB_REVISION,
    PICKLE_SD15,
    SIZE,
    TINY_IP_ADAPTER,
    TINY_LORA,
    TINY_SD15,
    UNKNOWN_CLASS,
    draw,
)

from studio.core.kinds import ModelKind
from studio.engine import model_files as mf
from studio.engine import model_install
from studio.engine import models_dir as md
from studio.engine.model_install import import_model
from studio.engine.registry import ModelError, load_pipeline, scan


@pytest.fixture
def own_copy(models_dir: Path, tmp_path: Path) -> Path:
    """A private copy of tiny-sd15 to break."""
    return Path(shutil.copytree(models_dir / TINY_SD15, tmp_path / "models" / TINY_SD15))


def test_scan_lists_every_layout(models_dir):
    registry = scan(models_dir)
    by_name = {e.name: e for e in registry}
    assert set(by_name) == {
        TINY_SD15,
        PICKLE_SD15,
        UNKNOWN_CLASS,
        TINY_LORA,
        TINY_IP_ADAPTER,
        HUB_REPO,
    }

    sd15 = by_name[TINY_SD15]
    assert (sd15.kind, sd15.family, sd15.pipeline_class) == (
        ModelKind.TEXT_TO_IMAGE,
        "sd15",
        "StableDiffusionPipeline",
    )
    assert sd15.path == (models_dir / TINY_SD15).absolute()
    assert sd15.safetensors_only and sd15.problems == []
    assert len(sd15.hash) == 64 and sd15.size > 0

    hub = by_name[HUB_REPO]
    assert hub.kind == ModelKind.TEXT_TO_IMAGE and hub.revision == HUB_REVISION
    assert hub.hash == sd15.hash  # the same files, so the same content hash

    pickle = by_name[PICKLE_SD15]
    assert not pickle.safetensors_only
    assert pickle.pickle_files == (
        "unet/diffusion_pytorch_model.bin",
        "vae/diffusion_pytorch_model.bin",
    )
    assert len(pickle.problems) == 1 and "refused by default" in pickle.problems[0]

    mystery = by_name[UNKNOWN_CLASS]
    assert mystery.kind == ModelKind.UNKNOWN and mystery.pipeline_class == "MysteryPipeline"
    assert any("MysteryPipeline is not one the studio can run" in p for p in mystery.problems)

    lora = by_name[TINY_LORA]
    assert lora.kind == ModelKind.LORA and lora.path.suffix == ".safetensors"
    assert lora.problems == []
    assert by_name[TINY_IP_ADAPTER].kind == ModelKind.IP_ADAPTER
    assert by_name[TINY_IP_ADAPTER].family == "sd15"  # from its name


def test_loose_files_and_a_top_level_hub_entry(models_dir, tmp_path):
    hub_repo = "models--" + HUB_REPO.replace("/", "--")
    shutil.copytree(models_dir / "hub" / hub_repo, tmp_path / hub_repo, symlinks=True)
    shutil.copy(models_dir / "loras" / f"{TINY_LORA}.safetensors", tmp_path / "loose.safetensors")
    (tmp_path / "gone.safetensors").symlink_to(tmp_path / "nowhere")
    (tmp_path / "README.md").write_text("not a model", encoding="utf-8")

    by_name = {e.name: e for e in scan(tmp_path)}
    assert set(by_name) == {HUB_REPO, "loose", "gone"}
    assert by_name[HUB_REPO].revision == HUB_REVISION and by_name[HUB_REPO].problems == []
    assert by_name["loose"].kind == ModelKind.LORA  # told by its tensor names
    assert by_name["gone"].problems[0].startswith("cannot be read")


def test_get_and_of_kind(models_dir):
    registry = scan(models_dir)
    assert registry.get(TINY_SD15).name == TINY_SD15
    with pytest.raises(KeyError) as caught:
        registry.get("sdxl-turbo")
    message = caught.value.args[0]
    assert "'sdxl-turbo'" in message and TINY_SD15 in message and TINY_LORA in message
    names = [e.name for e in registry.of_kind("text-to-image")]
    assert sorted(names) == sorted([TINY_SD15, PICKLE_SD15, HUB_REPO])
    assert [e.name for e in registry.of_kind(ModelKind.LORA)] == [TINY_LORA]


def test_an_absent_folder_holds_no_models(tmp_path):
    registry = scan(tmp_path / "nowhere")
    assert len(registry) == 0
    with pytest.raises(KeyError, match="installed: none"):
        registry.get("x")


def test_the_hash_is_cached_and_follows_the_weights(own_copy):
    first = scan(own_copy.parent).get(TINY_SD15).hash
    cache = own_copy / mf.HASH_CACHE
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert stored["entries"]["."]["hash"] == first

    stored["entries"]["."]["hash"] = "cached"  # a rescan of unchanged files reads the cache
    cache.write_text(json.dumps(stored), encoding="utf-8")
    assert scan(own_copy.parent).get(TINY_SD15).hash == "cached"

    weights = own_copy / "unet" / "diffusion_pytorch_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # same size, one byte of the weights changed
    weights.write_bytes(bytes(data))
    changed = scan(own_copy.parent).get(TINY_SD15).hash
    assert changed not in ("cached", first)

    data[-1] ^= 0xFF  # back as it was: the same hash as before, whatever the mtime says
    weights.write_bytes(bytes(data))
    assert scan(own_copy.parent).get(TINY_SD15).hash == first


def test_problems_of_broken_folders(own_copy):
    shutil.rmtree(own_copy / "vae")
    (own_copy / "unet" / "config.json").write_text("{not json", encoding="utf-8")
    broken_index = own_copy.parent / "broken-index"
    broken_index.mkdir()
    (broken_index / "model_index.json").write_text("[1,", encoding="utf-8")
    (own_copy.parent / "empty").mkdir()

    by_name = {e.name: e for e in scan(own_copy.parent)}
    problems = " | ".join(by_name[TINY_SD15].problems)
    assert "component folder vae/ named in model_index.json is missing" in problems
    assert "unet/config.json is unreadable" in problems
    assert by_name[TINY_SD15].kind == ModelKind.TEXT_TO_IMAGE  # still listed as what it is
    assert by_name["broken-index"].kind == ModelKind.UNKNOWN
    assert "model_index.json is unreadable" in by_name["broken-index"].problems[0]
    assert by_name["empty"].problems == [
        "no model_index.json: not a diffusers pipeline folder",
        "no weight files",
    ]
    with pytest.raises(ModelError, match="cannot be loaded: component folder vae/"):
        load_pipeline(by_name[TINY_SD15], torch_dtype=None)


def test_load_pipeline_runs_tiny_sd15_reproducibly(models_dir):
    import numpy as np
    import torch

    pipe = load_pipeline(scan(models_dir).get(TINY_SD15), torch_dtype=torch.float32)
    assert type(pipe).__name__ == "StableDiffusionPipeline"

    def render(seed: int) -> np.ndarray:
        return draw(pipe, seed)

    image = render(7)
    assert image.shape == (SIZE, SIZE, 3)
    assert np.array_equal(image, render(7))
    assert not np.array_equal(image, render(8))


def test_pickle_weights_are_refused_unless_allowed(models_dir):
    import torch

    entry = scan(models_dir).get(PICKLE_SD15)
    with pytest.raises(ModelError, match=f"studio models trust {PICKLE_SD15}") as caught:
        load_pipeline(entry, torch_dtype=torch.float32)
    assert "unet/diffusion_pytorch_model.bin" in str(caught.value)
    pipe = load_pipeline(entry, torch_dtype=torch.float32, allow_pickle=True)
    assert type(pipe).__name__ == "StableDiffusionPipeline"


def test_only_pipelines_load(models_dir):
    registry = scan(models_dir)
    with pytest.raises(ModelError, match=r"not a pipeline to run \(its kind: lora\)"):
        load_pipeline(registry.get(TINY_LORA), torch_dtype=None)
    with pytest.raises(ModelError, match=r"its kind: unknown"):
        load_pipeline(registry.get(UNKNOWN_CLASS), torch_dtype=None)


def test_import_a_folder_a_hub_entry_and_a_lora(models_dir, tmp_path):
    target = tmp_path / "installed"
    entry = import_model(models_dir / TINY_SD15, target, "hero")
    assert entry.name == "hero" and entry.path == (target / "hero").absolute()
    assert entry.hash == scan(models_dir).get(TINY_SD15).hash

    hub_repo = models_dir / "hub" / ("models--" + HUB_REPO.replace("/", "--"))
    from_hub = import_model(hub_repo, target)
    assert from_hub.name == "tiny-sd15-hub" and from_hub.problems == []
    assert not any(p.is_symlink() for p in from_hub.path.rglob("*"))  # copies, not links

    lora = import_model(models_dir / "loras" / f"{TINY_LORA}.safetensors", target)
    assert lora.kind == ModelKind.LORA and lora.path == (target / "loras" / "tiny-lora.safetensors")

    assert sorted(scan(target).names()) == ["hero", "tiny-lora", "tiny-sd15-hub"]
    with pytest.raises(ModelError, match="'hero' is already installed"):
        import_model(models_dir / TINY_SD15, target, "hero")
    with pytest.raises(ModelError, match="'tiny-lora' is already installed"):
        import_model(models_dir / "loras" / f"{TINY_LORA}.safetensors", target)


def test_a_failed_import_leaves_nothing(models_dir, tmp_path, monkeypatch):
    def copy_then_fail(source: Path, temp: Path) -> None:
        shutil.copytree(source, temp)
        raise OSError("disk full")

    monkeypatch.setattr(model_install, "_copy_folder", copy_then_fail)
    target = tmp_path / "installed"
    with pytest.raises(OSError, match="disk full"):
        import_model(models_dir / TINY_SD15, target)
    assert os.listdir(target) == []


def test_import_refuses_what_is_not_a_model(models_dir, tmp_path):
    target = tmp_path / "installed"
    with pytest.raises(ModelError, match=r"no model_index\.json"):
        import_model(models_dir / "loras", target)
    with pytest.raises(ModelError, match="pickle file"):
        import_model(models_dir / PICKLE_SD15 / "unet" / "diffusion_pytorch_model.bin", target)
    with pytest.raises(ModelError, match="no such file"):
        import_model(tmp_path / "missing.safetensors", target)
    with pytest.raises(ModelError, match="cannot name a model"):
        import_model(models_dir / TINY_SD15, target, "../escape")
    with pytest.raises(ModelError, match="cannot name a model"):
        import_model(models_dir / TINY_SD15, target, "loras")
    weights = models_dir / TINY_SD15 / "unet" / "diffusion_pytorch_model.safetensors"
    with pytest.raises(ModelError, match="give its family"):
        import_model(weights, target)  # diffusers-format tensors: no checkpoint family
    with pytest.raises(ModelError, match="not flux"):
        import_model(weights, target, family="flux")
    assert not target.exists() or os.listdir(target) == []


def test_checkpoint_family_from_tensor_names(tmp_path):
    import numpy as np
    from safetensors.numpy import save_file

    sd15 = tmp_path / "sd15.safetensors"
    save_file({mf.SD_CROSS_ATTENTION_KEY: np.zeros((320, 768), np.float16)}, str(sd15))
    sd2 = tmp_path / "sd2.safetensors"
    save_file({mf.SD_CROSS_ATTENTION_KEY: np.zeros((320, 1024), np.float16)}, str(sd2))
    sdxl = tmp_path / "sdxl.safetensors"
    save_file({mf.SDXL_KEY: np.zeros(4, np.float16)}, str(sdxl))
    assert mf.checkpoint_family(sd15) == "sd15"
    assert mf.checkpoint_family(sd2) is None
    assert mf.checkpoint_family(sdxl) == "sdxl"
    assert mf.main_dtype(sdxl) == "F16"

    entry = scan(tmp_path).get("sdxl")  # a loose checkpoint is listed, with what to do
    assert entry.kind == ModelKind.UNKNOWN and entry.family == "sdxl"
    assert "studio models import" in entry.problems[0]


def test_models_dir_choice(monkeypatch, tmp_path):
    monkeypatch.setenv(md.ENV_MODELS_DIR, str(tmp_path / "mine"))
    assert md.models_dir() == (tmp_path / "mine").resolve()
    monkeypatch.delenv(md.ENV_MODELS_DIR)
    checkout = Path(md.__file__).resolve().parents[2]
    assert md.models_dir() == checkout / "models_cache"

    installed = tmp_path / "site-packages" / "studio" / "engine" / "models_dir.py"
    monkeypatch.setattr(md, "__file__", str(installed))
    import platformdirs

    assert md.models_dir() == platformdirs.user_data_path("micro-drama-studio") / "models"


def test_offline_then_online(monkeypatch):
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", hub_constants.HF_HUB_OFFLINE)
    for name in md.OFFLINE_VARIABLES:
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # even an explicit "online" is overruled
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)
    md.hf_offline()
    assert all(os.environ[name] == "1" for name in md.OFFLINE_VARIABLES)
    assert hub_constants.HF_HUB_OFFLINE is True
    md.hf_online()
    assert all(os.environ[name] == "0" for name in md.OFFLINE_VARIABLES)
    assert hub_constants.HF_HUB_OFFLINE is False
