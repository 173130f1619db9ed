"""A diffusers backend for tests only that records which models the worker hashes.

Loaded by the worker by "module:Class" name. Importing this module wraps the worker's
``model_files.content_hash`` to note each call's folder (the real hash is still computed and
returned); after each run :class:`CountingBackend` appends the folders hashed during it, one JSON
list per line, to ``hashed.log`` in the project folder. The run itself is the real
:class:`DiffusersBackend`'s.
"""

from __future__ import annotations

import json
from pathlib import Path

from studio.core.request import Request
from studio.core.result import Rendered
from studio.engine import model_files as mf
from studio.engine.backends.base import RunContext
from studio.engine.backends.diffusion import DiffusersBackend

HASHED_LOG = "hashed.log"
_hashed: list[str] = []
_real_content_hash = mf.content_hash


def _counted(files: list[tuple[str, Path]], cache: Path, key: str) -> str:
    _hashed.append(str(cache.parent if key == "." else cache.parent / key))
    return _real_content_hash(files, cache, key)


mf.content_hash = _counted


class CountingBackend(DiffusersBackend):
    name = "counting"

    def run(self, request: Request, ctx: RunContext) -> Rendered:
        _hashed.clear()
        try:
            return super().run(request, ctx)
        finally:
            with (ctx.project_dir / HASHED_LOG).open("a", encoding="utf-8") as log:
                log.write(json.dumps(_hashed) + "\n")
