"""The diffusers backend on a real tiny SD 1.5 pipeline (random weights, ``tiny_pipelines.py``),
called in this process: registry look-up, checks, warm pipeline, seed, scheduler, cancel,
LoRA and IP-Adapter. The worker-process path: ``tests/engine/test_diffusion_worker.py``."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tiny_pipelines import HUB_REPO, PICKLE_SD15, TINY_LORA, TINY_SD15, UNKNOWN_CLASS

from studio.core.request import CameraMotion, ImageRequest, Lora, VideoRequest
from studio.engine import device
from studio.engine.backends import diffusion
from studio.engine.backends.base import Backend, BackendError, Cancelled, RunContext
from studio.engine.backends.diffusion import DiffusersBackend, footprint
from studio.engine.backends.diffusion_call import latent_preview
from studio.engine.device import Placement, Tier
from studio.engine.registry import scan
from studio.media.ffmpeg import probe, read_frames

IP_ADAPTER = "ip-adapter-tiny-sd15"
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def request(**changes) -> ImageRequest:
    base = ImageRequest(
        shot_id="sh-1",
        backend="diffusers",
        model=TINY_SD15,
        prompt="a lighthouse at dusk",
        negative_prompt="blurry",
        seed=7,
        steps=3,
        guidance=5.0,
        width=48,
        height=80,
        frames=8,
        fps="24/1",
        camera_motion=CameraMotion.PUSH_IN,
    )
    return replace(base, **changes)


class Run:
    """A RunContext for one take, recording progress; ``cancel_at`` cancels at that step."""

    def __init__(self, project: Path, models: Path, name: str = "take", cancel_at: int = 0):
        self.steps: list[tuple[int, int]] = []
        self.previews: list[np.ndarray] = []
        self.cancel_at = cancel_at
        self.ctx = RunContext(
            project_dir=project,
            models_dir=models,
            output=project / f".{name}.part.mp4",
            keyframe_output=project / f".{name}.part.png",
            progress=self._progress,
            cancelled=lambda: bool(self.cancel_at) and len(self.steps) >= self.cancel_at,
        )

    def _progress(self, step: int, total: int, preview=None) -> None:
        self.steps.append((step, total))
        if preview is not None:
            self.previews.append(preview)

    def keyframe(self) -> np.ndarray:
        import cv2

        return cv2.cvtColor(cv2.imread(str(self.ctx.keyframe_output)), cv2.COLOR_BGR2RGB)

    def frames(self) -> list[np.ndarray]:
        return list(read_frames(self.ctx.output))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "P.mdstudio"
    root.mkdir()
    return root


def render(backend: DiffusersBackend, req, project: Path, models: Path, name: str = "take"):
    run = Run(project, models, name)
    return backend.run(req, run.ctx), run


def test_it_is_a_backend_named_diffusers():
    backend: Backend = DiffusersBackend()
    assert backend.name == "diffusers"


def test_an_image_take_through_the_registry(project, models_dir):
    rendered, run = render(DiffusersBackend(), request(), project, models_dir)
    info = probe(run.ctx.output)
    assert (info.width, info.height, info.frames, info.fps) == (48, 80, 8, "24/1")
    assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    assert (rendered.width, rendered.height, rendered.frames, rendered.fps) == (48, 80, 8, "24/1")
    still = run.keyframe()
    assert still.shape == (80, 48, 3)
    frames = [f.astype(int) for f in run.frames()]
    near, far = (np.abs(f - still).mean() for f in (frames[0], frames[-1]))
    assert near < far, "a push-in starts on the keyframe and moves in"
    t = rendered.timings
    assert t.load > 0 and t.denoise > 0 and t.decode > 0 and t.encode > 0
    assert t.gpu == 0, "no GPU time is billed on the CPU"
    assert run.steps == [(1, 3), (2, 3), (3, 3)]
    assert run.previews and run.previews[-1].dtype == np.uint8 and run.previews[-1].shape[2] == 3


def test_same_request_same_pixels_another_seed_other_pixels(project, models_dir):
    _, a = render(DiffusersBackend(), request(), project, models_dir, "a")
    _, b = render(DiffusersBackend(), request(), project, models_dir, "b")  # a fresh load
    _, c = render(DiffusersBackend(), request(seed=8), project, models_dir, "c")
    assert np.array_equal(a.keyframe(), b.keyframe())
    assert all(np.array_equal(x, y) for x, y in zip(a.frames(), b.frames(), strict=True))
    assert not np.array_equal(a.keyframe(), c.keyframe())


def test_the_pipeline_stays_warm_and_is_swapped_when_the_model_changes(
    project, models_dir, monkeypatch
):
    freed = []
    real_free = device.free_memory
    monkeypatch.setattr(device, "free_memory", lambda: (freed.append(1), real_free()))
    backend = DiffusersBackend()
    first, a = render(backend, request(), project, models_dir, "a")
    warm = backend._warm
    again, _ = render(backend, request(seed=9), project, models_dir, "b")
    assert first.timings.load > 0 and again.timings.load == 0
    assert backend._warm is warm and not freed
    other, hub = render(backend, request(model=HUB_REPO), project, models_dir, "c")
    assert other.timings.load > 0 and freed, "the old model was unloaded and memory freed"
    assert backend._warm.key[0] == HUB_REPO
    assert np.array_equal(a.keyframe(), hub.keyframe()), "the same weights, the same pixels"
    back, _ = render(backend, request(), project, models_dir, "d")
    assert back.timings.load > 0


def test_cancel_stops_within_a_step_leaves_no_file_and_the_pipeline_stays_usable(
    project, models_dir
):
    backend = DiffusersBackend()
    run = Run(project, models_dir, cancel_at=2)
    with pytest.raises(Cancelled):
        backend.run(request(steps=40), run.ctx)
    assert run.steps == [(1, 40), (2, 40)], "no step ran after the cancel"
    assert not run.ctx.output.exists() and not run.ctx.keyframe_output.exists()
    after, _ = render(backend, request(steps=2), project, models_dir, "after")
    assert after.timings.load == 0 and after.frames == 8


def test_the_scheduler_named_by_a_request_and_the_models_own_after_it(project, models_dir):
    backend = DiffusersBackend()
    _, own = render(backend, request(), project, models_dir, "own")
    _, euler = render(
        backend, request(scheduler="EulerDiscreteScheduler"), project, models_dir, "e"
    )
    _, back = render(backend, request(), project, models_dir, "back")
    assert not np.array_equal(own.keyframe(), euler.keyframe())
    assert np.array_equal(own.keyframe(), back.keyframe())
    assert type(backend._warm.pipe.scheduler).__name__ == "DDIMScheduler"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"model": "nope"},
            f"no model named 'nope' is installed in .* \\(installed: .*{TINY_SD15}",
        ),
        ({"model_hash": "0" * 64}, f"model {TINY_SD15} changed since this request was made"),
        ({"model": PICKLE_SD15}, "pickle weights .* are refused by default"),
        ({"model": TINY_LORA}, f"{TINY_LORA} is of kind lora; an image request needs"),
        ({"model": UNKNOWN_CLASS}, f"{UNKNOWN_CLASS} is of kind unknown"),
        ({"width": 50}, "divisible by 8, got 50×80"),
        ({"frames": 0}, "at least one frame"),
        ({"fps": "zero"}, "zero"),
        ({"scheduler": "NoSuchScheduler"}, "unknown scheduler 'NoSuchScheduler' .*DDIMScheduler"),
        ({"scheduler": "FlowMatchEulerDiscreteScheduler"}, "does not work with tiny-sd15"),
        ({"loras": (Lora("../outside.safetensors"),)}, "outside the models folder"),
        ({"loras": (Lora("loras/missing.safetensors"),)}, "is not in the models folder"),
        ({"ip_adapter": "nope", "references": ("r.png",)}, "no IP-Adapter named 'nope'"),
    ],
)
def test_requests_it_cannot_run_are_refused_saying_why(project, models_dir, changes, message):
    with pytest.raises(BackendError, match=message):
        render(DiffusersBackend(), request(**changes), project, models_dir)


def test_a_video_request_needs_a_video_model(project, models_dir):
    req = VideoRequest(shot_id="sh-1", backend="diffusers", model=TINY_SD15, width=64, height=64)
    with pytest.raises(BackendError, match="a video request needs a text-to-video or image-to"):
        render(DiffusersBackend(), req, project, models_dir)


def test_a_changed_lora_file_is_refused(project, models_dir):
    lora = Lora(f"loras/{TINY_LORA}.safetensors", sha256="f" * 64)
    with pytest.raises(BackendError, match="changed since this request was made"):
        render(DiffusersBackend(), request(loras=(lora,)), project, models_dir)


def test_loras_change_the_pixels_and_unload_cleanly(project, models_dir):
    backend = DiffusersBackend()
    lora = Lora(f"loras/{TINY_LORA}.safetensors", weight=0.8)
    _, plain = render(backend, request(), project, models_dir, "plain")
    with_lora, styled = render(backend, request(loras=(lora,)), project, models_dir, "a")
    assert backend._warm.loaded.loras and with_lora.timings.load > 0
    assert not np.array_equal(styled.keyframe(), plain.keyframe())
    _, again = render(backend, request(), project, models_dir, "b")
    assert backend._warm.loaded.loras == ()
    assert np.array_equal(again.keyframe(), plain.keyframe()), "unloading leaves no trace"


# --- references through a tiny IP-Adapter ---------------------------------------------------


def write_tiny_ip_adapter(folder: Path) -> Path:
    """A loadable IP-Adapter for tiny-sd15: its image projection, the key/value projections of
    each of the UNet's 4 cross-attention layers, and a tiny CLIP image encoder beside them."""
    import torch
    from safetensors.torch import save_file
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(0)
    sizes = {"hidden_size": 32, "intermediate_size": 37, "num_attention_heads": 4}
    config = CLIPVisionConfig(**sizes, num_hidden_layers=2, image_size=32, patch_size=8,
                              projection_dim=32)  # fmt: skip
    CLIPVisionModelWithProjection(config).save_pretrained(folder / "image_encoder")
    g = torch.Generator().manual_seed(1)
    tensors = {
        "image_proj.proj.weight": torch.randn(4 * 32, 32, generator=g),
        "image_proj.proj.bias": torch.zeros(4 * 32),
        "image_proj.norm.weight": torch.ones(32),
        "image_proj.norm.bias": torch.zeros(32),
    }
    for i in (1, 3, 5, 7):  # diffusers counts attn1 and attn2 processors; attn2 are odd
        tensors[f"ip_adapter.{i}.to_k_ip.weight"] = torch.randn(64, 32, generator=g)
        tensors[f"ip_adapter.{i}.to_v_ip.weight"] = torch.randn(64, 32, generator=g)
    save_file(tensors, str(folder / "ip-adapter_sd15.safetensors"))
    return folder


