"""Work nobody waits for yields the CPU to work somebody does.

The preview decodes ahead (every take's proxy, the takes' first frames) while the artist seeks,
and on a machine with few cores a background ffmpeg would otherwise take the CPU from the one
decode the artist is waiting for. These lower a child process, or a process as it starts, to a
niceness (POSIX: 0 normal … 19 lowest; never raised back, never above what it has). On Windows
a child is started below normal with :data:`BELOW_NORMAL`.

The window's own threads are never lowered, even those that only feed a lowered ffmpeg: a
lowered thread that the kernel sets aside while it holds the interpreter lock keeps the GUI
thread waiting for the lock (a priority inversion). ``bench/ui_responsiveness.py``, six runs
each side by side on 2 cores: the GUI thread's worst stall with the autosave in the background
34-108 ms with the preview's threads lowered, 29-60 ms with only their ffmpeg lowered.
"""

from __future__ import annotations

import os
import subprocess

WORKER = 5  # the generation worker: the window's GUI thread comes first
URGENT = 5  # a proxy the artist has just sought into
AHEAD = 2  # first frames decoded before they are asked for (a seek may wait for one)
BACKGROUND = 15  # the other proxies of the episode

BELOW_NORMAL = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0)  # Windows creationflags


def lower_this_process(niceness: int) -> None:
    """Lower the calling process as it starts (POSIX; on Linux the calling thread, and the
    threads and children it starts later inherit it): the generation worker."""
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
