"""What a command shows while its jobs run, and the summary after.

On a terminal, one line per worker, redrawn in place under a count::

    [3/10] jobs ended
    ray-0 (GPU 1)  [########............] sh-1a2b3c4d  step 8/20
    ray-1 (GPU 0)  [####################] sh-5e6f7a8b  done

In a log (stderr not a terminal), one line per ended job: ``[3/10] sh-1a2b3c4d · ray-0 (GPU 1)``
(with ``failed: …`` or ``cancelled``). The summary: takes made, failures, GPU-seconds (the time
the GPU workers spent on jobs; CPU-seconds where none has a GPU), wall time, the workers and
where their takes were written.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from studio.app.production import ENDINGS
from studio.engine.executor import WorkerInfo
from studio.engine.jobs import EventKind, JobEvent

BAR = 20  # characters in a worker's progress bar
DRAW_S = 0.1  # progress redraws the lines at most this often


class JobProgress:
    def __init__(self, total: int, quiet: bool, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr
        self.total = total
        self.done = 0
        self.quiet = quiet
        self.live = self.out.isatty() and not quiet
        self.lines: dict[str, str] = {}  # worker -> its line, in the order they appeared
        self._drawn = 0  # lines on screen to redraw
        self._at = 0.0  # when they were drawn

    def show(self, event: JobEvent) -> None:
        job, kind = event.job, event.kind
        if job is None:
            return
        if kind in ENDINGS:
            self.done += 1
        if self.quiet:
            return
        worker = job.worker or "worker"
        shot = job.request.target.label  # a shot's id, "reference of NAME", "episode N"
        if kind is EventKind.PROGRESS and event.total:
            self.lines[worker] = _line(worker, shot, event.step, event.total, f"step {event.step}")
        elif kind is EventKind.CHANGED and job.worker and not job.progress:
            self.lines[worker] = _line(worker, shot, 0, 1, "starting")
        elif kind in ENDINGS or (kind is EventKind.QUEUED and event.error):
            ended = "done" if kind is EventKind.FINISHED else f"{kind.value}: {event.error}"
            if kind is EventKind.QUEUED:
                ended = f"to be retried: {event.error}"
            if job.worker:
                self.lines[worker] = _line(worker, shot, 1, 1, ended.rstrip(": "))
            if not self.live:
                tail = "" if kind is EventKind.FINISHED else f"  {ended}".rstrip(": ")
                where = f" · {job.worker}" if job.worker else ""
                print(f"[{self.done}/{self.total}] {shot}{where}{tail}", file=self.out)
        else:
            return
        if self.live and (kind is not EventKind.PROGRESS or time.monotonic() - self._at > DRAW_S):
            self._draw()

    def end(self) -> None:
        if self.live and self._drawn:
            self._draw()  # the last steps, which may not have been drawn

    def _draw(self) -> None:
        rows = [f"[{self.done}/{self.total}] jobs ended", *self.lines.values()]
        up = f"\033[{self._drawn}F" if self._drawn else ""
        self.out.write(up + "".join(f"\033[K{row}\n" for row in rows))
        self.out.flush()
        self._drawn = len(rows)
        self._at = time.monotonic()


def _line(worker: str, shot: str, step: int, total: int, state: str) -> str:
    filled = BAR * min(step, total) // max(total, 1)
    return f"{worker:<16} [{'#' * filled}{'.' * (BAR - filled)}] {shot}  {state}"


def summary_lines(
    made: int, failed: int, workers: list[WorkerInfo], wall_s: float, notes: list[str]
) -> list[str]:
    """The lines printed after a run: totals, then one per worker, then notes."""
    gpu_s = sum(w.busy_s for w in workers if w.on_gpu)
    cpu_s = sum(w.busy_s for w in workers if not w.on_gpu)
    spent = [f"{s:.1f} {unit}-seconds" for s, unit in ((gpu_s, "GPU"), (cpu_s, "CPU")) if s]
    storages = sorted({w.storage for w in workers if w.storage})
    where = ""
    if storages == ["shared"]:
        where = "; takes written in place (the project folder is shared)"
    elif storages == ["object store"]:
        where = "; takes sent back through Ray's object store and written here"
    elif storages:
        where = "; takes written in place or sent back, by worker (see below)"
    lines = [
        f"summary: {made} made, {failed} failed, {', '.join(spent) or '0.0 CPU-seconds'}, "
        f"{wall_s:.1f} s wall, {len(workers)} worker{'s' * (len(workers) != 1)}{where}"
    ]
    for w in workers:
        device = f"GPU {','.join(w.gpus)}" if w.gpus else (w.device.split(" ")[0] or "cpu")
        gone = "" if w.alive else ", gone"
        store = f", {w.storage}" if w.storage and len(storages) > 1 else ""
        lines.append(f"  {w.name} ({device}): {w.jobs} job{'s' * (w.jobs != 1)}, "
                     f"{w.busy_s:.1f} s busy{store}{gone}")  # fmt: skip
    lines.extend(f"note: {note}" for note in notes)
    return lines
