"""jobs.json: the queue saved and opened again, saves, pruning, and bad files kept aside."""

import json
import time
from pathlib import Path

import pytest
from job_helpers import order, req

from studio.core.request import ShotBrief, VideoRequest
from studio.engine import jobfile
from studio.engine.jobs import EventKind, JobQueue, JobState


def test_round_trip(tmp_path: Path):
    queue = JobQueue.open(tmp_path)
    video = VideoRequest(
        shot_id="sh-9",
        prompt="rain on glass, é",
        init_image="takes/sh-9/key.png",
        brief=ShotBrief(heading="INT. CAR", characters=("MIA",)),
    )
    a = queue.submit(req(1), priority=2)
    b = queue.submit(video)
    c, d, e = queue.submit_many([req(3), req(4), req(5)], priority=1)
    queue.hold(e.id)
    queue.move(d.id, 0)
    claimed = queue.next_job()
    queue.finished(claimed.id, "tk-1")
    queue.next_job()
    queue.failed(a.id, "boom", retry=True)
    queue.cancel(c.id)
    queue.pause()
    before = queue.jobs()

    again = JobQueue.open(tmp_path)
    assert again.problems == [] and again.paused
    assert again.jobs() == before
    assert again.get(b.id).request == video
    doc = json.loads((tmp_path / "jobs.json").read_text())
    assert (doc["schema"], doc["version"]) == ("micro-drama-studio.jobs", 1)


def test_a_job_is_on_disk_when_submit_returns(tmp_path: Path, monkeypatch):
    writes = []
    real = jobfile.write_atomic
    monkeypatch.setattr(jobfile, "write_atomic", lambda p, d: (writes.append(p), real(p, d)))
    queue = JobQueue.open(tmp_path)
    job = queue.submit(req(1))
    assert len(writes) == 1
    saved = json.loads((tmp_path / "jobs.json").read_bytes())
    assert [row["id"] for row in saved["jobs"]] == [job.id]
    queue.submit_many([req(2), req(3)])
    assert len(writes) == 2  # one write for many jobs
    queue.next_job()
    queue.progress(job.id, 1, 30)  # progress is not saved
    queue.set_priority(job.id, 0)  # no change: no write
    assert len(writes) == 3


def test_a_running_job_comes_back_queued_at_the_front(tmp_path: Path):
    queue = JobQueue.open(tmp_path)
    a, b, _ = queue.submit_many([req(1), req(2), req(3)])
    queue.move(a.id, 2)
    assert queue.next_job().id == b.id  # then the app dies
    again = JobQueue.open(tmp_path)
    job = again.get(b.id)
    assert (job.state, job.attempts, job.progress) == (JobState.QUEUED, 1, None)
    assert order(again) == ["shot 2", "shot 3", "shot 1"]
    again.next_job()
    again.cancel(b.id)  # the app dies with a cancel asked: it stays cancelled
    assert JobQueue.open(tmp_path).get(b.id).state is JobState.CANCELLED


def test_old_done_and_cancelled_jobs_are_pruned_on_open(tmp_path: Path):
    queue = JobQueue.open(tmp_path)
    jobs = queue.submit_many([req(n) for n in range(8)])
    for job in jobs[:4]:
        queue.finished(queue.next_job().id, "tk-" + job.id)
    queue.failed(queue.next_job().id, "broken", retry=False)
    queue.cancel(jobs[5].id)
    kept = JobQueue.open(tmp_path, keep_finished=3)
    ids = [j.id for j in kept.jobs()]
    assert jobs[0].id not in ids and jobs[1].id not in ids  # the two oldest done
    assert {jobs[2].id, jobs[3].id, jobs[5].id} <= set(ids)  # the newest three
    assert jobs[4].id in ids  # failed jobs are kept
    assert len(ids) == 6
    assert len(JobQueue.open(tmp_path, keep_finished=3).jobs()) == 6  # pruned on disk too


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "damaged"),
        (b"\xff\xfe\x00", "damaged"),
        (b"[]", "expected an object"),
        (b'{"schema": "micro-drama-studio.jobs", "version": 99, "jobs": []}', "unknown version 99"),
        (b'{"schema": "other", "version": 1, "jobs": []}', "schema is 'other'"),
        (b'{"schema": "micro-drama-studio.jobs", "version": 1, "jobs": {}}', "expected a list"),
    ],
)
def test_a_bad_file_is_kept_aside(tmp_path: Path, content: bytes, why: str):
    (tmp_path / "jobs.json").write_bytes(content)
    queue = JobQueue.open(tmp_path)
    assert queue.jobs() == []
    assert len(queue.problems) == 1 and why in queue.problems[0]
    broken = list(tmp_path.glob("jobs.json.broken-*"))
    assert len(broken) == 1 and broken[0].read_bytes() == content
    assert broken[0].name in queue.problems[0]
    queue.submit(req(1))  # and the queue works
    assert len(JobQueue.open(tmp_path).jobs()) == 1
    (tmp_path / "jobs.json").write_bytes(content)
    JobQueue.open(tmp_path)  # a second bad file in the same second gets its own name
    assert len(list(tmp_path.glob("jobs.json.broken-*"))) == 2


