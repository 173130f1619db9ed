"""The worker process: owns one device, keeps backends (and their pipelines) warm, runs one
request at a time.

Started with the ``spawn`` method by :mod:`studio.engine.process_executor`; it talks over a
``multiprocessing`` pipe and watches a shared event for cancel. Messages, parent → worker::

    ("run", RunOrder)          ("stop",)

worker → parent::

    ("ready", device)                        ("progress", job_id, step, total, preview_png)
    ("done", job_id, TakeResult as json)     ("failed", job_id, message)
    ("cancelled", job_id)

A take is written under a temporary name and renamed only when complete, so a killed worker
never leaves a half-written take under its real name.

The worker watches the process that started it (:func:`watch_parent`): when that parent dies
(killed, crashed) the running job is interrupted, its temporary files are removed and the worker
exits within seconds instead of rendering on for nobody. (Not ``PR_SET_PDEATHSIG``: it fires
when the *thread* that spawned the worker ends, and the executor spawns from a feeding thread.)
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.core import kinds
from studio.core.request import RequestKind, request_from_json
from studio.core.result import Rendered, TakeResult
from studio.engine.backends.base import Backend, BackendError, Cancelled, RunContext
from studio.engine.crash_log import failure_line
from studio.media.cpu_priority import WORKER, lower_this_process

_PICTURES = (RequestKind.IMAGE, RequestKind.VIDEO, RequestKind.LIPSYNC)  # takes with a poster

BUILTIN_BACKENDS = {
    kinds.Backend.ANIMATIC: "studio.engine.backends.animatic:AnimaticBackend",
    kinds.Backend.DIFFUSERS: "studio.engine.backends.diffusion:DiffusersBackend",
    kinds.Backend.LANGUAGE_MODEL: "studio.engine.backends.language_model:LanguageModelBackend",
    kinds.Backend.TRANSLATION_MODEL: (
        "studio.engine.backends.translation_model:TranslationModelBackend"
    ),
}
PREVIEW_EDGE = 256  # longest side of a progress preview, in pixels
PARENT_POLL_S = 0.5  # how often the worker looks whether its parent is still there
ORPHAN_GRACE_S = 3.0  # time the running job gets to stop cleanly once the parent is gone


@dataclass(frozen=True)
class WorkerConfig:
    models_dir: str
    device_index: int = 0
    backends: dict[str, str] = field(default_factory=dict)  # name -> "module:Class", added


@dataclass(frozen=True)
class RunOrder:
    job_id: str
    request: dict[str, Any]
    project_dir: str
    media: str  # final take path, relative to project_dir
    keyframe: str = ""  # image requests: final still path, relative; "" for none
    poster: bool = True  # keep a picture take's first frame beside its proxy (a project folder)


def worker_main(conn: Any, cancel: Any, config: WorkerConfig) -> None:
    """Entry point of the spawned process."""
    from studio.engine.models_dir import hf_offline

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle: it stops us
    lower_this_process(WORKER)  # under load, the window's GUI thread runs before generation
    hf_offline()
    runner = Runner(config, cancel)
    watch_parent(runner.orphaned)
    conn.send(("ready", runner.device_label()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the app went away
            return
        if message[0] == "stop":
            return
        if message[0] == "run":
            order = message[1]
            try:
                runner.run(order, conn.send)
            except Exception as exc:  # last resort: a job's failure never ends the worker
                _quiet(conn.send)(("failed", order.job_id, failure_line(exc)))


class Runner:
    """Runs orders in this process with warm backends."""

    def __init__(self, config: WorkerConfig, cancel: Any) -> None:
        self.config = config
        self.cancel = cancel
        self.table = {**BUILTIN_BACKENDS, **config.backends}
        self.backends: dict[str, Backend] = {}
        self._device: str | None = None
        self._orphaned = threading.Event()  # the parent is gone: stop the job, send nothing
        self._idle = threading.Event()
        self._idle.set()
        self._temps: list[Path] = []  # the running job's temporary files

    def orphaned(self) -> None:
        """The parent is gone: interrupt the running job, remove its files and exit."""
        self._orphaned.set()
        self._idle.wait(ORPHAN_GRACE_S)  # a backend that checks ``cancelled`` stops by then
        _remove(list(self._temps))
        os._exit(0)

    def device_label(self) -> str:
        if self._device is None:
            from studio.engine.device import detect

            self._device = detect(self.config.device_index).describe()
        return self._device

    def run(self, order: RunOrder, send: Any) -> None:
        job = order.job_id
        root = Path(order.project_dir)
        media = root / order.media
        keyframe = root / order.keyframe if order.keyframe else None
        temps = [_temp_name(p) for p in (media, keyframe) if p is not None]
        self._temps, self._idle = temps, threading.Event()
        send = _quiet(send)
        try:
            request = request_from_json(order.request)
            backend = self._backend(request.backend.value)
            media.parent.mkdir(parents=True, exist_ok=True)
            ctx = RunContext(
                project_dir=root,
                models_dir=Path(self.config.models_dir),
                output=temps[0],
                keyframe_output=temps[1] if keyframe is not None else None,
                progress=lambda step, total, preview=None: send(
                    ("progress", job, step, total, _preview_png(preview))
                ),
                cancelled=lambda: self.cancel.is_set() or self._orphaned.is_set(),
                device=self.device_label().split(" ")[0],
            )
            rendered = backend.run(request, ctx)
            if self.cancel.is_set():
                raise Cancelled
            _check_written(temps[0], "take")
            if keyframe is not None and request.kind is RequestKind.IMAGE:
                _check_written(temps[1], "keyframe")
                os.replace(temps[1], keyframe)
            os.replace(temps[0], media)
            if order.poster and request.kind in _PICTURES:  # shown at once, before its proxy
                _poster(root, media)
        except Cancelled:
            _remove(temps)
            send(("cancelled", job))
        except BackendError as exc:
            _remove(temps)
            send(("failed", job, str(exc)))
        except Exception as exc:  # a bug or an unexpected library error: keep the worker alive
            _remove(temps)
            send(("failed", job, failure_line(exc)))  # the traceback goes to the log file
        else:
            result = TakeResult(
                media=order.media,
                keyframe=order.keyframe if keyframe is not None else "",
                rendered=rendered,
                device=self.device_label(),
            )
            send(("done", job, result.to_json()))
        finally:
            self._temps = []
            self._idle.set()

    def _backend(self, name: str) -> Backend:
        backend = self.backends.get(name)
        if backend is None:
            target = self.table.get(name)
            if target is None:
                raise BackendError(f"unknown backend {name!r} (have: {', '.join(self.table)})")
            module, _, cls = target.partition(":")
            backend = getattr(importlib.import_module(module), cls)()
            self.backends[name] = backend
        return backend


def watch_parent(on_orphaned: Callable[[], None]) -> threading.Thread:
    """Call ``on_orphaned()`` (on a daemon thread) once the process that started this one is
    gone: multiprocessing's parent sentinel closes, or (any platform) the parent pid changes."""
    parent = multiprocessing.parent_process()
    sentinel = parent.sentinel if parent is not None else None
    parent_pid = os.getppid()

    def watch() -> None:
        while True:
            if sentinel is not None:
                if multiprocessing.connection.wait([sentinel], PARENT_POLL_S):
                    break
            else:
                time.sleep(PARENT_POLL_S)
            if os.getppid() != parent_pid:
                break
        on_orphaned()

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


