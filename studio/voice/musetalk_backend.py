"""MuseTalk lip-sync as the worker runs it: the model stays loaded between takes."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from studio.core.kinds import Backend, ModelKind
from studio.core.request import LipSyncRequest
from studio.core.result import Rendered, Timings
from studio.core.voicing import SAMPLE_RATE
from studio.engine.backends.base import BackendError, RunContext
from studio.engine.model_lookup import installed_model
from studio.voice.lipsync import checked_rate, footage, write_take
from studio.voice.shot_speech import load_lines, shot_audio

MUSETALK_RATE = 16000  # the audio rate its whisper encoder hears


class MuseTalkBackend:
    name = Backend.MUSETALK

    def __init__(self) -> None:
        self._loaded: tuple[Path, Any] | None = None

    def run(self, request: LipSyncRequest, ctx: RunContext) -> Rendered:
        from studio.media.audio import resample, write_wav
        from studio.voice.musetalk import MuseTalkError

        fps = checked_rate(request, "MuseTalk")
        start = time.perf_counter()
        try:
            model = self._model(request, ctx)
        except MuseTalkError as exc:
            raise BackendError(str(exc)) from None
        load = time.perf_counter() - start
        heard = load_lines(ctx.project_dir, request.lines)
        audio = shot_audio(ctx.project_dir, heard, fps, request.frames)
        shot = footage(request, fps, ctx)
        begun = time.perf_counter()
        try:
            frames = model.sync(
                list(shot.frames()),
                resample(audio, SAMPLE_RATE, MUSETALK_RATE),
                float(fps),
                [box.face for box in shot.boxes],
                progress=lambda done, total: ctx.progress(done, total, None),
                cancelled=ctx.cancelled,
            )
        except MuseTalkError as exc:
            raise BackendError(str(exc)) from None
        denoise = time.perf_counter() - begun
        with tempfile.TemporaryDirectory(prefix="musetalk-") as tmp:
            sound = Path(tmp) / "dialogue.wav"
            write_wav(sound, audio)
            size = (shot.width, shot.height)
            encode = write_take(frames, size, fps, request.frames, sound, ctx)
        timings = Timings(load=load, denoise=denoise, encode=encode, gpu=load + denoise)
        return Rendered(shot.width, shot.height, request.frames, str(fps), timings)

    def _model(self, request: LipSyncRequest, ctx: RunContext) -> Any:
        from studio.voice.musetalk import MuseTalk

        entry = installed_model(
            ctx.models_dir, request.model, request.model_hash, ModelKind.LIPSYNC
        )
        if self._loaded is None or self._loaded[0] != entry.path:
            # diffusers and transformers read .bin weights with torch.load(weights_only=True),
            # and unet.pth is read the same way: no pickle code runs, so no trust is needed.
            model = MuseTalk.load(entry.path, device=ctx.device, allow_pickle=True)
            self._loaded = (entry.path, model)
        return self._loaded[1]
