"""The diffusers backend: a request run through a local diffusers pipeline, kept warm.

It runs inside the worker process (torch and diffusers are imported there, lazily). For each
request it finds the model in the models folder (:mod:`studio.engine.model_lookup`: the entry is
built once per model and kept while its files are unchanged), checks the request against it (the
model's content hash, kind, size and frame-count rules), and reuses the pipeline loaded for the
previous request when it is the same model: the warm pipeline is swapped (unloaded, memory freed)
only when another model is needed. The placement (device, dtype, offload tier) comes from
:mod:`studio.engine.device`; an out-of-memory error frees memory, steps one tier down, reloads
and tries again, and at the bottom becomes a :class:`BackendError` that says what to change.

Image requests (:mod:`.diffusion_image`) make a still, save it as the keyframe and hold it for
the shot under a moving camera; video requests (:mod:`.diffusion_video`) encode the model's
frames. LoRAs and IP-Adapters: :mod:`.diffusion_adapters`. Progress, cancel, seed, timing:
:mod:`.diffusion_call`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from studio.core.kinds import Backend, ModelKind
from studio.core.request import ImageRequest, Request, RequestKind
from studio.core.result import Rendered, Timings
from studio.core.time import FrameRate
from studio.engine import device
from studio.engine import model_files as mf
from studio.engine.backends import diffusion_adapters as adapters
from studio.engine.backends.base import BackendError, Cancelled, RunContext
from studio.engine.backends.diffusion_call import PipelineCall
from studio.engine.backends.diffusion_image import image_kwargs, still_of, write_image_take
from studio.engine.backends.diffusion_video import (
    check_video,
    frames_of,
    video_kwargs,
    write_video_take,
)
from studio.engine.device import DeviceInfo, Placement, Tier
from studio.engine.model_lookup import ModelLookup, NotInstalled, for_folder
from studio.engine.registry import ModelEntry, ModelError, load_pipeline

log = logging.getLogger(__name__)

IMAGE_KINDS = (ModelKind.TEXT_TO_IMAGE,)
VIDEO_KINDS = (ModelKind.TEXT_TO_VIDEO, ModelKind.IMAGE_TO_VIDEO)
DEFAULT_MULTIPLE = 8  # the VAE's downscale, for a family without rules


@dataclass
class _Warm:
    """The pipeline kept loaded between requests."""

    key: tuple[str, str, Placement]  # model name, content hash, placement
    pipe: Any
    scheduler: Any  # the model's own scheduler, restored when a request names none
    loaded: adapters.Loaded = field(default_factory=adapters.Loaded)


@dataclass(frozen=True)
class _Plan:
    """A checked request, ready to run."""

    entry: ModelEntry
    kwargs: dict[str, Any]
    wanted: adapters.Adapters
    fps: str


class DiffusersBackend:
    """Runs image and video requests through diffusers pipelines on the worker's device."""

    name = Backend.DIFFUSERS

    def __init__(self) -> None:
        self._warm: _Warm | None = None

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        if ctx.cancelled():
            raise Cancelled()
        plan = self._plan(request, ctx)
        output, call, load, placement = self._generate(plan, request, ctx)
        if isinstance(request, ImageRequest):
            still = still_of(output, request)
            del output
            made = write_image_take(still, request, ctx, plan.fps)
            frames = request.frames
        else:
            video = frames_of(output)
            del output
            made = write_video_take(video, request, ctx.output, plan.fps, ctx.cancelled)
            frames = len(video)
        pipeline_s = call.times.denoise + call.times.decode
        timings = Timings(
            load=load,
            denoise=call.times.denoise,
            decode=call.times.decode + made.frames,
            encode=made.encode,
            gpu=pipeline_s if placement.device != "cpu" else 0.0,
        )
        return Rendered(request.width, request.height, frames, plan.fps, timings)

    def unload(self) -> None:
        """Let go of the warm pipeline and give its memory back."""
        if self._warm is not None:
            self._warm = None
            device.free_memory()

    # --- checking the request --------------------------------------------------------------

    def _plan(self, request: Request, ctx: RunContext) -> _Plan:
        lookup = for_folder(ctx.models_dir)
        entry = _model(lookup, request)
        try:
            fps = str(FrameRate.parse(request.fps))
        except ValueError as e:
            raise BackendError(str(e)) from None
        multiple, frame_step = _rules(entry.family)
        w, h = request.width, request.height
        if w <= 0 or h <= 0 or w % multiple or h % multiple or w % 2 or h % 2:
            raise BackendError(
                f"{entry.name} ({entry.family or 'unknown family'}) needs a width and height "
                f"divisible by {max(multiple, 2)}, got {w}×{h}"
            )
        if request.frames < 1:
            raise BackendError(f"a take needs at least one frame, got {request.frames}")
        if request.steps < 1:
            raise BackendError(f"a request needs at least one step, got {request.steps}")
        if isinstance(request, ImageRequest):
            kwargs = image_kwargs(request, entry)
        else:
            check_video(request, entry, frame_step)
            kwargs = video_kwargs(request, entry, ctx)
        wanted = adapters.resolve(request, lookup, entry, ctx)
        images = adapters.reference_images(wanted)
        if images is not None:
            kwargs["ip_adapter_image"] = images
        return _Plan(entry, kwargs, wanted, fps)

    # --- running it, stepping down on out-of-memory ----------------------------------------

    def _generate(
        self, plan: _Plan, request: Request, ctx: RunContext
    ) -> tuple[Any, PipelineCall, float, Placement]:
        entry = plan.entry
        placement = self._placement(entry, ctx)
        load = 0.0
        while True:
            try:
                start = time.perf_counter()
                warm, loaded = self._ensure(plan, placement)
                if loaded:
                    load += time.perf_counter() - start
                if ctx.cancelled():  # cancelled while a big model was loading
                    raise Cancelled()
                _set_scheduler(warm, request.scheduler, entry.name)
                _check_steps(warm.pipe.scheduler, request.steps, entry.name)
                call = PipelineCall(warm.pipe, ctx, family=entry.family,
                                    device=placement.device, steps=request.steps)  # fmt: skip
                try:
                    output = call.run(self._invoke, plan.kwargs, request.seed)
                except ValueError as e:  # the pipeline's own input checks
                    raise BackendError(f"{entry.name} refused the request: {mf.one_line(e)}") from e
                except (ImportError, NameError) as e:  # an optional package the pipeline uses
                    raise BackendError(
                        f"{entry.name} needs a package that is not installed: {mf.one_line(e)}"
                    ) from e
                return output, call, load, placement
            except (Cancelled, BackendError):
                raise
            except Exception as exc:
                if not device.is_oom(exc):
                    raise
            # Out of memory; out of the except block, so the error's frames (and the tensors
            # they hold) are gone before the memory is freed.
            self.unload()
            lower = self._lower(placement)
            if lower is None:
                raise BackendError(_oom_message(entry, request, placement))
            log.warning("out of memory at %s; trying %s", placement.describe(), lower.describe())
            placement = lower

    def _placement(self, entry: ModelEntry, ctx: RunContext) -> Placement:
        """The warm pipeline's placement for the same model (kept, even when it was lowered
        after an out-of-memory error), else one chosen for the free memory now."""
        warm = self._warm
        if warm is not None and warm.key[:2] == (entry.name, entry.hash):
            return warm.key[2]
        self.unload()  # measure the free memory without the previous model in it
        info = self._device_info(ctx)
        total, largest = footprint(entry) if info.is_gpu else (0, 0)
        return device.choose(info, total, largest)

    def _ensure(self, plan: _Plan, placement: Placement) -> tuple[_Warm, bool]:
        """The warm pipeline for ``plan`` at ``placement``, loading or adapting it as needed;
        and whether anything was loaded."""
        entry = plan.entry
        key = (entry.name, entry.hash, placement)
        warm = self._warm
        if warm is not None and warm.key == key:
            changed = plan.wanted.lora_files != warm.loaded.loras or (
                plan.wanted.ip_key != warm.loaded.ip_key
            )
            if not changed:
                adapters.sync(warm.pipe, warm.loaded, plan.wanted, entry.name)  # weights, scale
                return warm, False
            if placement.tier is Tier.FULL:  # adapt in place, then put the new parts on device
                self._adapt(warm, plan)
                self._apply(warm.pipe, placement)
                return warm, True
        self.unload()
        pipe = self._load(entry, placement)
        warm = _Warm(key, pipe, pipe.scheduler)
        self._warm = warm
        self._adapt(warm, plan)
        self._apply(pipe, placement)
        return warm, True

    def _adapt(self, warm: _Warm, plan: _Plan) -> None:
        try:
            adapters.sync(warm.pipe, warm.loaded, plan.wanted, plan.entry.name)
        except BackendError:
            self.unload()  # half-adapted: start clean next time
            raise

    def _load(self, entry: ModelEntry, placement: Placement) -> Any:
        try:
            pipe = load_pipeline(entry, torch_dtype=device.torch_dtype(placement))
        except ModelError as e:
            raise BackendError(_with_hint(str(e))) from e
        except (ImportError, RuntimeError, TypeError, AttributeError) as e:
            if device.is_oom(e):
                raise
            raise BackendError(f"{entry.name} failed to load: {mf.one_line(e)}") from e
        pipe.set_progress_bar_config(disable=True)
        log.info("loaded %s on %s", entry.name, placement.describe())
        return pipe

    # --- seams: what a test (or another device policy) may replace --------------------------

    def _device_info(self, ctx: RunContext) -> DeviceInfo:
        if not ctx.device.startswith("cuda"):
            return DeviceInfo(name="cpu", label="cpu", total_bytes=0, free_bytes=0)
        index = int(ctx.device.partition(":")[2] or 0)
        return device.detect(index)

    def _lower(self, placement: Placement) -> Placement | None:
        return device.lower(placement)

    def _apply(self, pipe: Any, placement: Placement) -> None:
        try:
            device.apply(pipe, placement)
        except (ImportError, ValueError) as e:
            raise BackendError(
                f"cannot place the model ({placement.describe()}): {mf.one_line(e)}"
            ) from e

    def _invoke(self, pipe: Any, kwargs: dict[str, Any]) -> Any:
        return pipe(**kwargs)


def _model(lookup: ModelLookup, request: Request) -> ModelEntry:
    try:
        entry = lookup.find(request.model)
    except NotInstalled as missing:
        names = [e.name for e in missing.registry if e.kind in (*IMAGE_KINDS, *VIDEO_KINDS)]
        raise BackendError(
            f"no model named {request.model!r} is installed in {missing.registry.root} "
            f"(installed: {', '.join(names) or 'none'})"
        ) from None
    if request.model_hash and request.model_hash != entry.hash:
        raise BackendError(
            f"model {entry.name} changed since this request was made (its files are not the "
            "ones the request recorded): make a new request to use it as it is now"
        )
    kinds = IMAGE_KINDS if request.kind is RequestKind.IMAGE else VIDEO_KINDS
    if entry.kind not in kinds:
        wants = " or ".join(k.value for k in kinds)
        article = "an" if request.kind is RequestKind.IMAGE else "a"
        raise BackendError(
            f"{entry.name} is of kind {entry.kind.value}; {article} {request.kind.value} request "
            f"needs a {wants} model"
        )
    return entry


def _rules(family: str) -> tuple[int, int]:
    """(size multiple, frame step) for ``family``."""
    from studio.engine.families import rules_for

    try:
        rules = rules_for(family)
    except KeyError:
        return DEFAULT_MULTIPLE, 0
    return rules.multiple, rules.frame_step


