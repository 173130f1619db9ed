"""core, engine, media and the CLI import without Qt, torch or diffusers.

torch and diffusers are imported inside functions that run in the worker process, so the window
and ``studio --help`` start fast and the engine never drags Qt in."""

import subprocess
import sys
from pathlib import Path

import pytest

import studio

PACKAGE = Path(studio.__file__).parent
BLOCKED = ("PySide6", "shiboken6", "torch", "diffusers", "transformers")


def _modules(package: str) -> list[str]:
    root = PACKAGE / package.removeprefix("studio.").replace(".", "/")
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _import_with_blocked(
    modules: list[str], blocked: tuple[str, ...]
) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {blocked!r}:\n"
        "            raise ImportError('blocked import of ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {blocked!r}))\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "package",
    ["studio.core", "studio.cli", "studio.app", "studio.engine", "studio.media", "studio.voice"],
)
def test_imports_without_qt_or_torch(package):
    modules = _modules(package)
    assert len(modules) > 1
    result = _import_with_blocked(modules, BLOCKED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_blocker_really_blocks():
    result = _import_with_blocked(["PySide6.QtCore"], BLOCKED)
    assert result.returncode != 0
    assert "blocked import of PySide6" in result.stderr
