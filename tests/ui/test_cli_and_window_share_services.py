"""The command line and the window drive the same app services: the same shot gets the same
take request, the same line the same voice request, whether it was asked for by ``studio
generate``/``studio voice`` or by the window's actions, and both record their results alike."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ui_project import make_project
from workflow_window import finish

from studio.core.store import open_project
from studio.engine.jobs import JobState
from studio.ui import actions
from studio.ui.session import Session

pytestmark = pytest.mark.slow


def studio(*args: str, cwd: Path) -> list[dict]:
    run = subprocess.run(
        [sys.executable, "-m", "studio", *args, "--json"],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_generate_and_voice_from_either_side_make_the_same_requests(qtbot, tmp_path):
    by_cli = make_project(tmp_path / "cli.mdstudio")
    by_window = Path(shutil.copytree(by_cli, tmp_path / "window.mdstudio"))  # the same shots
    (tmp_path / "models").mkdir()
    session = Session(models_dir=tmp_path / "models")
    session.open(by_window)
    try:
        shot = next(s for s in session.shots() if s.dialogue)
        cli_takes = studio("generate", by_cli.name, "--shot", shot.id, cwd=tmp_path)
        cli_lines = studio("voice", by_cli.name, "--shot", shot.id, cwd=tmp_path)

        jobs = actions.generate(session, [shot.id]) + actions.voice(session, [shot.id])
        ended = finish(qtbot, session, jobs)
        assert all(j.state is JobState.DONE for j in ended.values()), ended

        window_shot = session.project.find_shot(shot.id)
        [window_take] = window_shot.takes
        assert [t["request"] for t in cli_takes] == [window_take.request.to_json()]
        assert Path(cli_takes[0]["path"]).parent == Path(window_take.media).parent
        with open_project(by_cli, read_only=True) as folder:
            cli_shot = folder.project.find_shot(shot.id)
        assert [c.request for c in cli_shot.voice] == [c.request for c in window_shot.voice]
        assert [line["line"] for line in cli_lines] == [c.line for c in window_shot.voice]
    finally:
        session.dirty = False
        session.close()
