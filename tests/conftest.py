"""Fixtures for every folder of the suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def ray_alone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """While a module's local Ray runs, no other process of the suite runs one: ``make test``
    spreads the suite over processes, and two Ray clusters on a 2-core machine starve each
    other's actors (a cancel arriving after its job has ended). A lock file in the run's
    temporary folder, shared by its processes, makes them take turns."""
    try:
        import fcntl
    except ImportError:  # not POSIX: the suite runs in one process there
        yield
        return
    with open(tmp_path_factory.getbasetemp().parent / "ray-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield
