"""The farm worker's own code, without Ray: the head gives an actor its next job as soon as it
has the last job's ending message, so two ``run`` calls meet there for a moment; the cancel of
the second must still reach its steps."""

from __future__ import annotations

from pathlib import Path

from backends_for_tests import TEST_DOUBLES

from studio.core.request import ImageRequest
from studio.engine.ray_actor import FarmWorker
from studio.engine.worker import RunOrder, WorkerConfig
from studio.engine.worker_messages import ENDING

HERE = Path(__file__).resolve().parent


def order(root: Path, job_id: str, seed: int, steps: int) -> RunOrder:
    request = ImageRequest(shot_id=f"sh-{seed}", backend="diffusers", model="slow", seed=seed,
                           steps=steps)  # fmt: skip
    return RunOrder(job_id, request.to_json(), str(root), f"takes/sh-{seed}/tk.bin", poster=False)


def test_a_cancel_reaches_a_job_begun_while_the_last_one_was_still_ending(tmp_path):
    worker = FarmWorker(WorkerConfig(str(HERE), backends=TEST_DOUBLES))
    first = worker.run(order(tmp_path, "jb-1", 1, steps=1))
    for message in first:  # up to its ending message: the head has it, the actor is not done
        if message[0] in ENDING:
            break
    assert message[0] == "done", message
    second = worker.run(order(tmp_path, "jb-2", 2, steps=500))
    assert next(second)[0] == "progress"
    assert list(first) == [], "the first job ends here after the second began"
    worker.cancel("jb-2")
    rest = list(second)
    assert rest[-1] == ("cancelled", "jb-2"), rest[-1]
    assert len(rest) < 500, "stopped at a step, not at the end"
    assert not (tmp_path / "takes" / "sh-2" / "tk.bin").exists()
    third = list(worker.run(order(tmp_path, "jb-3", 3, steps=2)))
    assert third[-1][0] == "done", "the cancel was for that job only"
