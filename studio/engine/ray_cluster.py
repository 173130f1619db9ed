"""Reaching Ray for the render farm: whether it is installed, connecting to it, how many
workers fit, and why an actor died, in one line. Ray is imported only when called: the farm is
an optional extra and the app runs without it.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import socket
import sys
from typing import Any

INSTALL_HINT = (
    "the render farm needs Ray: install micro-drama-studio[farm] "
    '(pip install "micro-drama-studio[farm]")'
)
REASON_CHARS = 240
REACH_TIMEOUT_S = 5.0
_BECAUSE = re.compile(r"The actor (?:is dead|died) because (.*)")


class FarmUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached: one line for the user."""


def ray_installed() -> bool:
    if "ray" in sys.modules:  # imported, or blocked (None)
        return sys.modules["ray"] is not None
    return importlib.util.find_spec("ray") is not None


def require_ray() -> Any:
    """The ``ray`` module, or FarmUnavailable saying how to install it."""
    try:
        import ray
    except ImportError:
        raise FarmUnavailable(INSTALL_HINT) from None
    return ray


def connect(address: str = "") -> bool:
    """Connect this process to Ray: the cluster at ``address`` ("auto", "host:6379",
    "ray://host:10001"), else a new local Ray with this machine's GPUs and CPUs. Nothing is done
    when Ray is already connected. True when this call started or joined it, so the caller
    disconnects (:func:`disconnect`) when done."""
    ray = require_ray()
    if ray.is_initialized():
        return False
    if address:
        check_reachable(address)
    options: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,  # the workers' logs stay in Ray's log folder, not in our stderr
        "logging_level": logging.ERROR,
    }
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise FarmUnavailable(f"cannot start or reach {where}: {one_line(exc)}") from exc
    return True


def check_reachable(address: str, timeout: float = REACH_TIMEOUT_S) -> None:
    """FarmUnavailable when ``address`` is "HOST:PORT" and nothing answers there, or what
    answers does not speak gRPC as Ray's cluster service does (Ray itself would keep trying for
    minutes either way); other forms ("auto", "ray://…") are left to Ray.

    The gRPC test: a client opens HTTP/2 with its preface and a SETTINGS frame, and an HTTP/2
    server's first frame back is its own SETTINGS frame (RFC 9113, section 3.4). A web server,
    a database or anything else answers otherwise, or not at all within ``timeout``."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(_HTTP2_PREFACE + _HTTP2_EMPTY_SETTINGS)
            header = _read(sock, 9)
    except OSError as exc:
        raise FarmUnavailable(f"cannot reach the Ray cluster at {address}: {exc}") from None
    if len(header) < 9 or header[3] != _SETTINGS:
        raise FarmUnavailable(f"{address} answers, but not as a Ray cluster (a head node "
                              "listens on HOST:6379 unless started with --port)")  # fmt: skip


_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_HTTP2_EMPTY_SETTINGS = bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])  # length 0, type SETTINGS, stream 0
_SETTINGS = 4


def _read(sock: socket.socket, size: int) -> bytes:
    """Up to ``size`` bytes: fewer when the other side closes first."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def disconnect() -> None:
    ray = require_ray()
    if ray.is_initialized():
        ray.shutdown()


def plan_workers(requested: int = 0) -> tuple[int, bool, str]:
    """How many workers to start (one per GPU of the cluster, else one per CPU slot;
    ``requested`` > 0: that many, at most what fits), whether they use GPUs, and a note for the
    user when fewer than requested fit ("" otherwise)."""
    ray = require_ray()
    resources = ray.cluster_resources()
    gpus, cpus = int(resources.get("GPU", 0)), int(resources.get("CPU", 0))
    room = max(gpus or cpus, 1)
    wanted = requested if requested > 0 else room
    note = ""
    if wanted > room:
        unit = "GPU" if gpus else "CPU slot"
        note = f"{wanted} workers asked for, the cluster has room for {room} (one per {unit})"
        wanted = room
    return wanted, gpus > 0, note


def death_reason(exc: BaseException) -> str:
    """Why an actor died, from Ray's error: "it was killed by `ray.kill`.", "its worker process
    has died. …", "its node has died. …", cut before Ray's list of common causes."""
    text = " ".join(str(exc).split())
    found = _BECAUSE.search(text)
    reason = found.group(1) if found else text
    reason = reason.split(" Some common causes", 1)[0].strip() or type(exc).__name__
    return reason if len(reason) <= REASON_CHARS else reason[: REASON_CHARS - 1] + "…"


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"
