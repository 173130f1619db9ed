"""A character's voice, heard from the bible: a sample line rendered off the GUI thread and
played through :class:`~studio.ui.player.audio_out.AudioOut`.

The sample is the character's first spoken line in the project (with its delivery), else a
stock sentence in their language; its request is built by :func:`studio.voice.plan.line_request`,
so the preview sounds exactly as the line will when voiced. espeak-ng is light (ctypes, no
torch): it renders in a thread of this process. Kokoro needs torch, which the window never
imports: it renders in a spawned helper process, kept for the next preview so the model stays
loaded. This module imports no Qt; ``done`` callbacks come from a background thread.
"""

from __future__ import annotations

import itertools
import multiprocessing
import re
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from studio.core.kinds import Backend
from studio.core.model import Character, DialogueLine, Project, Shot, ShotKind
from studio.core.request import VoiceRequest
from studio.ui.player.audio_out import SAMPLE_RATE, AudioOut
from studio.voice.plan import line_request

STOCK_LINES = {
    "en": "Hello. This is my voice, and this is how I sound when I speak.",
    "zh": "你好。这是我的声音，我说话就是这样的。",
    "ja": "こんにちは。これが私の声です。",
    "ko": "안녕하세요. 이것이 제 목소리입니다.",
}
PREVIEW_SHOT = "voice-preview"
_UNSAFE = re.compile(r"[^\w-]+")

Done = Callable[[Path | None, str], None]  # (the WAV, "") or (None, why it failed)


def sample_line(project: Project, name: str) -> tuple[Shot, int] | None:
    """The character's first spoken dialogue line in the project: (its shot, its index)."""
    for shot in project.shots():
        for index, line in enumerate(shot.dialogue):
            if line.character == name and line.text.strip():
                return shot, index
    return None


def preview_request(project: Project, character: Character) -> VoiceRequest:
    """The request that speaks the sample line of ``character`` (one of the project's) with
    their voice settings."""
    found = sample_line(project, character.name)
    request = line_request(project, *found) if found is not None else None
    if request is not None:
        return request
    language = (character.voice.language or project.language or "en").split("-")[0].lower()
    text = STOCK_LINES.get(language, STOCK_LINES["en"])
    stock = Shot(
        id=PREVIEW_SHOT,
        kind=ShotKind.DIALOGUE,
        description="",
        duration_frames=1,
        dialogue=[DialogueLine(character.name, text)],
    )
    request = line_request(project, stock, 0)  # finds the character by name
    assert request is not None  # the stock line says something
    return request


def render_line(request: VoiceRequest, output: Path, models_dir: Path) -> None:
    """Render ``request`` to the WAV ``output`` here (the backend must be espeak: no torch)."""
    from studio.engine.backends.base import RunContext
    from studio.voice.tts_backends import EspeakBackend, KokoroBackend

    backend = EspeakBackend() if request.backend == Backend.ESPEAK else _kokoro(KokoroBackend)
    ctx = RunContext(
        project_dir=output.parent,
        models_dir=models_dir,
        output=output,
        keyframe_output=None,
        progress=lambda *_: None,
        cancelled=lambda: False,
    )
    backend.run(request, ctx)


_KOKORO: list[Any] = []  # the helper process's Kokoro backend, kept loaded between previews


def _kokoro(make: Callable[[], Any]) -> Any:
    if not _KOKORO:
        _KOKORO.append(make())
    return _KOKORO[0]


def _render_in_helper(request: VoiceRequest, output: str, models_dir: str) -> str:
    """Run in the helper process: render, and say why not ("" when done)."""
    from studio.engine.backends.base import BackendError

    try:
        render_line(request, Path(output), Path(models_dir))
    except (BackendError, OSError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    return ""


class VoicePreview:
    """Renders sample lines one at a time and plays them; :meth:`close` when done with it."""

    def __init__(self, models_dir: Path, audio: AudioOut | None = None) -> None:
        self.models_dir = models_dir
        self.audio = audio if audio is not None else AudioOut()
        self._folder: tempfile.TemporaryDirectory[str] | None = None  # made on first use
        self._threads = ThreadPoolExecutor(1, thread_name_prefix="voice-preview")
        self._helper: ProcessPoolExecutor | None = None
        self._count = itertools.count(1)

    def render(self, request: VoiceRequest, done: Done) -> Path:
        """Render ``request`` in the background, then ``done(wav, "")`` or ``done(None, why)``
        from a background thread. Returns where the WAV will be."""
        stem = _UNSAFE.sub("-", request.character).strip("-") or "voice"
        if self._folder is None:  # removed by close(), or at exit
            self._folder = tempfile.TemporaryDirectory(
                prefix="studio-voice-preview-", ignore_cleanup_errors=True
            )
        output = Path(self._folder.name) / f"{stem}-{next(self._count)}.wav"
        self._threads.submit(self._work, request, output, done)
        return output

    def play(self, wav: Path) -> tuple[float, str]:
        """Play ``wav`` from its start: its length in seconds, and why it is not heard ("")."""
        from studio.media.audio import read_wav, resample

        samples, rate = read_wav(wav)
        if rate != SAMPLE_RATE:
            samples = resample(samples, rate, SAMPLE_RATE)
        mono = samples if samples.ndim == 1 else samples.mean(axis=1)
        self.audio.set_samples(np.column_stack([mono, mono]).astype(np.float32))
        self.audio.start(0.0)
        return len(mono) / SAMPLE_RATE, "" if self.audio.sounding else self.audio.reason

    def stop(self) -> None:
        self.audio.stop()

    def close(self) -> None:
        """Stop playing, stop the helper and delete the rendered files."""
        self.audio.stop()
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._helper is not None:
            self._helper.shutdown(wait=False, cancel_futures=True)
            self._helper = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def _work(self, request: VoiceRequest, output: Path, done: Done) -> None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            if request.backend == Backend.ESPEAK:
                render_line(request, output, self.models_dir)
                why = ""
            else:
                why = self._in_helper(request, output).result()
        except BrokenProcessPool as exc:  # the helper died (out of memory…): a new one next time
            self._helper = None
            why = f"the voice helper stopped ({exc})"
        except Exception as exc:  # BackendError, MediaError, OSError…: one line for the user
            why = str(exc) or type(exc).__name__
        if why:
            done(None, f"cannot preview the voice of {request.character}: {why}")
        else:
            done(output, "")

    def _in_helper(self, request: VoiceRequest, output: Path) -> Future[str]:
        if self._helper is None:
            spawn = multiprocessing.get_context("spawn")  # never fork a process running Qt
            self._helper = ProcessPoolExecutor(1, mp_context=spawn)
        return self._helper.submit(_render_in_helper, request, str(output), str(self.models_dir))
