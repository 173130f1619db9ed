"""A bug in a command ends as one line on stderr (exit status 70) with its traceback in the log
file, never a traceback in the terminal, whatever the exception's message holds. The command
that fails is added to the real parser in a real ``python -c`` process."""

from __future__ import annotations

import os
import subprocess
import sys

from studio.engine.crash_log import ENV_LOG_DIR, LOG_FILE

SCRIPT = """
import sys
import studio.cli as cli

class Broken:
    @staticmethod
    def register(sub):
        p = sub.add_parser("broken")
        p.set_defaults(command="broken", run=Broken.run)

    @staticmethod
    def run(args):
        raise ValueError("first line\\nsecond line\\n\\tthird")

cli.COMMAND_GROUPS = (*cli.COMMAND_GROUPS, Broken)
sys.exit(cli.main(["broken"]))
"""


def test_an_internal_error_is_one_line_with_the_traceback_logged(tmp_path):
    env = {**os.environ, ENV_LOG_DIR: str(tmp_path / "log")}
    env.pop("STUDIO_DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 70
    lines = run.stderr.strip().splitlines()
    log = tmp_path / "log" / LOG_FILE
    assert lines == [
        "studio: error: internal error: ValueError: first line second line third "
        f"(details in {log})"
    ], run.stderr
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
