"""A request's target, checked before anything is written: a shot's id by the id rules, a
character's name by the cast's; a queued reference job from before ``reference_of`` is still
a reference when jobs.json is opened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from job_helpers import req

from studio.core.ids import MAX_NAME
from studio.core.jsonread import SchemaError
from studio.core.request import ImageRequest, VoiceRequest
from studio.core.targets import ReferenceTarget, ShotTarget
from studio.engine.jobs import JobQueue
from studio.engine.request_checks import check_request


def test_targets_follow_the_id_and_name_rules() -> None:
    check_request(ImageRequest(reference_of="林 晚 (older)"))  # any name a character may have
    check_request(req(1))
    with pytest.raises(SchemaError, match=r"^request\.shot_id: '\.\./up' is not a valid id"):
        check_request(ImageRequest(shot_id="../up"))
    with pytest.raises(SchemaError, match=r"^request\.shot_id: 'character:MAYA' is not a valid"):
        check_request(VoiceRequest(shot_id="character:MAYA", line=0, character="M", text="hi"))
    with pytest.raises(SchemaError, match=r"^job\.reference_of: name holds a control character"):
        check_request(ImageRequest(reference_of="MAYA\n"), "job")
    with pytest.raises(
        SchemaError, match=rf"^request\.reference_of: name is longer than {MAX_NAME}"
    ):
        check_request(ImageRequest(reference_of="M" * (MAX_NAME + 1)))
    with pytest.raises(SchemaError, match=r"^request\.reference_of: a character needs a name"):
        check_request(ImageRequest(reference_of=" "))


def test_a_queued_reference_job_from_an_older_version_opens_as_a_reference(
    tmp_path: Path,
) -> None:
    queue = JobQueue.open(tmp_path)
    shot = queue.submit(req(1))
    reference = queue.submit(ImageRequest(reference_of="ETHAN", frames=1))
    doc = json.loads((tmp_path / "jobs.json").read_text())
    stored = doc["jobs"][1]["request"]
    assert stored["reference_of"] == "ETHAN" and "shot_id" not in stored
    del stored["reference_of"]
    stored["shot_id"] = "character:ETHAN"  # how it was written before
    (tmp_path / "jobs.json").write_text(json.dumps(doc))
    again = JobQueue.open(tmp_path)
    assert again.problems == []
    assert again.get(reference.id).request.target == ReferenceTarget("ETHAN")
    assert again.get(reference.id).request == reference.request
    assert again.get(shot.id).request.target == ShotTarget("sh-1")


def test_a_bad_reference_name_in_jobs_json_leaves_the_job_out(tmp_path: Path) -> None:
    queue = JobQueue.open(tmp_path)
    queue.submit(ImageRequest(reference_of="ETHAN", frames=1))
    doc = json.loads((tmp_path / "jobs.json").read_text())
    doc["jobs"][0]["request"]["reference_of"] = "ETHAN\x00"
    (tmp_path / "jobs.json").write_text(json.dumps(doc))
    again = JobQueue.open(tmp_path)
    assert again.jobs() == []
    assert "jobs[0].request.reference_of: name holds a control character" in again.problems[0]


def test_an_assistant_job_in_jobs_json_is_bounded_and_targets_its_episode(tmp_path: Path) -> None:
    from studio.core.assist import AssistTask, ShotInput
    from studio.core.targets import EpisodeTarget
    from studio.core.text_requests import AssistRequest

    shot = ShotInput("sh-1", 1, "INT. LOBBY - NIGHT", "Rain.")
    good = AssistRequest(episode=2, task=AssistTask.BEATS, model="chat", shots=(shot,))
    assert good.target == EpisodeTarget(2) and good.target.label == "episode 2"
    check_request(good)
    bad = {
        "episode": (0, r"^request\.episode: no episode"),
        "max_tokens": (10**6, r"^request\.max_tokens: must be from 1 to"),
        "shots": ((), r"^request\.shots \(count\): must be from 1 to"),
    }
    for name, (value, message) in bad.items():
        with pytest.raises(SchemaError, match=message):
            check_request(AssistRequest(**{**good.__dict__, name: value}))
    with pytest.raises(SchemaError, match=r"shots\[0\]\.shot_id: '\.\./x' is not a valid id"):
        check_request(AssistRequest(**{**good.__dict__, "shots": (ShotInput("../x", 1),)}))
    queue = JobQueue(tmp_path / "jobs.json")
    queue.submit(good)
    reopened = JobQueue.open(tmp_path)
    assert [job.request for job in reopened.jobs()] == [good]
