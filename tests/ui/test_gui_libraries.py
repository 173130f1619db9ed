"""`studio gui` on a Linux machine without the xcb plugin's system libraries names the missing
packages and the one apt-get line, instead of Qt's plugin message."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from studio.cli.gui import missing_xcb_packages, xcb_problem


def lacking(*sonames: str):
    return lambda soname: soname not in sonames


def test_the_problem_names_each_missing_package_and_the_apt_line(monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    load = lacking("libxcb-icccm.so.4", "libxcb-cursor.so.0")
    assert missing_xcb_packages(load) == ["libxcb-icccm4", "libxcb-cursor0"]
    reason, fix = xcb_problem(load).split("\n")
    assert reason.endswith("libxcb-icccm4, libxcb-cursor0")
    assert fix == "install them with: sudo apt-get install -y libxcb-icccm4 libxcb-cursor0"
    assert xcb_problem(lacking()) == ""  # everything there: Qt opens the window
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert xcb_problem(load) == ""  # not X11: the libraries do not matter
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert xcb_problem(load) != ""
    monkeypatch.delenv("DISPLAY")
    assert xcb_problem(load) == ""  # no X display: the no-display message says why instead


def test_the_real_command_names_what_this_machine_lacks(tmp_path) -> None:
    missing = missing_xcb_packages()
    if not sys.platform.startswith("linux") or not missing:
        pytest.skip("this machine has every xcb library: the window would open")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=":99", STUDIO_CONFIG_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "studio", "gui"], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode != 0
    assert f"sudo apt-get install -y {' '.join(missing)}" in done.stderr
    assert "xcb" in done.stderr and "qt.qpa" not in done.stderr  # ours, not Qt's
