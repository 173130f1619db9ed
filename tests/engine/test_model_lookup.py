"""The model lookup: the entry ``scan`` would give for a name, built once per model and built
again when the model's files (or the user's pickle trust) change. Hash calls are counted by
wrapping the real ``content_hash`` (it still runs); nothing is faked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tiny_pipelines import (
    HUB_REPO,
    PICKLE_SD15,
    TINY_IP_ADAPTER,
    TINY_LORA,
    TINY_SD15,
    UNKNOWN_CLASS,
)

from studio.engine import model_files as mf
from studio.engine import pickle_trust
from studio.engine.model_lookup import ModelLookup, NotInstalled, for_folder, places
from studio.engine.registry import ModelEntry, ModelKind, scan

UNET = "unet/diffusion_pytorch_model.safetensors"


@pytest.fixture
def models(models_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the shared models folder (every layout), safe to change."""
    root = tmp_path / "models"
    shutil.copytree(models_dir, root, symlinks=True)
    return root


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folder of every ``content_hash`` call from now on (the real function runs)."""
    calls: list[Path] = []
    real = mf.content_hash

    def counted(files: list[tuple[str, Path]], cache: Path, key: str) -> str:
        calls.append(cache.parent if key == "." else cache.parent / key)
        return real(files, cache, key)

    monkeypatch.setattr(mf, "content_hash", counted)
    return calls


def _more_layouts(root: Path) -> None:
    """What the shared folder lacks: a loose weight file, a Hugging Face entry at the top, an
    IP-Adapter folder, names used twice, a folder that is no model, a hidden folder."""
    lora = root / "loras" / f"{TINY_LORA}.safetensors"
    ip_file = root / "ip_adapters" / f"{TINY_IP_ADAPTER}.safetensors"
    shutil.copy(lora, root / "loose.safetensors")
    shutil.copy(ip_file, root / f"{TINY_IP_ADAPTER}.safetensors")  # sorts before ip_adapters/
    (root / "loras" / "sub").mkdir()
    shutil.copy(lora, root / "loras" / "sub" / f"{TINY_LORA}.safetensors")  # before the first
    (root / "ip_adapters" / "ip-adapter-folder").mkdir()
    shutil.copy(ip_file, root / "ip_adapters" / "ip-adapter-folder" / "ip-adapter.safetensors")
    hub = next((root / "hub").iterdir())
    shutil.copytree(hub, root / "models--top-org--top", symlinks=True)
    (root / "notes").mkdir()
    (root / "notes" / "readme.txt").write_text("not a model", encoding="utf-8")
    shutil.copytree(root / TINY_SD15, root / ".trash" / "old", symlinks=True)


def test_every_name_gives_the_entry_scan_gives(models: Path) -> None:
    _more_layouts(models)
    registry = scan(models)
    assert [p.name for p in places(models)] == registry.names()
    assert {TINY_LORA, TINY_IP_ADAPTER, "top-org/top"} <= set(registry.names())
    lookup = ModelLookup(models)
    for name in dict.fromkeys(registry.names()):
        assert lookup.find(name) == registry.get(name), name
    files = [e for e in registry if e.path.is_file()]  # by path, names used twice too
    assert len(files) == 5
    for entry in files:
        found = lookup.entry_at(entry.path.resolve())
        assert found is not None and _unflagged(found) == _unflagged(entry)
    assert lookup.entry_at((models / TINY_SD15 / UNET).resolve()) is None


def _unflagged(entry: ModelEntry) -> dict:
    """An entry as listed, less the problem ``scan`` adds to the later of two same names."""
    return entry.to_json() | {"problems": [p for p in entry.problems if "also used by" not in p]}


def test_requests_for_one_model_read_and_hash_it_once(models: Path, hashed: list[Path]) -> None:
    lookup = ModelLookup(models)
    first = lookup.find(TINY_SD15)
    assert hashed == [models / TINY_SD15], "only that model's folder, not the whole folder"
    for _ in range(5):
        assert lookup.find(TINY_SD15) is first
    assert (lookup.builds, lookup.scans) == (1, 0) and len(hashed) == 1
    scan(models)
    assert len(hashed) > 5, "a scan hashes every model (what each request used to cost)"


def test_replaced_weights_are_noticed(models: Path, hashed: list[Path]) -> None:
    lookup = ModelLookup(models)
    before = lookup.find(TINY_SD15)
    weights = models / TINY_SD15 / UNET
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    after = lookup.find(TINY_SD15)
    assert after.hash != before.hash and after.hash == scan(models).get(TINY_SD15).hash
    assert lookup.find(TINY_SD15) is after and lookup.builds == 2


def test_a_model_swapped_for_another_folder_is_noticed(models: Path) -> None:
    lookup = ModelLookup(models)
    before = lookup.find(HUB_REPO)
    other = models / "incoming"
    shutil.copytree(models / TINY_SD15, other)
    shutil.copy(models / PICKLE_SD15 / "model_index.json", other / "model_index.json")
    (other / "extra.json").write_text("{}", encoding="utf-8")
    shutil.rmtree(models / TINY_SD15)
    other.rename(models / TINY_SD15)
    assert lookup.find(TINY_SD15).hash == scan(models).get(TINY_SD15).hash
    assert lookup.find(HUB_REPO) is before, "other models are kept"


def test_a_name_found_nowhere_is_looked_for_in_a_full_scan(models: Path) -> None:
    lookup = ModelLookup(models)
    with pytest.raises(NotInstalled, match="no model named 'nope'") as missing:
        lookup.find("nope")
    assert TINY_SD15 in missing.value.registry.names() and lookup.scans == 1
    lookup.find(TINY_LORA)
    shutil.rmtree(models / "loras")
    with pytest.raises(NotInstalled):
        lookup.find(TINY_LORA)


def test_entries_with_problems_are_read_again_each_time(models: Path) -> None:
    lookup = ModelLookup(models)
    for _ in range(3):
        assert lookup.find(UNKNOWN_CLASS).kind is ModelKind.UNKNOWN
    assert lookup.builds == 3


def test_trust_given_and_taken_back_is_noticed(models: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(pickle_trust.ENV_CONFIG_DIR, str(tmp_path / "config"))
    lookup = ModelLookup(models)
    assert not lookup.find(PICKLE_SD15).pickle_trusted
    untrusted = scan(models).get(PICKLE_SD15)
    pickle_trust.trust(PICKLE_SD15, untrusted.path, untrusted.pickle_files)
    trusted = lookup.find(PICKLE_SD15)
    assert trusted.pickle_trusted and not trusted.problems
    assert lookup.find(PICKLE_SD15) is trusted
    pickle_trust.revoke(PICKLE_SD15)
    assert not lookup.find(PICKLE_SD15).pickle_trusted


def test_one_lookup_per_models_folder_in_a_process(models: Path, tmp_path: Path) -> None:
    assert for_folder(models) is for_folder(Path(str(models) + "/"))
    assert for_folder(models) is not for_folder(tmp_path / "elsewhere")
    assert for_folder(models).root == models.absolute()
