"""The diffusers backend on the other families' tiny pipelines (``tiny_video_pipelines.py``):
SVD, LTX and Wan video (text- and image-to-video), SDXL, Flux and SD3 images; the families'
size and frame-count rules; the still an image-to-video take starts from; cancel on a pipeline
without diffusers' interrupt flag (SVD)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tiny_video_pipelines import (
    TINY_FLUX,
    TINY_LTX,
    TINY_LTX_I2V,
    TINY_SD3,
    TINY_SDXL,
    TINY_SVD,
    TINY_WAN,
    TINY_WAN_I2V,
    build_video_models,
    missing_packages,
    smoke_image,
)

from studio.core.request import ImageRequest, VideoRequest
from studio.engine.backends.base import BackendError, Cancelled, RunContext
from studio.engine.backends.diffusion import DiffusersBackend
from studio.media.ffmpeg import probe, read_frames

pytestmark = pytest.mark.usefixtures("one_torch_thread")

KEYFRAME = "takes/sh-1/tk-still.png"
# name: (width, height, frames, fps, starts from a still)
VIDEOS = {
    TINY_SVD: (64, 64, 3, "7/1", True),
    TINY_LTX: (64, 32, 9, "24/1", False),
    TINY_LTX_I2V: (64, 32, 9, "24/1", True),
    TINY_WAN: (48, 32, 5, "16/1", False),
    TINY_WAN_I2V: (48, 32, 5, "16/1", True),
}
IMAGES = {TINY_SDXL: (64, 64), TINY_FLUX: (48, 64), TINY_SD3: (48, 64)}


@pytest.fixture(scope="module")
def video_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("video-models")
    build_video_models(root)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "P.mdstudio"
    (root / KEYFRAME).parent.mkdir(parents=True)
    smoke_image(100, 60).save(root / KEYFRAME)  # another aspect ratio: cropped to fit
    return root


def context(project: Path, models: Path, cancelled=lambda: False, progress=None) -> RunContext:
    return RunContext(
        project_dir=project,
        models_dir=models,
        output=project / ".take.part.mp4",
        keyframe_output=None,
        progress=progress or (lambda step, total, preview=None: None),
        cancelled=cancelled,
    )


def video(name: str, **changes) -> VideoRequest:
    w, h, frames, fps, from_still = VIDEOS[name]
    values = {
        "shot_id": "sh-1",
        "backend": "diffusers",
        "model": name,
        "prompt": "a cat, rain",
        "seed": 11,
        "steps": 2,
        "guidance": 3.0,
        "width": w,
        "height": h,
        "frames": frames,
        "fps": fps,
        "init_image": KEYFRAME if from_still else "",
    }
    return VideoRequest(**(values | changes))


def skip_if_missing(name: str) -> None:
    missing = missing_packages(name)
    if missing:
        pytest.skip(f"{name} needs {', '.join(missing)}, not installed")


@pytest.mark.parametrize("name", list(VIDEOS))
def test_a_video_take_of_each_family(project, video_models, name):
    skip_if_missing(name)
    req = video(name)
    ctx = context(project, video_models)
    rendered = DiffusersBackend().run(req, ctx)
    info = probe(ctx.output)
    w, h, frames, fps, _ = VIDEOS[name]
    assert (info.width, info.height, info.frames, info.fps) == (w, h, frames, fps)
    assert (rendered.width, rendered.height, rendered.frames, rendered.fps) == (w, h, frames, fps)
    t = rendered.timings
    assert t.load > 0 and t.denoise > 0 and t.decode > 0 and t.encode > 0 and t.gpu == 0


@pytest.mark.parametrize("name", list(IMAGES))
def test_an_image_take_of_each_newer_image_family(project, video_models, name):
    w, h = IMAGES[name]
    req = ImageRequest(shot_id="sh-1", backend="diffusers", model=name, prompt="a cat, rain",
                       negative_prompt="fog", steps=2, width=w, height=h, frames=6,
                       fps="25/1")  # fmt: skip
    ctx = replace(context(project, video_models), keyframe_output=project / ".still.part.png")
    DiffusersBackend().run(req, ctx)
    info = probe(ctx.output)
    assert (info.width, info.height, info.frames, info.fps) == (w, h, 6, "25/1")
    assert ctx.keyframe_output.stat().st_size > 0


def test_the_same_video_request_gives_the_same_frames(project, video_models):
    backend = DiffusersBackend()
    takes = []
    for seed in (11, 11, 12):
        ctx = context(project, video_models)
        backend.run(video(TINY_LTX, seed=seed), ctx)
        takes.append(np.stack(list(read_frames(ctx.output))))
    assert np.array_equal(takes[0], takes[1])
    assert not np.array_equal(takes[0], takes[2])


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        (TINY_LTX, {"frames": 10}, r"tiny-ltx \(ltx\) makes 8k\+1 frames \(9, 17, 25, …\), not 10"),
        (TINY_WAN, {"frames": 6}, r"tiny-wan \(wan\) makes 4k\+1 frames \(5, 9, 13, …\), not 6"),
        (TINY_LTX, {"width": 48}, "divisible by 32, got 48×32"),
        (TINY_WAN, {"height": 40}, "divisible by 16, got 48×40"),
        (TINY_SVD, {"width": 32}, "divisible by 64"),
        (TINY_SVD, {"init_image": ""}, "makes video from a still: the request names none"),
        (TINY_LTX, {"init_image": KEYFRAME}, "makes video from text only"),
        (TINY_LTX_I2V, {"init_image": "takes/x/gone.png"}, "takes/x/gone.png, is missing"),
    ],
)
def test_video_requests_that_break_the_family_rules_are_refused(
    project, video_models, name, changes, message
):
    with pytest.raises(BackendError, match=message):
        DiffusersBackend().run(video(name, **changes), context(project, video_models))


def test_an_image_request_needs_an_image_model(project, video_models):
    req = ImageRequest(shot_id="sh-1", backend="diffusers", model=TINY_LTX, width=64, height=32)
    with pytest.raises(BackendError, match="needs a text-to-image model"):
        DiffusersBackend().run(req, context(project, video_models))


def test_cancel_stops_a_pipeline_without_the_interrupt_flag(project, video_models):
    steps: list[int] = []
    ctx = context(project, video_models, cancelled=lambda: len(steps) >= 2,
                  progress=lambda step, total, preview=None: steps.append(step))  # fmt: skip
    with pytest.raises(Cancelled):
        DiffusersBackend().run(video(TINY_SVD, steps=30), ctx)
    assert steps == [1, 2]
    assert not ctx.output.exists()


def test_cancel_through_the_interrupt_flag_skips_the_decode(project, video_models, monkeypatch):
    from diffusers import AutoencoderKLLTXVideo

    decodes: list[int] = []
    real = AutoencoderKLLTXVideo.decode

    def counted(self, *args, **kwargs):
        decodes.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(AutoencoderKLLTXVideo, "decode", counted)
    steps: list[int] = []
    ctx = context(project, video_models, cancelled=lambda: len(steps) >= 1,
                  progress=lambda step, total, preview=None: steps.append(step))  # fmt: skip
    backend = DiffusersBackend()
    with pytest.raises(Cancelled):
        backend.run(video(TINY_LTX, steps=30), ctx)
    assert steps == [1] and decodes == [], "the remaining steps and the decode were skipped"
    assert "decode" not in vars(backend._warm.pipe.vae), "the timing wrapper is gone"
    backend.run(video(TINY_LTX), context(project, video_models))
    assert decodes == [1], "the next run decodes as usual"
