"""``studio gui``: the Studio window (``studio`` alone opens it too when there is a display)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.cli.common import CliError, add_command
from studio.ui import PANELS


def register(sub: Any) -> None:
    p = add_command(sub, "gui", cmd_gui, "open the Studio window")
    p.add_argument("project", nargs="?", help="project folder to open")
    p.add_argument("--screenshot", metavar="FILE.png",
                   help="save the painted window as a PNG and exit")  # fmt: skip
    p.add_argument("--panel", choices=PANELS, help="with --screenshot: only this panel")


def has_display() -> bool:
    """Whether a window can be shown here (a desktop session, not a bare terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# The system libraries Qt's X11 (xcb) platform plugin needs that bare Debian/Ubuntu installs
# often lack: (soname, Debian package).
XCB_LIBRARIES = (
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
)


def loadable(soname: str) -> bool:
    """Whether the dynamic loader finds the library ``soname``."""
    import ctypes

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_xcb_packages(load: Callable[[str], bool] = loadable) -> list[str]:
    """The Debian packages of the xcb plugin's libraries that ``load`` cannot find."""
    return [package for soname, package in XCB_LIBRARIES if not load(soname)]


def xcb_problem(load: Callable[[str], bool] = loadable) -> str:
    """Why the window cannot open on X11 here, with the one command that fixes it ("" when
    it can, or when Qt will not use X11: another platform is set, or there is no DISPLAY)."""
    if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY"):
        return ""
    if os.environ.get("QT_QPA_PLATFORM", "xcb").split(":")[0] != "xcb":
        return ""
    missing = missing_xcb_packages(load)
    if not missing:
        return ""
    return (
        f"the window needs system libraries this machine lacks: {', '.join(missing)}\n"
        f"install them with: sudo apt-get install -y {' '.join(missing)}"
    )


def cmd_gui(args: argparse.Namespace) -> int:
    if args.panel and not args.screenshot:
        raise CliError("--panel goes with --screenshot")
    if not args.screenshot and not has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        raise CliError("no display to open the window on (use --screenshot FILE.png to render it)")
    if args.screenshot and not os.environ.get("QT_QPA_PLATFORM") and not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # render without a screen
    problem = xcb_problem()
    if problem:
        raise CliError(problem)
    from studio.ui.app import run

    screenshot = Path(args.screenshot).expanduser() if args.screenshot else None
    return run(args.project, screenshot, args.panel)
