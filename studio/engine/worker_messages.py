"""What a worker's messages about a job mean to the queue, for every executor that feeds one.

A worker (the local worker process, or a Ray actor running the same :class:`~studio.engine.worker.
Runner`) sends ``("progress", job_id, step, total, preview_png)``, then one of ``("done", job_id,
result_json)``, ``("failed", job_id, message)`` or ``("cancelled", job_id)``. :func:`report`
turns each into the queue's report; the executors differ only in how the messages travel.
Where a job's files go is decided here too (:func:`planned_outputs`), so every executor writes a
take under the same name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.core.assist import ASSIST_FOLDER
from studio.core.paths import resolve_inside
from studio.core.request import RequestKind
from studio.core.result import TakeResult
from studio.core.text_requests import AssistRequest, TranslateRequest
from studio.engine.jobs import Job, JobQueue
from studio.engine.worker import result_from_json

# Called with the job, the new take's id and the finished result; records the take.
OnResult = Callable[[Job, str, TakeResult], None]
# Where a job's files go: (media, keyframe) relative to the project folder ("" = no keyframe).
Outputs = Callable[[Job, str], tuple[str, str]]
ENDING = ("done", "failed", "cancelled")  # the messages that end a job


class NotRecorded(Exception):
    """Raised by ``on_result`` when the result cannot be taken now (the app is closing the
    project): the job goes back to the queue and runs again next time."""


def take_outputs(job: Job, take_id: str) -> tuple[str, str]:
    """A shot's take: ``takes/<shot>/<take>.mp4``, and its keyframe ``.png`` for image requests;
        the assistant's answers about an episode: ``assist/ep001/<task>-<take>.json``; an episode's
    machine translation: ``translations/<tag>/ep001-<take>.json``."""
    request = job.request
    if isinstance(request, AssistRequest):
        return f"{ASSIST_FOLDER}/ep{request.episode:03d}/{request.task}-{take_id}.json", ""
    if isinstance(request, TranslateRequest):
        return f"translations/{request.language}/ep{request.episode:03d}-{take_id}.json", ""
    media = f"takes/{request.shot_id}/{take_id}.mp4"
    keyframe = f"takes/{request.shot_id}/{take_id}.png" if request.kind is RequestKind.IMAGE else ""
    return media, keyframe


def planned_outputs(
    queue: JobQueue, job: Job, take_id: str, outputs: Outputs, project_dir: Path
) -> tuple[str, str] | None:
    """``outputs(job, take_id)`` checked to stay inside the project folder (links included);
    None, with the job failed and the reason given, when there is nowhere to put the result
    (its shot or character is gone, or a bad path)."""
    try:
        media, keyframe = outputs(job, take_id)
        for rel in filter(None, (media, keyframe)):
            resolve_inside(project_dir, rel)
    except (ValueError, KeyError) as exc:
        queue.failed(job.id, f"nowhere to put the result: {exc}", retry=False)
        return None
    return media, keyframe


def report(
    queue: JobQueue,
    job: Job,
    take_id: str,
    message: tuple[Any, ...],
    on_result: OnResult,
    *,
    stopping: bool,
) -> bool:
    """Report one worker message about ``job``; True when it ended the job. A cancel seen while
    ``stopping`` (the executor's own, not the user's) puts the job back in the queue."""
    kind = message[0]
    if kind == "progress":
        _, _, step, total, preview = message
        queue.progress(job.id, step, total, preview)
        return False
    if kind == "done":
        result = result_from_json(message[2])
        try:
            on_result(job, take_id, result)
        except NotRecorded:
            queue.requeue(job.id)
        except Exception as exc:  # recording failed: the job failed, the file stays
            queue.failed(job.id, f"could not record the take: {exc}", retry=False)
        else:
            queue.finished(job.id, take_id)
    elif kind == "failed":
        queue.failed(job.id, message[2], retry=False)
    elif kind == "cancelled":
        if stopping:
            queue.requeue(job.id)
        else:
            queue.cancelled(job.id)
    else:
        return False
    return True
