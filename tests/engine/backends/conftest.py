"""Fixtures for the backend tests. Keep each one small and say what it holds."""

import pytest


@pytest.fixture(scope="module")
def one_torch_thread():
    """torch on one thread for a whole test module: tiny models run fastest so (and a busy
    2-core machine makes two crawl). Use it with
    ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
