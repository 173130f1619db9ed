"""The farm's object-store mode, its file side, without Ray: what a request reads is gathered
from the project folder and laid out in a scratch folder; what a job made is written back under
the project folder, never outside it, and never half-written. Ray's absence is one clear line."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path

import pytest

from studio.core.request import (
    ImageRequest,
    LipSyncRequest,
    SpokenLine,
    VideoRequest,
    VoiceRequest,
)
from studio.engine.farm_files import (
    collect_outputs,
    input_files,
    read_inputs,
    stage_inputs,
    write_outputs,
)
from studio.engine.jobs import JobQueue
from studio.engine.ray_cluster import FarmUnavailable, check_reachable, death_reason


def test_the_files_a_request_reads_are_listed_once_each():
    still = ImageRequest(shot_id="sh-1", references=("refs/maya.png", "refs/maya.png"))
    assert input_files(still) == ["refs/maya.png"]
    moving = VideoRequest(shot_id="sh-1", init_image="takes/sh-1/tk-1.png", references=("r.png",))
    assert input_files(moving) == ["r.png", "takes/sh-1/tk-1.png"]
    line = SpokenLine(media="voice/sh-1/l0.wav", timing="voice/sh-1/l0.json", start=0)
    synced = LipSyncRequest(shot_id="sh-1", source_take="tk-1", source_media="takes/sh-1/a.mp4",
                            lines=(line,), source_request=still)  # fmt: skip
    assert input_files(synced) == [
        "takes/sh-1/a.mp4", "voice/sh-1/l0.wav", "voice/sh-1/l0.json", "refs/maya.png"
    ]  # fmt: skip
    assert input_files(VoiceRequest(shot_id="sh-1", line=0, character="MAYA", text="Hi.")) == []


def test_inputs_travel_to_a_scratch_folder_and_outputs_come_back_in_place(tmp_path: Path):
    project, scratch = tmp_path / "P.mdstudio", tmp_path / "scratch"
    (project / "refs").mkdir(parents=True)
    (project / "refs" / "maya.png").write_bytes(b"png")
    request = ImageRequest(shot_id="sh-1", references=("refs/maya.png",))
    stage_inputs(scratch, read_inputs(project, request))
    assert (scratch / "refs" / "maya.png").read_bytes() == b"png"

    (scratch / "takes" / "sh-1").mkdir(parents=True)
    (scratch / "takes" / "sh-1" / "tk-1.mp4").write_bytes(b"video")
    made = collect_outputs(scratch, "takes/sh-1/tk-1.mp4", "")
    write_outputs(project, made)
    assert (project / "takes" / "sh-1" / "tk-1.mp4").read_bytes() == b"video"
    assert not list(project.rglob("*.part*"))


def test_nothing_is_written_or_read_outside_the_project_folder(tmp_path: Path):
    project = tmp_path / "P.mdstudio"
    project.mkdir()
    (tmp_path / "secret.txt").write_text("no")
    with pytest.raises(ValueError, match="outside the project folder"):
        write_outputs(project, {"takes/ok.mp4": b"fine", "../evil.mp4": b"bad"})
    assert not (tmp_path / "evil.mp4").exists()
    assert not list(project.rglob("*.part*")), "no temporary file is left"
    assert not (project / "takes" / "ok.mp4").exists(), "all or nothing"
    with pytest.raises(ValueError, match="outside the project folder"):
        read_inputs(project, ImageRequest(shot_id="sh-1", references=("../secret.txt",)))


def test_without_ray_the_farm_says_how_to_install_it(tmp_path: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed
    from studio.engine.ray_executor import RayExecutor
    from studio.engine.worker import WorkerConfig

    with pytest.raises(FarmUnavailable, match=r"install micro-drama-studio\[farm\]"):
        RayExecutor(JobQueue(), tmp_path, lambda *a: None, WorkerConfig(models_dir=str(tmp_path)))


def test_an_address_where_nothing_answers_is_refused_at_once():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # closed again when the block ends: nothing listens
    with pytest.raises(FarmUnavailable, match=f"cannot reach the Ray cluster at 127.0.0.1:{port}"):
        check_reachable(f"127.0.0.1:{port}", timeout=5)


@pytest.mark.parametrize("reply", [b"HTTP/1.0 400 Bad Request\r\n\r\n", b""])
def test_an_address_that_answers_but_not_as_ray_is_refused_at_once(reply: bytes):
    """A web server (or one that closes at once) on the port: refused, not waited on."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]

        def answer() -> None:
            conn, _ = server.accept()
            with conn:
                conn.recv(64)
                conn.sendall(reply)

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        with pytest.raises(FarmUnavailable, match="answers, but not as a Ray cluster"):
            check_reachable(f"127.0.0.1:{port}", timeout=5)
        thread.join(5)


def test_ray_s_death_messages_become_one_short_reason():
    killed = RuntimeError(
        "The actor died unexpectedly before finishing this task.\n\tclass_name: FarmWorker\n"
        "The actor is dead because it was killed by `ray.kill`."
    )
    assert death_reason(killed) == "it was killed by `ray.kill`."
    oom = RuntimeError(
        "The actor is dead because its worker process has died. Worker exit type: "
        "SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits. Some common causes "
        "include: (1) the process was killed by the OOM killer"
    )
    lost = RuntimeError("The actor died unexpectedly.\nThe actor died because its node has died.")
    assert death_reason(lost) == "its node has died."
    assert death_reason(oom) == (
        "its worker process has died. Worker exit type: SYSTEM_ERROR Worker exit detail: "
        "Worker unexpectedly exits."
    )
