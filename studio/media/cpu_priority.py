"""Work nobody waits for yields the CPU to work somebody does.

The preview decodes ahead (every take's proxy, the takes' first frames) while the artist seeks,
and on a machine with few cores a background ffmpeg would otherwise take the CPU from the one
decode the artist is waiting for. These lower a thread or a child process to a niceness
(POSIX: 0 normal … 19 lowest; never raised back, never above what it has); the ffmpeg started
from a lowered thread inherits its niceness on Linux, and :func:`lower_process` says it again
for the others. On Windows a child is started below normal with :data:`BELOW_NORMAL`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

WORKER = 5  # the generation worker: the window's GUI thread comes first
URGENT = 5  # a proxy the artist has just sought into
AHEAD = 2  # first frames decoded before they are asked for (a seek may wait for one)
BACKGROUND = 15  # the other proxies of the episode

BELOW_NORMAL = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0)  # Windows creationflags


def lower_this_thread(niceness: int) -> None:
    """Lower the calling thread (Linux, where a thread has its own niceness; elsewhere the
    process's children are lowered one by one instead)."""
    if sys.platform.startswith("linux"):
        _lower(threading.get_native_id(), niceness)


def lower_this_process(niceness: int) -> None:
    """Lower the calling process as it starts (POSIX; on Linux the calling thread, and the
    threads and children it starts later inherit it)."""
    if os.name == "posix":
        _lower(0, niceness)


def lower_process(proc: subprocess.Popen[bytes], niceness: int) -> None:
    """Lower a child process just started (POSIX; on Windows start it with
    :data:`BELOW_NORMAL`)."""
    if os.name == "posix":
        _lower(proc.pid, niceness)


def _lower(ident: int, niceness: int) -> None:
    try:
        now = os.getpriority(os.PRIO_PROCESS, ident)
        if niceness > now:
            os.setpriority(os.PRIO_PROCESS, ident, min(19, niceness))
    except OSError:
        pass  # gone already, or not allowed: it only runs at the priority it had