def _set_scheduler(warm: _Warm, name: str, model: str) -> None:
    """The scheduler a request names (built from the model's own config), else the model's."""
    own = warm.scheduler
    if not name or name == type(own).__name__:
        warm.pipe.scheduler = own
        return
    import diffusers

    fits = [c for c in getattr(own, "compatibles", ()) if "dummy" not in c.__module__]
    cls = getattr(diffusers, name, None)
    usable = ", ".join(sorted({type(own).__name__, *(c.__name__ for c in fits)}))
    if not isinstance(cls, type) or not issubclass(cls, diffusers.SchedulerMixin):
        raise BackendError(f"unknown scheduler {name!r} (for {model}: {usable})")
    if cls not in fits:
        raise BackendError(f"scheduler {name} does not work with {model} (use one of: {usable})")
    warm.pipe.scheduler = cls.from_config(own.config)


def _check_steps(scheduler: Any, steps: int, model: str) -> None:
    """A schedule of N training timesteps runs fewer than N steps (DDIM's N-th step would index
    past its table)."""
    limit = getattr(getattr(scheduler, "config", None), "num_train_timesteps", None)
    if isinstance(limit, int) and steps >= limit:
        name = type(scheduler).__name__
        raise BackendError(f"{model} with {name} runs at most {limit - 1} steps, got {steps}")


def _with_hint(message: str) -> str:
    """A load error, with the package to install when diffusers' reason is that one is missing."""
    from importlib.util import find_spec

    if "low_cpu_mem_usage" in message and find_spec("accelerate") is None:
        return f"{message} (this model needs the accelerate package: pip install accelerate)"
    return message


def _oom_message(entry: ModelEntry, request: Request, placement: Placement) -> str:
    frames = f", {request.frames} frames" if request.kind is RequestKind.VIDEO else ""
    size = f"{request.width}×{request.height}{frames}"
    if placement.device == "cpu":
        return (
            f"out of memory running {entry.name} at {size} on the CPU: try a smaller size, "
            "fewer frames, closing other programs, or a smaller model"
        )
    return (
        f"out of GPU memory running {entry.name} at {size}, even at {placement.describe()}: "
        "try a smaller size, fewer frames, closing other programs that use the GPU, or a "
        "smaller model"
    )


def footprint(entry: ModelEntry) -> tuple[int, int]:
    """Bytes the pipeline's weights take at 16 bits: in all, and its largest component.
    Variant files (``*.fp16.safetensors``) beside full ones are not loaded, so not counted."""
    per: dict[str, int] = {}
    files = sorted(entry.path.rglob("*.safetensors"))
    plain = {f.parent for f in files if not _is_variant(f.name)}
    for file in files:
        if _is_variant(file.name) and file.parent in plain:
            continue
        rel = file.relative_to(entry.path)
        component = rel.parts[0] if len(rel.parts) > 1 else ""
        size = file.stat().st_size
        try:
            if mf.main_dtype(file) == "F32":
                size //= 2
        except mf.UnreadableWeights:
            pass
        per[component] = per.get(component, 0) + size
    if not per:
        return entry.size, entry.size
    return sum(per.values()), max(per.values())


def _is_variant(name: str) -> bool:
    return any(f".{v}." in name or f".{v}-" in name for v in ("fp16", "bf16"))


__all__ = ["DiffusersBackend", "footprint"]
