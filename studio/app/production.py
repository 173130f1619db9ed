"""A project in production: its folder, its job queue and the worker that runs the queue, with
every finished result recorded where it belongs. The window and the command line both work
through one :class:`Production`.

**Threads.** The worker is fed by a thread of this process (:mod:`studio.engine.process_executor`,
or the farm's, :mod:`studio.engine.ray_executor`: see :mod:`studio.app.executors`); results and
queue events arrive on it. The project is only ever changed on the *owner's* thread
(the GUI thread, or the command's main thread): arrivals wait in a line, ``notify`` tells the
owner, and the owner calls :meth:`Production.deliver`, which records each waiting result and
hands every event, in order, to the listeners. The feeding thread waits until its result is
recorded, so a job is reported finished only once its take is in the project, and a result that
cannot be recorded fails its job with the reason.

**Closing** never waits for the worker: :meth:`close` returns at once; the running job is
interrupted and goes back to the queue, a result that arrives meanwhile is not recorded (its
job runs again next time), and the worker is shut down by a background thread, whose
:class:`Stopping` handle the caller keeps: opening the same project again waits for it first
(bounded), so two queues never write one ``jobs.json``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from studio.app.executors import ExecutorChoice, FeedingExecutor, build_executor
from studio.app.models import worker_config
from studio.app.results import Recorded, job_outputs, record_result
from studio.core.request import Request
from studio.core.result import TakeResult
from studio.core.store import ProjectFolder
from studio.engine.jobs import EventKind, Job, JobEvent, JobQueue, JobState
from studio.engine.worker_messages import NotRecorded

Event = JobEvent | Recorded  # what listeners are told
Listener = Callable[[Event], object]
ENDINGS = (EventKind.FINISHED, EventKind.FAILED, EventKind.CANCELLED)
CLOSE_WAIT_S = 30.0  # how long a new Production of the same folder waits for the old to stop


class Stopping:
    """A closed Production whose worker is still shutting down in the background."""

    def __init__(self, root: Path, stop: Callable[[], object]) -> None:
        self.root = root
        self._thread = threading.Thread(target=stop, name="studio-close-worker", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = CLOSE_WAIT_S) -> bool:
        """Wait (bounded) until it has stopped; whether it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()


class _Handover:
    """One result waiting for the owner's thread to record it."""

    def __init__(self, job: Job, take_id: str, result: TakeResult) -> None:
        self.args = (job, take_id, result)
        self.done = threading.Event()
        self.error: BaseException | None = None


