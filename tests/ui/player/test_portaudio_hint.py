"""Where PortAudio is missing, the muted message says which package to install on this system."""

from __future__ import annotations

import importlib.util

import pytest

from studio.ui.player.audio_out import AudioOut
from studio.ui.player.portaudio_hint import install_hint

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n'
LEAP = 'NAME="openSUSE Leap"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\n'
ROCKY = 'ID="rocky"\nID_LIKE="rhel centos fedora"\n'


@pytest.mark.parametrize(
    ("platform", "os_release", "hint"),
    [
        ("linux", DEBIAN, "sudo apt install libportaudio2"),
        ("linux", MINT, "sudo apt install libportaudio2"),  # by ID_LIKE
        ("linux", LEAP, "sudo zypper install libportaudio2"),
        ("linux", ROCKY, "sudo dnf install portaudio"),
        ("linux", "ID=arch\n", "sudo pacman -S portaudio"),
        ("linux", "ID=somethingnew\n", "install PortAudio (libportaudio2) with your system's"),
        ("linux", "", "install PortAudio (libportaudio2) with your system's"),
        ("darwin", "", "brew install portaudio"),
        ("win32", "", "pip install --force-reinstall sounddevice"),
    ],
)
def test_the_hint_names_the_package_of_the_system(platform: str, os_release: str, hint: str):
    assert install_hint(platform, os_release).startswith(hint)


def test_the_muted_reason_on_this_machine_says_how_to_get_sound():
    if importlib.util.find_spec("sounddevice") is None:
        pytest.skip("sounddevice is not installed")
    out = AudioOut()
    if out.available or "no PortAudio" not in out.reason:
        pytest.skip(f"this machine has PortAudio ({out.reason or 'and a device'})")
    assert out.reason.endswith(f"; to hear it: {install_hint()}")
