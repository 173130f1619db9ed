"""Where unexpected errors go: the full traceback to a log file, one line to the user.

A bug or an unexpected library error in generation must not print a traceback into the user's
terminal (the worker shares the CLI's stderr). :func:`failure_line` turns the exception into
``generation failed: ValueError: …`` and appends the traceback to ``worker.log`` in the user's
log folder: ``$STUDIO_LOG_DIR``, else the platform's (``…/micro-drama-studio/log``).
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

ENV_LOG_DIR = "STUDIO_LOG_DIR"
APP_NAME = "micro-drama-studio"
LOG_FILE = "worker.log"
MAX_CHARS = 300


def log_dir() -> Path:
    chosen = os.environ.get(ENV_LOG_DIR, "").strip()
    if chosen:
        return Path(chosen).expanduser().resolve()
    import platformdirs

    return platformdirs.user_log_path(APP_NAME)


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line, cut to a readable length."""
    text = " ".join(str(exc).split())
    line = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line if len(line) <= MAX_CHARS else line[: MAX_CHARS - 1] + "…"


def failure_line(exc: BaseException, what: str = "generation failed") -> str:
    """One line for the job's error; the traceback goes to the log (named in the line)."""
    where = write_traceback(exc, what)
    detail = f" (details in {where})" if where is not None else ""
    return f"{what}: {one_line(exc)}{detail}"


def write_traceback(exc: BaseException, what: str) -> Path | None:
    """Append ``exc``'s traceback to the log; the log's path, or None when it cannot be written."""
    path = log_dir() / LOG_FILE
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    text = "".join(traceback.format_exception(exc))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8", errors="replace") as log:
            log.write(f"--- {stamp} pid {os.getpid()}: {what}\n{text}\n")
    except OSError:
        return None
    return path