def test_damaged_jobs_are_left_out_and_the_file_kept(tmp_path: Path):
    queue = JobQueue.open(tmp_path)
    good = queue.submit(req(1))
    queue.submit(req(2))
    doc = json.loads((tmp_path / "jobs.json").read_text())
    doc["jobs"][1]["state"] = "exploded"
    doc["jobs"].append(dict(doc["jobs"][0]))  # the same id twice
    doc["jobs"].append({"id": "jb-12345678", "state": "queued", "request": {"kind": "image"}})
    text = json.dumps(doc)
    (tmp_path / "jobs.json").write_text(text)
    again = JobQueue.open(tmp_path)
    assert [j.id for j in again.jobs()] == [good.id]
    assert len(again.problems) == 1
    assert "left out 3 damaged job(s)" in again.problems[0]
    assert "jobs[1].state: 'exploded'" in again.problems[0]
    (kept,) = tmp_path.glob("jobs.json.broken-*")
    assert kept.read_text() == text


def test_a_failed_save_is_a_problem_not_a_crash(tmp_path: Path, monkeypatch):
    queue = JobQueue.open(tmp_path)

    def full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jobfile, "write_atomic", full)
    job = queue.submit(req(1))
    queue.submit(req(2))
    assert queue.get(job.id).state is JobState.QUEUED
    assert queue.problems == [f"cannot save {tmp_path / 'jobs.json'}: no space left on device"]


def test_saving_a_thousand_jobs_is_cheap(tmp_path: Path):
    queue = JobQueue.open(tmp_path)
    queue.submit_many([req(n, prompt=f"a long prompt {n} " * 8) for n in range(1000)])
    started = time.perf_counter()
    for _ in range(5):
        queue.set_priority(queue.jobs()[-1].id, 1)  # each one saves the whole file
    per_save = (time.perf_counter() - started) / 5
    size = (tmp_path / "jobs.json").stat().st_size
    print(f"1,000 jobs: {size / 1e6:.2f} MB, {per_save * 1000:.1f} ms per change with save")
    assert per_save < 0.5
    started = time.perf_counter()
    again = JobQueue.open(tmp_path)
    assert len(again.jobs()) == 1000
    assert time.perf_counter() - started < 2.0


def test_clear_finished_drops_ended_jobs_from_the_file(tmp_path):
    queue = JobQueue.open(tmp_path)
    done, failed, cancelled, running, waiting, held = queue.submit_many([req(n) for n in range(6)])
    queue.finished(queue.next_job().id, "tk-1")
    queue.failed(queue.next_job().id, "boom", retry=False)
    queue.cancel(cancelled.id)
    queue.next_job()  # ``running``
    queue.hold(held.id)
    seen = []
    queue.subscribe(seen.append)
    assert sorted(queue.clear_finished()) == sorted([done.id, failed.id, cancelled.id])
    left = [(j.id, j.state) for j in queue.jobs()]
    assert left == [(running.id, JobState.RUNNING), (waiting.id, JobState.QUEUED),
                    (held.id, JobState.PAUSED)]  # fmt: skip
    assert [(e.kind, e.job) for e in seen] == [(EventKind.CHANGED, None)]
    again = JobQueue.open(tmp_path)
    assert {j.id for j in again.jobs()} == {running.id, waiting.id, held.id}
    assert queue.clear_finished() == [] and len(seen) == 1  # nothing left to clear: no event


def test_who_ran_a_job_is_kept_and_a_requeued_job_forgets_it(tmp_path: Path):
    queue = JobQueue.open(tmp_path)
    a, b = queue.submit_many([req(1), req(2)])
    queue.next_job()
    queue.started(a.id, "ray-1 (GPU 1)")
    queue.finished(a.id, "tk-1")
    queue.next_job()
    queue.started(b.id, "ray-2 (GPU 0)")  # then the head node dies
    again = JobQueue.open(tmp_path)
    assert again.get(a.id).worker == "ray-1 (GPU 1)"
    assert (again.get(b.id).state, again.get(b.id).worker) == (JobState.QUEUED, "")
    doc = json.loads((tmp_path / "jobs.json").read_text())
    next(row for row in doc["jobs"] if row["id"] == a.id)["worker"] = "w" * 10_000  # bounded
    (tmp_path / "jobs.json").write_text(json.dumps(doc))
    assert len(JobQueue.open(tmp_path).get(a.id).worker) == jobfile.MAX_WORKER
