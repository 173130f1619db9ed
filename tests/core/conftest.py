from pathlib import Path

import pytest
from sample_projects import saved_project


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A saved, closed project with all its files present."""
    return saved_project(tmp_path)
