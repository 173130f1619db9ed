"""The farm on a two-node Ray cluster simulated on this machine (``ray.cluster_utils.Cluster``:
two raylets, one fake GPU each): one worker per node, and a node lost mid-job fails that job
with Ray's reason; the queue runs it again on the node that is left."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backends_for_tests import TEST_DOUBLES
from worker_harness import WAIT_S, Harness

from studio.core.request import ImageRequest
from studio.engine.jobs import EventKind, JobState
from studio.engine.ray_executor import RayExecutor

pytestmark = [pytest.mark.slow, pytest.mark.ray]
ray = pytest.importorskip("ray")

HERE = Path(__file__).resolve().parent
ENDED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@pytest.fixture(scope="module")
def two_nodes() -> Iterator[tuple[Any, Any]]:
    from ray.cluster_utils import Cluster

    paths = [str(HERE.parents[1]), str(HERE), os.environ.get("PYTHONPATH", "")]
    with pytest.MonkeyPatch.context() as mp:  # every raylet, so every worker, inherits these
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))
        mp.setenv("OMP_NUM_THREADS", "1")
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "num_gpus": 1})
        other = cluster.add_node(num_cpus=1, num_gpus=1)
        ray.init(address=cluster.address, log_to_driver=False, logging_level=logging.ERROR)
    yield cluster, other
    ray.shutdown()
    cluster.shutdown()


def test_the_cluster_s_address_passes_the_reachability_check(two_nodes):
    """A real Ray head answers the gRPC probe (a web server there is refused: test_farm_files)."""
    from studio.engine.ray_cluster import check_reachable

    cluster, _ = two_nodes
    check_reachable(cluster.address, timeout=5)


def slow(seed: int, steps: int) -> ImageRequest:
    return ImageRequest(shot_id=f"sh-{seed}", backend="diffusers", model="slow", seed=seed,
                        steps=steps)  # fmt: skip


def test_one_worker_per_node_and_a_lost_node_s_job_runs_again_on_the_other(two_nodes, tmp_path):
    cluster, other = two_nodes
    h = Harness(tmp_path / "P.mdstudio", HERE, TEST_DOUBLES, executor=RayExecutor)
    h.executor.start()
    try:
        assert h.executor.wait_workers(WAIT_S), [s.start_error for s in h.executor.slots]
        slots = h.executor.slots
        assert len(slots) == 2, "one worker per GPU of the cluster"
        assert {s.node_id for s in slots} == {cluster.head_node.node_id, other.node_id}
        jobs = [h.submit(slow(n, steps=100)) for n in (1, 2)]
        h.progressed.clear()
        while not all(h.progress_of(job.id) for job in jobs):
            assert h.progressed.wait(WAIT_S)
            h.progressed.clear()
        lost = next(s for s in slots if s.node_id == other.node_id)
        lost_job, lost_name = lost.job.id, lost.name
        cluster.remove_node(other)  # the node goes away with its worker and its job
        for job in jobs:
            h.wait_until(job.id, *ENDED)
            assert h.queue.get(job.id).state is JobState.DONE
        assert h.queue.get(lost_job).attempts == 2
        retried = [e for e in h.events if e.kind is EventKind.QUEUED and e.job.id == lost_job]
        error = retried[-1].error
        assert error.startswith(f"the farm worker {lost_name} died: its node has died"), error
    finally:
        h.executor.stop()  # the lost slot's new actor has nowhere to go: stop does not wait