class Production:
    """The jobs of one open project. ``persist``: the queue lives in the project's
    ``jobs.json`` (the window's and ``studio generate``'s); ``notify`` is called from any
    thread when :meth:`deliver` has something to do."""

    def __init__(
        self,
        folder: ProjectFolder,
        models_dir: Path | None = None,
        *,
        persist: bool = True,
        notify: Callable[[], object] | None = None,
        after: Stopping | None = None,
        executor: ExecutorChoice | None = None,
    ) -> None:
        """``after``: the previous Production of this folder, still stopping: waited for.
        ``executor``: the local worker (default) or the Ray farm; FarmUnavailable (one line)
        when the farm is chosen and Ray is not installed."""
        if after is not None and after.root == folder.root:
            after.wait()
        self.folder = folder
        self.choice = executor or ExecutorChoice()
        self.queue = JobQueue.open(folder.root) if persist else JobQueue()
        self._notify = notify or (lambda: None)
        self._arrived = threading.Event()
        self._arrivals: deque[_Handover | JobEvent] = deque()  # in the order they came
        self._listeners: list[Listener] = []
        self._closing = False
        self._stopping: Stopping | None = None
        self._started = False
        self.executor: FeedingExecutor = build_executor(
            self.choice, self.queue, folder.root, self._on_result, worker_config(models_dir),
            job_outputs(folder),
        )  # fmt: skip
        self._unsubscribe = self.queue.subscribe(self._on_event)

    @property
    def problems(self) -> list[str]:
        """Lines about the saved queue (a damaged ``jobs.json`` kept aside…)."""
        return list(self.queue.problems)

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Tell ``listener`` every event and every recorded result (on the owner's thread);
        returns the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # -- the queue ------------------------------------------------------------------------------

    def start(self, only: Iterable[str] | None = None) -> None:
        """Start feeding the worker (``only``: none but these jobs; others stay queued)."""
        if only is not None:
            self.executor.only = frozenset(only)
        if not self._started:
            self._started = True
            self.executor.start()
        self.executor.wake()

    def submit(self, requests: Sequence[Request], priority: int = 0) -> list[Job]:
        jobs = self.queue.submit_many(requests, priority=priority) if requests else []
        self.executor.wake()
        return jobs

    def jobs(self) -> list[Job]:
        return self.queue.jobs()

    def waiting(self) -> list[str]:
        """The ids of the jobs queued to run (not held)."""
        return [job.id for job in self.queue.jobs() if job.state is JobState.QUEUED]

    def cancel(self, job_id: str) -> None:
        self.executor.cancel(job_id)

    def retry(self, job_id: str) -> Job:
        job = self.queue.retry(job_id)
        self.executor.wake()
        return job

    def move(self, job_id: str, index: int) -> None:
        self.queue.move(job_id, index)

    def set_paused(self, paused: bool) -> None:
        if paused:
            self.queue.pause()
        else:
            self.queue.resume()
            self.executor.wake()

    def set_held(self, job_id: str, held: bool) -> None:
        if held:
            self.queue.hold(job_id)
        else:
            self.queue.release(job_id)
            self.executor.wake()

    # -- the owner's thread ---------------------------------------------------------------------

    def deliver(self) -> None:
        """Record the results waiting and tell the listeners what happened, in order."""
        self._arrived.clear()
        while self._arrivals:
            item = self._arrivals.popleft()
            if isinstance(item, _Handover):
                self._record(item)
            else:
                self._tell(item)

    def run(self, jobs: Sequence[Job], timeout: float = 10.0) -> None:
        """Run these jobs (and no other) until each has ended, delivering on this thread; the
        worker is stopped afterwards. For a command: the window keeps its queue running."""
        pending = {job.id for job in jobs}

        def watch(event: Event) -> None:
            if isinstance(event, JobEvent) and event.job is not None and event.kind in ENDINGS:
                pending.discard(event.job.id)  # a failure to be retried comes back as QUEUED

        stop_watching = self.listen(watch)
        try:
            self.start(only=[job.id for job in jobs])
            while pending:
                self._arrived.wait(0.2)
                self.deliver()
        finally:
            stop_watching()
            self.stop(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker and wait for it; a running job goes back to the queue. Results that
        arrive meanwhile are still recorded (this must be the owner's thread)."""
        stopper = threading.Thread(target=self.executor.stop, args=(timeout,), daemon=True)
        stopper.start()
        while stopper.is_alive():
            self.deliver()
            stopper.join(0.02)
        self.deliver()
        self._unsubscribe()

    def close(self) -> Stopping:
        """Stop without waiting (see the module's notes): returns at once."""
        if self._stopping is not None:
            return self._stopping
        self._closing = True
        self._unsubscribe()
        while self._arrivals:  # the feeding thread waits on a result: give it back
            item = self._arrivals.popleft()
            if isinstance(item, _Handover):
                item.error = NotRecorded()
                item.done.set()
        self._stopping = Stopping(self.folder.root, self.executor.stop)
        return self._stopping

    # -- other threads --------------------------------------------------------------------------

    def _on_event(self, event: JobEvent) -> None:
        self._arrivals.append(event)
        self._wake()

    def _on_result(self, job: Job, take_id: str, result: TakeResult) -> None:
        """On the feeding thread: wait until the owner's thread has recorded the result."""
        if self._closing:
            raise NotRecorded()
        handover = _Handover(job, take_id, result)
        self._arrivals.append(handover)
        self._wake()
        while not handover.done.wait(0.1):
            if self._closing:  # closed while this one was on its way: it runs again next time
                raise NotRecorded()
        if handover.error is not None:
            raise handover.error

    def _wake(self) -> None:
        self._arrived.set()
        self._notify()

    def _record(self, handover: _Handover) -> None:
        if self._closing:
            handover.error = NotRecorded()
            handover.done.set()
            return
        try:
            recorded = record_result(self.folder, *handover.args)
        except Exception as exc:  # the job fails with the reason; the app goes on
            handover.error = exc
            handover.done.set()
            return
        handover.done.set()
        self._tell(recorded)

    def _tell(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)
