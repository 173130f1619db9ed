"""MuseTalk 1.5 through its real loading path, with tiny random weights on the CPU.

The folder comes from ``tiny_musetalk.py`` (built in code, never downloaded). Random weights make
noise faces, so the tests check where pixels change, determinism and audio dependence, not looks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from tiny_musetalk import LAYOUT, save_tiny_musetalk, write_empty_layout

from studio.engine.backends.base import Cancelled
from studio.engine.model_files import TRUST_PICKLE
from studio.engine.pickle_trust import ENV_CONFIG_DIR, folder_pickles, trust
from studio.voice.musetalk import MuseTalk, MuseTalkError, is_musetalk_folder, musetalk_files
from studio.voice.musetalk_face import feather, paste_region

FPS = 25
HEIGHT, WIDTH = 288, 160
BOX = (30, 60, 100, 120)  # x, y, w, h: its lower half is rows 120..179, columns 30..129
LOWER = (slice(120, 180), slice(30, 130))
N_FRAMES = 10
slow = pytest.mark.slow  # torch, diffusers and transformers load (~5 s) and the tiny model runs


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    torch.set_num_threads(1)
    return save_tiny_musetalk(tmp_path_factory.mktemp("models") / "musetalk")


@pytest.fixture(scope="module")
def model(folder: Path) -> MuseTalk:
    return MuseTalk.load(folder)


def _frames(count: int = N_FRAMES) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    base = rng.integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8)
    return [np.roll(base, i, axis=1) for i in range(count)]  # a slowly panning picture


def _speech(seconds: float, seed: int = 1) -> np.ndarray:
    """Noise in syllable-like bursts (4 a second), as float32 at 16 kHz."""
    t = np.arange(int(seconds * 16000)) / 16000
    noise = np.random.default_rng(seed).standard_normal(len(t))
    return (0.3 * noise * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t))).astype(np.float32)


def _tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


@pytest.fixture(scope="module")
def synced(model: MuseTalk) -> tuple[list[np.ndarray], list[np.ndarray], list[tuple[int, int]]]:
    frames, calls = _frames(), []
    out = model.sync(
        frames,
        _speech(N_FRAMES / FPS),
        FPS,
        [BOX] * N_FRAMES,
        progress=lambda d, t: calls.append((d, t)),
    )
    return frames, out, calls


def _copy(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / "musetalk"))


def test_the_download_layout_is_a_musetalk_folder(tmp_path: Path) -> None:
    folder = write_empty_layout(tmp_path / "musetalk")
    assert is_musetalk_folder(folder)
    assert [p.relative_to(folder).as_posix() for p in musetalk_files(folder)] == sorted(LAYOUT)


def test_safetensors_are_taken_before_pickles(tmp_path: Path) -> None:
    folder = write_empty_layout(tmp_path / "musetalk")
    for rel in ("sd-vae/diffusion_pytorch_model.safetensors", "whisper/model.safetensors"):
        (folder / rel).write_bytes(b"")
    (folder / "whisper" / "pytorch_model.bin").unlink()
    names = {p.relative_to(folder).as_posix() for p in musetalk_files(folder)}
    assert "sd-vae/diffusion_pytorch_model.safetensors" in names
    assert "sd-vae/diffusion_pytorch_model.bin" not in names
    assert "whisper/model.safetensors" in names


def test_the_readme_vae_folder_name_is_accepted(tmp_path: Path) -> None:
    folder = write_empty_layout(tmp_path / "musetalk")
    (folder / "sd-vae").rename(folder / "sd-vae-ft-mse")
    assert is_musetalk_folder(folder)
    assert folder / "sd-vae-ft-mse" / "config.json" in musetalk_files(folder)


@pytest.mark.parametrize("rel", LAYOUT)
def test_a_folder_missing_any_file_is_not_a_musetalk_folder(tmp_path: Path, rel: str) -> None:
    folder = write_empty_layout(tmp_path / "musetalk")
    (folder / rel).unlink()
    assert not is_musetalk_folder(folder)
    with pytest.raises(MuseTalkError, match=rel.replace(".", r"\.")):
        musetalk_files(folder)


def test_other_paths_are_not_musetalk_folders(tmp_path: Path) -> None:
    assert not is_musetalk_folder(tmp_path)  # empty
    assert not is_musetalk_folder(tmp_path / "absent")
    (tmp_path / "file.pth").write_bytes(b"")
    assert not is_musetalk_folder(tmp_path / "file.pth")


@slow
def test_sync_changes_only_the_lower_half_of_the_face_box(synced) -> None:
    frames, out, _ = synced
    assert len(out) == N_FRAMES
    for before, after in zip(frames, out, strict=True):
        assert after.shape == before.shape and after.dtype == np.uint8
        outside = np.ones(before.shape[:2], dtype=bool)
        outside[LOWER] = False
        assert np.array_equal(after[outside], before[outside])
        changed = np.any(after[LOWER] != before[LOWER], axis=-1)
        assert changed.mean() > 0.5  # feathered to nothing at the edges, new inside


def test_paste_region_is_the_lower_half_of_the_box() -> None:
    assert paste_region(BOX, (HEIGHT, WIDTH, 3)) == (30, 120, 100, 60)
    assert paste_region((-20, 200, 100, 120), (HEIGHT, WIDTH, 3)) == (0, 244, 80, 44)  # clipped
    assert paste_region(None, (HEIGHT, WIDTH, 3)) is None


def test_each_frame_hears_ten_audio_frames_from_four_before_its_own() -> None:
    import torch

    from studio.voice.musetalk_audio import WINDOW, frame_windows

    features = torch.arange(1, 21, dtype=torch.float32).reshape(20, 1, 1).expand(20, 3, 2)
    windows = frame_windows(features, [0, 5, 9], fps=25)  # 50 audio frames a second: 2 per frame
    assert windows.shape == (3, WINDOW * 3, 2)
    times = windows[:, ::3, 0]  # time-major, the 3 layers inside
    assert times[0].tolist() == [0, 0, 0, 0, 1, 2, 3, 4, 5, 6]  # zeros before the start
    assert times[1].tolist() == list(range(7, 17))  # audio frames 6..15 (1-based values)
    assert times[2].tolist() == [15, 16, 17, 18, 19, 20, 0, 0, 0, 0]  # zeros past the end
    assert frame_windows(features, [6], fps=30)[0, ::3, 0].tolist() == list(range(7, 17))


def test_the_positional_encoding_is_musetalks_sinusoid() -> None:
    import torch

    from studio.voice.musetalk_audio import positional_encoding

    table = positional_encoding(50, 384, device="cpu", dtype=torch.float32)[0]
    assert table.shape == (50, 384)
    assert torch.allclose(table[:, 0], torch.sin(torch.arange(50.0)))
    assert torch.allclose(table[:, 1], torch.cos(torch.arange(50.0)))
    rate = 10000 ** (-2 / 384)  # channel pair 1 turns more slowly
    assert torch.allclose(
        table[7, 2:4], torch.tensor([np.sin(7 * rate), np.cos(7 * rate)], dtype=torch.float32)
    )


@slow
def test_audio_features_span_30_second_segments(model: MuseTalk) -> None:
    from studio.voice.musetalk_audio import encode_audio

    audio = _speech(31.0)
    features = encode_audio(model.encoder, model.extractor, audio, device="cpu", dtype=model.dtype)
    assert features.shape == (1550, 3, 32)  # 50 a second; embeddings + 2 layers; width 32
    assert float(features[1500:].abs().sum()) > 0  # the second window is heard too


def test_the_blend_weight_is_zero_on_the_edges_and_one_inside() -> None:
    weight = feather(60, 100)  # the ramp is 10 pixels wide
    assert weight.shape == (60, 100)
    edges = np.concatenate([weight[0], weight[-1], weight[:, 0], weight[:, -1]])
    assert np.all(edges == 0.0)
    assert np.all(weight[10:-10, 10:-10] == 1.0)
    assert np.all(np.diff(weight[30, :50]) >= 0)  # rising towards the middle


@slow
def test_progress_counts_frames_per_batch(synced) -> None:
    assert synced[2] == [(8, N_FRAMES), (N_FRAMES, N_FRAMES)]


@slow
def test_sync_is_deterministic(model: MuseTalk, synced) -> None:
    frames, out, _ = synced
    again = model.sync(frames, _speech(N_FRAMES / FPS), FPS, [BOX] * N_FRAMES)
    for a, b in zip(again, out, strict=True):
        assert np.array_equal(a, b)


@slow
def test_other_audio_makes_other_mouths(model: MuseTalk) -> None:
    frames = _frames(3)
    speech = model.sync(frames, _speech(0.2), FPS, [BOX] * 3)
    tone = model.sync(frames, _tone(0.2), FPS, [BOX] * 3)
    for a, b in zip(speech, tone, strict=True):
        difference = np.abs(a[LOWER].astype(np.int16) - b[LOWER].astype(np.int16))
        assert difference.mean() > 2.0  # levels of 255, over the whole paste region


@slow
def test_frames_without_a_face_come_back_as_they_were(model: MuseTalk) -> None:
    frames = _frames(3)
    out = model.sync(frames, _speech(0.2), FPS, [None, (0, 0, 4, 4), (-500, 0, 100, 100)])
    assert all(a is b for a, b in zip(out, frames, strict=True))
    with pytest.raises(ValueError, match="3 frames but 2 face boxes"):
        model.sync(frames, _speech(0.2), FPS, [BOX, BOX])


@slow
def test_cancel_stops_between_batches(model: MuseTalk) -> None:
    checks, calls = [], []

    def cancelled() -> bool:
        checks.append(1)
        return len(checks) > 2  # before starting, before batch 1: go on; before batch 2: stop

    with pytest.raises(Cancelled):
        model.sync(
            _frames(6),
            _speech(0.3),
            FPS,
            [BOX] * 6,
            batch_size=2,
            progress=lambda d, t: calls.append((d, t)),
            cancelled=cancelled,
        )
    assert calls == [(2, 6)]


@slow
def test_a_missing_unet_is_named(folder: Path, tmp_path: Path) -> None:
    copy = _copy(folder, tmp_path)
    (copy / "musetalkV15" / "unet.pth").unlink()
    assert not is_musetalk_folder(copy)
    with pytest.raises(MuseTalkError, match=r"musetalkV15/unet\.pth"):
        MuseTalk.load(copy)


@slow
def test_unreadable_files_are_named(tmp_path: Path) -> None:
    folder = write_empty_layout(tmp_path / "musetalk")
    with pytest.raises(MuseTalkError, match=r"musetalkV15/musetalk\.json is unreadable"):
        MuseTalk.load(folder, allow_pickle=True)
    (folder / "musetalkV15" / "musetalk.json").write_text("{}", encoding="utf-8")
    with pytest.raises(MuseTalkError, match=r"musetalkV15/unet\.pth could not be loaded"):
        MuseTalk.load(folder, allow_pickle=True)


class _Payload:
    """Unpickling this runs code: it writes the marker file named in its state."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "ran"))


