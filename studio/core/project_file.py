"""``project.json`` as a document: its schema, reading it with every check and upgrade, and
writing it. The folder around it (create, open, lock, save, autosave): :mod:`studio.core.store`.

Reading never fails with a raw exception: a bad document raises :class:`StoreError` with one
line a user can act on (naming the newest autosaved copy when there is one); an older schema
version is upgraded step by step (:data:`UPGRADES`), and fields this version does not know are
listed as a problem, the original kept under a backup name for the first save.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from studio.core import projectjson, upgrades
from studio.core.atomic import describe
from studio.core.jsonread import SchemaError
from studio.core.model import Project, now_iso
from studio.core.store_errors import StoreError
from studio.core.take import unread_requests

PROJECT_FILE = "project.json"
SCHEMA_NAME = "micro-drama-studio.project"
SCHEMA_VERSION = 6
AUTOSAVE_FOLDER = "autosave"
EPISODES_PER_STEP = 5  # document_steps: about 2 ms of a 100-episode project's 30 ms a step

# version N -> a function turning a version-N document (the whole project.json object) into
# version N+1. ``read_project`` reads this table (and SCHEMA_VERSION) at call time, so tests can
# patch them here.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = upgrades.UPGRADES


def read_project(file: Path, problems: list[str]) -> tuple[Project, str]:
    """The project in ``file`` (problems it can be opened despite are added to ``problems``)
    and the backup name for its first save ("" for none)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {file}: {describe(exc)}") from exc
    try:
        doc = projectjson.parse(data)
    except ValueError as exc:
        raise StoreError(f"{file} is damaged: {exc}{autosave_hint(file.parent)}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_NAME:
        found = doc.get("schema") if isinstance(doc, dict) else None
        what = f"schema {found!r}" if found is not None else "no schema name"
        raise StoreError(f"not a Micro-Drama Studio project: {file} has {what}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise StoreError(
            f"{file} is damaged: version must be a whole number from 0, got {version!r}"
        )
    current = SCHEMA_VERSION
    if version > current:
        raise StoreError(
            f"cannot open {file}: made by a newer Micro-Drama Studio "
            f"(schema version {version}; this one reads up to {current})"
        )
    backup = ""
    if version < current:
        doc = upgrade_document(doc, version, current, file)
        backup = f"project.v{version}.json"
        problems.append(
            f"upgraded {PROJECT_FILE} from schema version {version} to {current}; "
            f"the first save keeps the original as {backup}"
        )
    raw = doc.get("project")
    try:
        project = Project.from_json(raw, "project")
    except SchemaError as exc:
        raise StoreError(f"{file} is damaged: {exc}{autosave_hint(file.parent)}") from None
    except Exception as exc:  # the model met a shape it did not expect: still one clear line
        raise StoreError(
            f"{file} is damaged: {type(exc).__name__}: {exc}{autosave_hint(file.parent)}"
        ) from exc
    problems.extend(unread_requests(project))
    try:
        lost = projectjson.dropped(raw, project.to_json(), "project")
    except RecursionError:  # a request nested hundreds deep: kept whole, nothing to list
        lost = []
    if lost:
        backup = backup or "project.before-unknown-fields.json"
        shown = ", ".join(lost[:5]) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
        problems.append(
            f"{PROJECT_FILE} has fields this version does not know, which a save would drop: "
            f"{shown}; the first save keeps the original as {backup}"
        )
    return project, backup


def upgrade_document(doc: dict[str, Any], version: int, current: int, file: Path) -> dict[str, Any]:
    """``doc`` (of schema ``version``) upgraded to ``current`` by the steps in UPGRADES."""
    steps = UPGRADES
    for v in range(version, current):
        step = steps.get(v)
        if step is None:
            raise StoreError(f"cannot open {file}: no upgrade from schema version {v} to {v + 1}")
        try:
            doc = step(doc)
        except Exception as exc:
            raise StoreError(
                f"cannot open {file}: upgrading from schema version {v} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(doc, dict):
            raise StoreError(f"cannot open {file}: the upgrade from version {v} gave no object")
        doc["version"] = v + 1
    return doc


def encode_project(
    project: Project, file: Path, reuse: projectjson.EpisodeTexts | None = None
) -> list[bytes]:
    """The text of ``file`` (a project.json) holding ``project``, in parts (see
    :func:`encode_document`); the model is only read."""
    return encode_document(project_document(project), file, reuse)


def project_document(project: Project) -> dict[str, Any]:
    """The project.json document of ``project`` as a fresh JSON tree (a dozen milliseconds
    for a 100-episode project): a snapshot that :func:`encode_document` can turn into text on
    another thread while the model goes on changing."""
    with paused_gc():
        return {
            "schema": SCHEMA_NAME,
            "version": SCHEMA_VERSION,
            "saved": now_iso(),
            "project": project.to_json(),
        }


def document_steps(project: Project, per_step: int = 0) -> Iterator[dict[str, Any] | None]:
    """:func:`project_document` made in steps, for a caller that must not hold its thread for
    the whole tree (the window's autosave of a 100-episode project): None after each
    ``per_step`` episodes (:data:`EPISODES_PER_STEP`), then the document. Each episode is read
    whole within one step; the caller starts again when anything but a shot's own takes
    changed between steps."""
    per_step = max(1, per_step or EPISODES_PER_STEP)
    episodes, built = list(project.episodes), []
    for first in range(0, len(episodes), per_step):
        with paused_gc():
            built.extend(e.to_json() for e in episodes[first : first + per_step])
        yield None
    with paused_gc():
        yield {
            "schema": SCHEMA_NAME,
            "version": SCHEMA_VERSION,
            "saved": now_iso(),
            "project": project.to_json(episodes=built),
        }


def encode_document(
    doc: dict[str, Any],
    file: Path,
    reuse: projectjson.EpisodeTexts | None = None,
    between: Callable[[], None] | None = None,
) -> list[bytes]:
    """The text of ``file`` holding the document ``doc``, in the parts that
    :func:`~studio.core.atomic.write_atomic` writes one after another (joined, the file's bytes);
    StoreError for a value JSON cannot hold. ``reuse`` keeps the episodes' texts from one write
    of the project to the next (only those that changed are encoded again); ``between`` is
    called after each episode."""
    try:
        with paused_gc():
            return projectjson.encode_parts(doc, reuse, between)
    except (TypeError, ValueError, RecursionError) as exc:  # a value JSON cannot hold
        raise StoreError(f"cannot save project: {exc} ({file})") from exc


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic GC while building or reading a big tree of fresh objects: each collection
    would walk every object made so far, which several times over costs more than the work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def autosaves(root: Path) -> list[Path]:
    """The autosaved copies of the project in ``root``, newest first."""
    folder = root / AUTOSAVE_FOLDER
    try:
        return sorted(folder.glob("project-*.json"), key=lambda p: p.name, reverse=True)
    except OSError:
        return []


def autosave_hint(root: Path) -> str:
    """What an error message adds to name the newest autosaved copy ("" when there is none)."""
    saves = autosaves(root)
    return f"; the newest autosave is {saves[0]}" if saves else ""
