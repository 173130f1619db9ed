"""Voice and lip-sync models as requests name them: looked up once per model in the process,
refused when their files are no longer the ones the request recorded. The Kokoro folder here has
the layout only (its weights are random bytes: nothing is loaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.engine import model_files as mf
from studio.engine.backends.base import BackendError
from studio.engine.model_lookup import installed_model
from studio.engine.registry import ModelKind, scan
from studio.voice.kokoro_tts import CONFIG_KEYS
from studio.voice.models import voice_model_folder

KOKORO = "Kokoro-82M"
WEIGHTS = "kokoro-v1_0.pth"


@pytest.fixture
def models(tmp_path: Path) -> Path:
    folder = tmp_path / "models" / KOKORO
    (folder / "voices").mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(dict.fromkeys(CONFIG_KEYS, 1)), "utf-8")
    (folder / WEIGHTS).write_bytes(bytes(range(256)) * 64)
    (folder / "voices" / "af_test.pt").write_bytes(b"style rows")
    return folder.parent


def test_lines_for_one_voice_hash_its_folder_once(models: Path, monkeypatch) -> None:
    hashed: list[Path] = []
    real = mf.content_hash

    def counted(files: list[tuple[str, Path]], cache: Path, key: str) -> str:
        hashed.append(cache.parent)  # counted; the real hash is computed and returned
        return real(files, cache, key)

    monkeypatch.setattr(mf, "content_hash", counted)
    recorded = scan(models).get(KOKORO)
    assert recorded.kind is ModelKind.TTS and len(hashed) == 1
    for _ in range(4):
        assert voice_model_folder(models, KOKORO, recorded.hash) == models / KOKORO
    assert hashed == [models / KOKORO] * 2, "the scan above, then the first line only"


def test_a_voice_replaced_on_disk_refuses_the_lines_made_for_the_old_one(models: Path) -> None:
    recorded = scan(models).get(KOKORO).hash
    assert installed_model(models, KOKORO, recorded, ModelKind.TTS).hash == recorded
    (models / KOKORO / WEIGHTS).write_bytes(b"other weights")
    with pytest.raises(BackendError, match=f"model {KOKORO} changed since this request was made"):
        installed_model(models, KOKORO, recorded, ModelKind.TTS)
    now = scan(models).get(KOKORO).hash
    assert now != recorded and installed_model(models, KOKORO, now, ModelKind.TTS).hash == now


def test_what_is_not_there_or_of_another_kind_is_named(models: Path) -> None:
    with pytest.raises(BackendError, match=rf"no tts model named 'af' .*\(installed: {KOKORO}\)"):
        installed_model(models, "af", "", ModelKind.TTS)
    with pytest.raises(BackendError, match=f"{KOKORO} is of kind tts, not a lipsync model"):
        installed_model(models, KOKORO, "", ModelKind.LIPSYNC)