@pytest.fixture(scope="module")
def ip_models(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ip") / "models"
    shutil.copytree(models_dir, root, symlinks=True)
    write_tiny_ip_adapter(root / "ip_adapters" / IP_ADAPTER)
    return root


def test_references_go_through_the_ip_adapter_and_it_is_unloaded_after(project, ip_models):
    import cv2

    rng = np.random.default_rng(0)
    for name, shape in (("a.png", (40, 30, 3)), ("b.png", (50, 50, 3))):
        cv2.imwrite(str(project / name), rng.integers(0, 255, shape, dtype=np.uint8))
    backend = DiffusersBackend()
    refs = {"ip_adapter": IP_ADAPTER, "references": ("a.png", "b.png")}
    _, plain = render(backend, request(), project, ip_models, "plain")
    loaded, both = render(backend, request(**refs), project, ip_models, "both")
    assert loaded.timings.load > 0, "loading the adapter counts as loading"
    warm, one = render(backend, request(**refs | {"references": ("a.png",)}), project,
                       ip_models, "one")  # fmt: skip
    assert warm.timings.load == 0, "the same adapter stays loaded"
    _, zero = render(backend, request(**refs, reference_scale=0.0), project, ip_models, "zero")
    _, after = render(backend, request(), project, ip_models, "after")
    assert not np.array_equal(plain.keyframe(), both.keyframe())
    assert not np.array_equal(both.keyframe(), one.keyframe())
    assert np.array_equal(plain.keyframe(), zero.keyframe()), "scale 0: no influence"
    assert np.array_equal(plain.keyframe(), after.keyframe()), "unloaded for a plain request"
    with pytest.raises(BackendError, match=r"the reference image gone\.png is missing"):
        render(backend, request(**refs | {"references": ("gone.png",)}), project, ip_models)


def test_references_without_an_ip_adapter_are_ignored(project, models_dir):
    rendered, _ = render(DiffusersBackend(), request(references=("x.png",)), project, models_dir)
    assert rendered.frames == 8


# --- pieces -----------------------------------------------------------------------------------


def test_footprint_counts_weights_at_16_bits(models_dir):
    entry = scan(models_dir).get(TINY_SD15)
    total, largest = footprint(entry)
    weights = sorted(p.stat().st_size for p in entry.path.rglob("*.safetensors"))
    assert total == sum(w // 2 for w in weights)  # saved as float32
    assert largest == weights[-1] // 2


def test_out_of_memory_at_the_bottom_says_what_to_change(models_dir):
    entry = scan(models_dir).get(TINY_SD15)
    placement = Placement("cuda:0", "bfloat16", Tier.SEQUENTIAL, True, True)
    req = VideoRequest(shot_id="s", model=TINY_SD15, frames=97)
    message = diffusion._oom_message(entry, req, placement)
    for words in ("out of GPU memory", TINY_SD15, "576×1024, 97 frames", "sequential",
                  "smaller size", "fewer frames", "other programs that use the GPU",
                  "smaller model"):  # fmt: skip
        assert words in message


def test_latent_previews_for_sd_families_only():
    import torch

    latents = torch.randn(1, 4, 10, 6, generator=torch.Generator().manual_seed(0))
    preview = latent_preview(latents, "sd15")
    assert preview is not None and preview.dtype == np.uint8
    assert preview.shape == (256, round(256 * 6 / 10), 3)
    assert latent_preview(latents, "flux") is None
    assert latent_preview(torch.randn(1, 16, 8, 8), "sdxl") is None
