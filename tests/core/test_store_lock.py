"""The project lock (``studio.core.lock`` through the store), with a real second process."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sample_projects import small_project

from studio.core.store import (
    ProjectLockedError,
    StoreError,
    open_project,
)

REPO = Path(__file__).resolve().parents[2]


# --- the lock, with a real second process -------------------------------------------------------

OPENER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from studio.core.store import StoreError, open_project
    root, mode = Path(sys.argv[1]), sys.argv[2]
    try:
        if mode == "hold":
            folder = open_project(root)
            print("holding", flush=True)
            sys.stdin.readline()  # until the parent says so, or is killed
        else:
            folder = open_project(root, if_locked=mode)
            print("read_only" if folder.read_only else "writable")
            print("\\n".join(folder.problems))
            folder.close()
    except StoreError as exc:
        print(f"{type(exc).__name__}: {exc}")
        sys.exit(3)
    """
)


def run_opener(root: Path, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", OPENER, str(root), mode],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def start_holder(root: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", OPENER, str(root), "hold"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "holding"
    return child


def test_second_process_is_refused_while_open(root: Path) -> None:
    with open_project(root):
        refused = run_opener(root, "error")
        assert refused.returncode == 3, refused.stderr
        host = socket.gethostname()
        assert refused.stdout.startswith("ProjectLockedError: project is in use by another program")
        assert f"(pid {os.getpid()} on {host} since " in refused.stdout
        assert "open it read-only" in refused.stdout
        assert refused.stderr == ""  # one clear line, no traceback

        second = run_opener(root, "read_only")
        assert second.returncode == 0, second.stderr
        mode, problem = second.stdout.splitlines()[:2]
        assert mode == "read_only"
        assert problem.startswith(
            f"opened read-only: the project is in use by another program (pid {os.getpid()}"
        )
    assert not (root / ".lock").exists()


def test_lock_held_by_another_process_then_stale(root: Path) -> None:
    child = start_holder(root)
    try:
        with pytest.raises(ProjectLockedError) as caught:
            open_project(root)
        assert caught.value.holder is not None
        assert caught.value.holder.pid == child.pid
        assert f"pid {child.pid} on {socket.gethostname()}" in str(caught.value)
        with open_project(root, read_only=True) as viewer:  # reading is always allowed
            assert viewer.project == small_project()
            assert viewer.problems == []
    finally:
        child.kill()  # dies without closing: its lock stays behind
        child.wait(timeout=30)
    assert (root / ".lock").exists()
    with open_project(root) as folder:
        assert not folder.read_only
        assert folder.problems == [
            "took over a stale lock left by a program that is no longer running "
            f"({caught.value.holder.describe()})"
        ]


def test_same_process_cannot_open_twice_for_writing(root: Path) -> None:
    with open_project(root), pytest.raises(ProjectLockedError):
        open_project(root)


def test_close_leaves_somebody_elses_lock(root: Path) -> None:
    folder = open_project(root)
    theirs = json.dumps({"pid": 1, "host": "other-host", "since": "2025-01-01", "token": "t"})
    (root / ".lock").write_text(theirs)
    folder.close()
    assert (root / ".lock").read_text() == theirs


def test_lock_on_another_host_is_respected(root: Path) -> None:
    info = {"pid": 999_999, "host": "studio-pc-2", "since": "2025-01-01T10:00:00+00:00"}
    (root / ".lock").write_text(json.dumps(info))
    with pytest.raises(ProjectLockedError) as caught:
        open_project(root)
    message = str(caught.value)
    assert "(pid 999999 on studio-pc-2 since 2025-01-01T10:00:00+00:00)" in message
    assert message.endswith(f"if that program is gone, delete {root / '.lock'}")


def test_unreadable_lock_is_respected_while_fresh_then_taken_over(root: Path) -> None:
    (root / ".lock").write_bytes(b"")  # a program that has just created it, mid-write
    with pytest.raises(ProjectLockedError, match="by a program that is just starting"):
        open_project(root)
    old = (root / ".lock").stat().st_mtime - 3600
    os.utime(root / ".lock", (old, old))
    with open_project(root) as folder:
        assert folder.problems == [
            "took over a stale lock left by a program that is no longer running "
            "(an unreadable lock file)"
        ]


def test_cannot_create_lock(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def read_only_fs(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_fs)
    with pytest.raises(StoreError, match=r"^cannot lock project for writing: read-only file sys"):
        open_project(root)
    with open_project(root, if_locked="read_only") as folder:
        assert folder.read_only
        assert folder.problems == [
            "opened read-only: cannot create the lock file: read-only file system"
        ]