def _quiet(send: Callable[[Any], None]) -> Callable[[Any], None]:
    """``send`` that ignores a closed pipe (the parent left; the watcher ends this process)."""

    def quiet(message: Any) -> None:
        with contextlib.suppress(OSError, EOFError, ValueError):
            send(message)

    return quiet


def result_from_json(raw: dict[str, Any]) -> TakeResult:
    from studio.core.result import Timings

    rendered = dict(raw["rendered"])
    rendered["timings"] = Timings(**rendered["timings"])
    return TakeResult(
        media=raw["media"],
        keyframe=raw["keyframe"],
        rendered=Rendered(**rendered),
        device=raw["device"],
    )


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.stem}.part{path.suffix}")


def _check_written(path: Path, what: str) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise BackendError(f"the backend wrote no {what} file")


def _poster(root: Path, media: Path) -> None:
    """Keep the take's first frame as its poster (:mod:`studio.media.posters`)."""
    from studio.media.frame_proxies import PROXIES  # cv2: loaded with the first picture
    from studio.media.posters import make_poster

    make_poster(root / PROXIES, media)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError, ValueError):  # ValueError: a NUL in the name
            path.unlink()


def _preview_png(frame: Any) -> bytes | None:
    """A small PNG of a preview frame (RGB array), cheap to send over the pipe."""
    if frame is None:
        return None
    import cv2

    h, w = frame.shape[:2]
    scale = PREVIEW_EDGE / max(h, w)
    if scale < 1:
        frame = cv2.resize(frame, (max(1, round(w * scale)), max(1, round(h * scale))))
    ok, data = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    return data.tobytes() if ok else None
