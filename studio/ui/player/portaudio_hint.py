"""Which package brings PortAudio on this system, for the "preview plays muted" message.

sounddevice needs the PortAudio library; pip cannot install it on Linux, the system's package
manager does. The hint is read from ``/etc/os-release`` (its ``ID`` and ``ID_LIKE``, as the
freedesktop.org specification defines them) or from the platform on macOS and Windows.
"""

from __future__ import annotations

import sys
from pathlib import Path

OS_RELEASE = Path("/etc/os-release")
MAX_OS_RELEASE_BYTES = 64 * 1024

# distribution id (or one it is like) → the command that installs PortAudio there
_LINUX = {
    "debian": "sudo apt install libportaudio2",
    "ubuntu": "sudo apt install libportaudio2",
    "fedora": "sudo dnf install portaudio",
    "rhel": "sudo dnf install portaudio",
    "centos": "sudo dnf install portaudio",
    "opensuse": "sudo zypper install libportaudio2",
    "suse": "sudo zypper install libportaudio2",
    "arch": "sudo pacman -S portaudio",
    "alpine": "sudo apk add portaudio",
    "gentoo": "sudo emerge media-libs/portaudio",
    "void": "sudo xbps-install portaudio",
    "nixos": "add portaudio to your environment (nix-env -iA nixos.portaudio)",
}
_GENERIC = "install PortAudio (libportaudio2) with your system's package manager"


def install_hint(platform: str | None = None, os_release: str | None = None) -> str:
    """How to get PortAudio here: a command when the system is known, else a general line.
    ``platform`` and ``os_release`` default to this machine's (tests pass their own)."""
    platform = sys.platform if platform is None else platform
    if platform == "darwin":
        return "brew install portaudio"
    if platform.startswith("win"):
        return "pip install --force-reinstall sounddevice (its wheel ships PortAudio)"
    text = _read_os_release() if os_release is None else os_release
    ids = _ids(text)
    for name in ids:
        for known, command in _LINUX.items():
            if name == known or name.startswith(f"{known}-"):  # opensuse-leap, opensuse-tumbleweed
                return command
    return _GENERIC


def _read_os_release() -> str:
    try:
        if OS_RELEASE.stat().st_size > MAX_OS_RELEASE_BYTES:
            return ""
        return OS_RELEASE.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _ids(text: str) -> list[str]:
    """``ID`` then each of ``ID_LIKE``, lower-cased, quotes removed."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() in ("ID", "ID_LIKE"):
            values[key.strip()] = value.strip().strip("\"'").lower()
    return [values.get("ID", ""), *values.get("ID_LIKE", "").split()]
