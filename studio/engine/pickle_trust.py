"""Which pickle weights the user trusts: a record in the user's config, never in a models folder.

Pickle weights (``.bin``, ``.ckpt``, ``.pt``, ``.pth``) can run code when they are loaded. The
user opts in for one model with ``studio models trust NAME``; that writes the model's name and
the sha256 of its pickle files (names and full contents) to ``trusted-pickles.json`` in the
user config folder: ``$STUDIO_CONFIG_DIR``, else the platform's (``…/micro-drama-studio``).
A model is trusted only while its pickle files still hash to what the user trusted: a changed
or swapped file is refused again. A trust file shipped inside a models folder (the old
``.studio-trust-pickle`` marker) proves nothing and is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from studio.core.atomic import write_atomic
from studio.engine import model_files as mf

ENV_CONFIG_DIR = "STUDIO_CONFIG_DIR"
APP_NAME = "micro-drama-studio"
TRUST_FILE = "trusted-pickles.json"
CHUNK = 1 << 20


class TrustError(Exception):
    """The trust record cannot be read or written: one line for the user."""


def config_dir() -> Path:
    """The user's config folder: ``$STUDIO_CONFIG_DIR``, else the platform's. May not exist."""
    chosen = os.environ.get(ENV_CONFIG_DIR, "").strip()
    if chosen:
        return Path(chosen).expanduser().resolve()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def trust_file() -> Path:
    return config_dir() / TRUST_FILE


def pickle_digest(folder: Path, files: Sequence[str]) -> str:
    """sha256 over the sorted relative names of ``files`` and the full content of each."""
    outer = hashlib.sha256()
    for rel in sorted(files):
        inner = hashlib.sha256()
        with (folder / rel).open("rb") as handle:
            while block := handle.read(CHUNK):
                inner.update(block)
        outer.update(f"{rel}\0{inner.hexdigest()}\n".encode())
    return outer.hexdigest()


def folder_pickles(folder: Path) -> list[str]:
    """Every pickle weight file in ``folder`` (relative names)."""
    return [rel for rel, _ in mf.list_files(folder) if mf.is_pickle(rel)]


def is_trusted(name: str, folder: Path, files: Sequence[str]) -> bool:
    """The user trusted model ``name`` with exactly these pickle files as they are now."""
    record = _records().get(name)
    if not files or not isinstance(record, dict):
        return False
    return record.get("sha256") == _digest_or_none(folder, files)


def is_trusted_folder(folder: Path) -> bool:
    """Some model the user trusted has exactly the pickle files ``folder`` holds now (for loaders
    that do not know the model's name)."""
    files = folder_pickles(folder)
    hashes = {r.get("sha256") for r in _records().values() if isinstance(r, dict)}
    return bool(files) and bool(hashes) and _digest_or_none(folder, files) in hashes


def trust(name: str, folder: Path, files: Sequence[str]) -> str:
    """Record that the user trusts ``files`` of model ``name``; returns their hash."""
    try:
        digest = pickle_digest(folder, files)
    except OSError as exc:
        raise TrustError(f"cannot read {name}'s pickle weights: {mf.one_line(exc)}") from None
    records = _records()
    records[name] = {"sha256": digest, "files": sorted(files), "path": str(folder)}
    _write(records)
    return digest


def revoke(name: str) -> bool:
    """Forget the user's trust in ``name``; False when there was none."""
    records = _records()
    if records.pop(name, None) is None:
        return False
    _write(records)
    return True


def _digest_or_none(folder: Path, files: Sequence[str]) -> str | None:
    try:
        return pickle_digest(folder, files)
    except OSError:
        return None


def _records() -> dict[str, Any]:
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or damaged: nothing is trusted
        return {}
    models = data.get("models") if isinstance(data, dict) else None
    return models if isinstance(models, dict) else {}


def _write(records: dict[str, Any]) -> None:
    path = trust_file()
    text = json.dumps({"schema": "micro-drama-studio.trusted-pickles", "models": records}, indent=1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (text + "\n").encode("utf-8"))
    except OSError as exc:
        raise TrustError(f"cannot write {path}: {mf.one_line(exc)}") from None
