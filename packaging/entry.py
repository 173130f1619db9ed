"""The frozen app's entry point (PyInstaller runs this file as ``__main__``).

It does what the ``studio`` console script does, plus two things only a bundle needs:
``multiprocessing.freeze_support()`` first, so that a generation worker started with the
``spawn`` method (the bundle's own executable relaunched) runs the worker instead of the CLI,
and ``STUDIO_RESOURCES`` pointed at the ``resources/`` folder shipped inside the bundle.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path


def bundled_resources() -> Path:
    """The ``resources/`` folder inside the bundle (``_internal/resources`` in a onedir build)."""
    return Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent)) / "resources"


def main() -> int:
    multiprocessing.freeze_support()  # a spawned worker runs here and exits, never reaching the CLI
    os.environ.setdefault("STUDIO_RESOURCES", str(bundled_resources()))
    from studio.cli import main as studio_main

    return studio_main()


if __name__ == "__main__":
    raise SystemExit(main())
