"""The files of a job that runs where the project folder cannot be seen (the farm's
object-store mode): what it reads is sent with it, what it makes is sent back and written here.

On the head: :func:`read_inputs` gathers the project files a request reads (character
references, an image-to-video keyframe, a lip-sync's source take and voiced lines) and
:func:`write_outputs` writes the files a job made under the project folder, each under a
temporary name renamed when complete, every path checked to stay inside the folder. On the
worker: :func:`stage_inputs` lays the inputs out in a scratch folder that stands in for the
project, and :func:`collect_outputs` reads the finished files back.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from studio.core.paths import resolve_inside
from studio.core.request import GenerationRequest, LipSyncRequest, Request, VideoRequest

Files = dict[str, bytes]  # path relative to the project folder -> contents


def input_files(request: Request | object) -> list[str]:
    """The project-relative paths ``request`` reads, in a stable order, without repeats."""
    found: list[str] = []
    if isinstance(request, GenerationRequest):
        found.extend(request.references)
    if isinstance(request, VideoRequest) and request.init_image:
        found.append(request.init_image)
    if isinstance(request, LipSyncRequest):
        found.append(request.source_media)
        for line in request.lines:
            found.extend(p for p in (line.media, line.timing) if p)
        found.extend(input_files(request.source_request))
    return list(dict.fromkeys(found))


def read_inputs(project_dir: Path, request: Request) -> Files:
    """The files ``request`` reads from the project folder; ValueError for a path outside it,
    OSError for one that cannot be read (the job fails with it)."""
    return {rel: resolve_inside(project_dir, rel).read_bytes() for rel in input_files(request)}


def stage_inputs(scratch: Path, files: Files) -> None:
    """Lay ``files`` out under ``scratch`` as they are in the project folder."""
    for rel, data in files.items():
        path = resolve_inside(scratch, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def collect_outputs(scratch: Path, *rels: str) -> Files:
    """The finished files ``rels`` (empty names skipped) read from ``scratch``."""
    return {rel: resolve_inside(scratch, rel).read_bytes() for rel in rels if rel}


def write_outputs(project_dir: Path, files: Files) -> None:
    """Write ``files`` under the project folder: each under a temporary name first, then all
    renamed, so no take is ever seen half-written; ValueError for a path outside the folder."""
    placed: list[tuple[Path, Path]] = []
    try:
        for rel, data in files.items():
            path = resolve_inside(project_dir, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.stem}.part{path.suffix}")
            placed.append((temp, path))
            temp.write_bytes(data)
        for temp, path in placed:
            os.replace(temp, path)
    except BaseException:
        for temp, _ in placed:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