@slow
def test_a_unet_with_pickled_objects_is_refused_unrun(folder: Path, tmp_path: Path) -> None:
    import torch

    copy = _copy(folder, tmp_path)
    marker = tmp_path / "ran.txt"
    torch.save({"conv_in.weight": _Payload(marker)}, copy / "musetalkV15" / "unet.pth")
    with pytest.raises(MuseTalkError, match=r"musetalkV15/unet\.pth .*weights only"):
        MuseTalk.load(copy)
    assert not marker.exists()
    torch.save({"conv_in.weight": 3}, copy / "musetalkV15" / "unet.pth")  # loads, not tensors
    with pytest.raises(MuseTalkError, match="not a state dict of tensors"):
        MuseTalk.load(copy)


@slow
def test_bin_pickles_load_only_when_trusted(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "config"))
    folder = save_tiny_musetalk(tmp_path / "musetalk", safe=False)
    assert is_musetalk_folder(folder)
    (folder / TRUST_PICKLE).write_text("trusted\n", encoding="utf-8")  # shipped: ignored
    with pytest.raises(MuseTalkError, match=r"sd-vae/diffusion_pytorch_model\.bin is a pickle"):
        MuseTalk.load(folder)
    trust("musetalk", folder, folder_pickles(folder))
    model = MuseTalk.load(folder)
    assert model.vae.config.latent_channels == 4


@slow
def test_parts_that_do_not_fit_are_refused(folder: Path, tmp_path: Path) -> None:
    import json

    copy = _copy(folder, tmp_path)
    config_path = copy / "whisper" / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["max_source_positions"] = 750  # not Whisper's 30 s window: MuseTalk's framing breaks
    config_path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(MuseTalkError, match="whisper/"):
        MuseTalk.load(copy)
