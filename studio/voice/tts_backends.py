"""Speech backends as the worker runs them: a :class:`VoiceRequest` in, a 48 kHz WAV out.

``espeak`` is built in (espeak-ng from the ``espeakng-loader`` wheel, no weights); ``kokoro``
runs Kokoro-82M from the models folder. Both hand back the line's word and phoneme timing in
``Rendered.facts["timing"]`` (samples at the request's rate), trimmed of leading and trailing
silence so lines sit tight in their shot.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from studio.core.kinds import Backend
from studio.core.request import VoiceRequest
from studio.core.result import Rendered, Timings
from studio.core.speech_timing import Mark, SpeechTiming
from studio.engine.backends.base import BackendError, Cancelled, RunContext

SILENCE = 10 ** (-50 / 20)  # −50 dBFS: quieter than this at the ends is trimmed
MARGIN_S = 0.03  # kept around the speech when trimming


def trim_silence(samples: np.ndarray, timing: SpeechTiming) -> tuple[np.ndarray, SpeechTiming]:
    """``samples`` without silence at the ends (a short margin kept), timing moved to match."""
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if loud.size == 0:
        return samples[:0], SpeechTiming(timing.sample_rate, 0)
    margin = round(MARGIN_S * timing.sample_rate)
    first = max(0, int(loud[0]) - margin)
    last = min(len(samples), int(loud[-1]) + 1 + margin)
    if timing.words:  # never cut into a word the engine says is there
        first = min(first, timing.words[0].start)
        last = max(last, min(len(samples), timing.words[-1].end))
    kept = samples[first:last]

    def clip(marks: tuple[Mark, ...]) -> tuple[Mark, ...]:
        out = []
        for m in marks:
            start, end = max(m.start - first, 0), min(m.end - first, len(kept))
            if end > start:
                out.append(Mark(start, end, m.text))
        return tuple(out)

    return kept, SpeechTiming(
        timing.sample_rate, len(kept), clip(timing.words), clip(timing.phonemes)
    )


def finish_line(
    samples: np.ndarray,
    timing: SpeechTiming,
    request: VoiceRequest,
    ctx: RunContext,
    seconds: float,
    volume: float = 1.0,
) -> Rendered:
    """Trim, bring to the request's rate and volume, write the WAV; what the worker reports."""
    from studio.media.audio import resample, write_wav

    if ctx.cancelled():
        raise Cancelled()
    samples, timing = trim_silence(np.asarray(samples, dtype=np.float32), timing)
    if not len(samples):
        raise BackendError(f"the voice made no sound for {request.text!r}")
    rate = request.sample_rate
    if timing.sample_rate != rate:
        samples = resample(samples, timing.sample_rate, rate)
        timing = timing.rescaled(rate, len(samples))
    samples = np.clip(samples * volume, -1.0, 1.0)
    start = time.perf_counter()
    write_wav(ctx.output, samples, rate)
    encode = time.perf_counter() - start
    ctx.progress(1, 1, None)
    return Rendered(
        width=0,
        height=0,
        frames=0,
        fps="",
        timings=Timings(denoise=seconds, encode=encode),
        facts={"timing": timing.to_json()},
    )


class EspeakBackend:
    """espeak-ng: every language it knows, offline, on the CPU."""

    name = Backend.ESPEAK

    def run(self, request: VoiceRequest, ctx: RunContext) -> Rendered:
        from studio.voice.espeak import SpeechError, synthesize, voice_for_language

        if not isinstance(request, VoiceRequest):
            raise BackendError(f"espeak speaks dialogue lines, not {request.kind.value} requests")
        start = time.perf_counter()
        try:
            voice = request.voice or voice_for_language(request.language)
            speech = synthesize(
                request.text,
                voice=voice,
                rate=request.rate,
                pitch=request.pitch,
                volume=request.volume,
                whisper=request.whisper,
            )
        except SpeechError as exc:
            raise BackendError(str(exc)) from None
        seconds = time.perf_counter() - start
        return finish_line(speech.samples, speech.timing, request, ctx, seconds)


class KokoroBackend:
    """Kokoro-82M from the models folder; kept loaded between lines."""

    name = Backend.KOKORO

    def __init__(self) -> None:
        self._loaded: tuple[Path, Any] | None = None

    def run(self, request: VoiceRequest, ctx: RunContext) -> Rendered:
        from studio.voice.kokoro_tts import KokoroError

        if not isinstance(request, VoiceRequest):
            raise BackendError(f"kokoro speaks dialogue lines, not {request.kind.value} requests")
        start = time.perf_counter()
        try:
            model = self._model(request, ctx)
            load = time.perf_counter() - start
            samples, timing = model.synthesize(
                request.text, voice=request.voice, language=request.language, speed=request.rate
            )
        except KokoroError as exc:
            raise BackendError(str(exc)) from None
        seconds = time.perf_counter() - start - load
        # Kokoro has no pitch control and cannot whisper: rate and volume are honoured.
        return finish_line(samples, timing, request, ctx, seconds, volume=request.volume)

    def _model(self, request: VoiceRequest, ctx: RunContext) -> Any:
        from studio.voice.kokoro_tts import KokoroVoice
        from studio.voice.models import voice_model_folder

        folder = voice_model_folder(ctx.models_dir, request.model, request.model_hash)
        if self._loaded is None or self._loaded[0] != folder:
            self._loaded = (folder, KokoroVoice.load(folder, device=ctx.device))
        return self._loaded[1]
