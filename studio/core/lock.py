"""The ``.lock`` file that stops a second program from writing to an open project.

The lock is created with ``O_CREAT | O_EXCL`` (so only one process can make it) and holds JSON
saying who made it: pid, host, time and a random token. A lock left by a process that is gone
(same host, pid not running) is stale and may be taken over. Releasing removes the file only if
it still holds our token, so we never delete somebody else's lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from studio.core.model import now_iso

LOCK_NAME = ".lock"
# A lock file that cannot be read is assumed to be mid-creation for this long, then stale.
UNREADABLE_GRACE_S = 10.0


@dataclass(frozen=True, slots=True)
class LockInfo:
    pid: int
    host: str
    since: str
    token: str = ""

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host} since {self.since}"

    def to_bytes(self) -> bytes:
        raw = {"pid": self.pid, "host": self.host, "since": self.since, "token": self.token}
        return json.dumps(raw).encode()

    @classmethod
    def mine(cls) -> LockInfo:
        return cls(os.getpid(), socket.gethostname(), now_iso(), secrets.token_hex(8))


@dataclass(frozen=True, slots=True)
class Held:
    """The lock is somebody else's; ``info`` is None when its file could not be read."""

    info: LockInfo | None
    path: Path

    def describe(self) -> str:
        if self.info is None:
            return f"by a program that is just starting (lock file {self.path} is unreadable)"
        return f"by another program ({self.info.describe()})"


def read(path: Path) -> LockInfo | None:
    """The lock's owner, or None if the file is missing or not a lock we understand."""
    try:
        raw = json.loads(path.read_bytes())
        return LockInfo(
            pid=int(raw["pid"]),
            host=str(raw["host"]),
            since=str(raw["since"]),
            token=str(raw.get("token", "")),
        )
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def acquire(folder: Path) -> tuple[LockInfo | Held, str]:
    """Take the lock of ``folder``: ``(our LockInfo, note)`` or ``(Held, "")``.

    ``note`` is non-empty when a stale lock was taken over. Raises OSError when the lock file
    cannot be created for another reason (read-only folder, permissions).
    """
    path = folder / LOCK_NAME
    mine = LockInfo.mine()
    note = ""
    for _attempt in range(3):
        try:
            _create(path, mine)
            return mine, note
        except FileExistsError:
            pass
        holder = read(path)
        if not _is_stale(path, holder):
            return Held(holder, path), ""
        if not _remove_stale(path, holder):
            continue  # it changed or went meanwhile: look again
        who = holder.describe() if holder else "an unreadable lock file"
        note = f"took over a stale lock left by a program that is no longer running ({who})"
    return Held(read(path), path), ""


def release(folder: Path, mine: LockInfo) -> None:
    """Remove the lock if it is still ours; leave anybody else's alone."""
    path = folder / LOCK_NAME
    current = read(path)
    if current is not None and current.token == mine.token and current.pid == mine.pid:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (True when that cannot be told)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return (
            True  # os.kill(pid, 0) would signal the process there; a stale lock is removed by hand
        )
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it belongs to somebody else
    except OSError:
        return True  # cannot tell: assume alive
    return True


def _create(path: Path, mine: LockInfo) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        data = memoryview(mine.to_bytes())
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    os.close(fd)


def _is_stale(path: Path, holder: LockInfo | None) -> bool:
    if holder is None:
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return True  # gone already: _remove_stale says so and we try again
        return age > UNREADABLE_GRACE_S
    return holder.host == socket.gethostname() and not pid_alive(holder.pid)


def _remove_stale(path: Path, holder: LockInfo | None) -> bool:
    """Move the stale lock aside, checking it is still the one we judged stale; False when
    there was nothing to remove or it was not that lock any more."""
    aside = path.with_name(f"{LOCK_NAME}.stale-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False  # released meanwhile
    moved = read(aside)
    if moved != holder:
        # A fresh lock appeared between reading and moving: put it back untouched.
        with contextlib.suppress(OSError):
            os.link(aside, path)
        with contextlib.suppress(OSError):
            aside.unlink()
        return False
    aside.unlink()
    return True
