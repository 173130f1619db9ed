"""``studio gui``: the Studio window (``studio`` alone opens it too when there is a display)."""

from __future__ import annotations

import argparse
import os
import sys
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


def cmd_gui(args: argparse.Namespace) -> int:
    if args.panel and not args.screenshot:
        raise CliError("--panel goes with --screenshot")
    if not args.screenshot and not has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        raise CliError("no display to open the window on (use --screenshot FILE.png to render it)")
    if args.screenshot and not os.environ.get("QT_QPA_PLATFORM") and not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # render without a screen
    from studio.ui.app import run

    screenshot = Path(args.screenshot).expanduser() if args.screenshot else None
    return run(args.project, screenshot, args.panel)
