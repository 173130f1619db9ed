"""One model's registry entry for a request, built once per model in the worker process.

:func:`~studio.engine.registry.scan` reads every model in the folder (configs, safetensors
headers, content hashes); a request needs one. :class:`ModelLookup` (one per models folder in a
process: :func:`for_folder`) finds where a name lives as ``scan`` would, by listing folders only
(:func:`places`: top-level folders and weight files, ``loras/``, ``ip_adapters/``, Hugging Face
cache entries at the top or under ``hub/``, in ``scan``'s order, so the first place holding a
name is the one ``scan`` would give), builds that one entry with the registry's own
``folder_entry`` / ``file_entry`` / ``hub_entry``, and keeps it with a stamp of its place:
every file's relative name, size, mtime and inode (hidden files too, such as a pulled folder's
source record; not the hash cache, which hashing writes) and the user's pickle-trust record.

Each later request lists the folders again and re-stamps the place (stat calls: nothing is read
or hashed). The same stamp gives the kept entry; another (a model replaced on disk, a weight
rewritten, trust given or taken back) builds the entry again, so its hash is that of the files as
they are now and a request that recorded the old hash is refused as before. Entries with problems
are never kept: they are rebuilt each time (a file unreadable once may be readable the next). A
name found in no place costs one full ``scan``, which :class:`NotInstalled` carries so that the
caller can say what is installed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from studio.core.kinds import ModelKind
from studio.engine import model_files as mf
from studio.engine import pickle_trust
from studio.engine import registry as reg
from studio.engine.registry import ModelEntry, Registry

Row = tuple[str, int, int, int]  # relative name, size, mtime (ns), inode
Stamp = tuple[Row, ...]
MISSING = -1


class NotInstalled(KeyError):
    """No model of that name; ``registry`` is the full scan that looked for it."""

    def __init__(self, name: str, registry: Registry) -> None:
        installed = ", ".join(registry.names()) or "none"
        super().__init__(f"no model named {name!r} in {registry.root} (installed: {installed})")
        self.name = name
        self.registry = registry


@dataclass(frozen=True)
class Place:
    """Where ``scan`` finds one model: the name it lists, the file or folder, and how the
    registry makes its entry (nothing is read until ``make`` is called)."""

    name: str
    path: Path  # absolute
    make: Callable[[], ModelEntry]


@dataclass(frozen=True)
class _Kept:
    stamp: Stamp
    entry: ModelEntry


class ModelLookup:
    """The entries of one models folder, each built when first asked for and kept while its
    files are unchanged. Safe to share between threads."""

    def __init__(self, models_dir: Path) -> None:
        self.root = Path(models_dir).expanduser().absolute()
        self.builds = 0  # entries built: one model's configs read and its files hashed
        self.scans = 0  # full scans (a name found nowhere)
        self._kept: dict[Path, _Kept] = {}
        self._lock = threading.Lock()

    def find(self, name: str) -> ModelEntry:
        """The entry ``scan(root).get(name)`` would give, as the files are now;
        :class:`NotInstalled` when no model has that name."""
        with self._lock:
            place = next((p for p in places(self.root) if p.name == name), None)
            if place is not None:
                return self._entry(place)
            self.scans += 1
            registry = reg.scan(self.root)
        try:
            return registry.get(name)  # only if ``places`` and ``scan`` ever disagree
        except KeyError:
            raise NotInstalled(name, registry) from None

    def entry_at(self, path: Path) -> ModelEntry | None:
        """The entry of the model file ``path`` (resolved) when ``scan`` lists it as one (a LoRA,
        an IP-Adapter or a checkpoint file), else None."""
        with self._lock:
            for place in places(self.root):
                if place.path.resolve() == path and not place.path.is_dir():
                    return self._entry(place)
        return None

    def _entry(self, place: Place) -> ModelEntry:
        stamp = place_stamp(place.path)
        kept = self._kept.get(place.path)
        if kept is not None and kept.stamp == stamp:
            return kept.entry
        self.builds += 1
        entry = _built(place)
        if entry.problems:
            self._kept.pop(place.path, None)
        else:
            self._kept[place.path] = _Kept(stamp, entry)  # stamped before reading: a change
        return entry  # while it was read shows as another stamp next time


_LOOKUPS: dict[Path, ModelLookup] = {}
_LOOKUPS_LOCK = threading.Lock()


def for_folder(models_dir: Path) -> ModelLookup:
    """This process's lookup for ``models_dir`` (made on first use, then shared)."""
    root = Path(models_dir).expanduser().absolute()
    with _LOOKUPS_LOCK:
        lookup = _LOOKUPS.get(root)
        if lookup is None:
            lookup = _LOOKUPS[root] = ModelLookup(root)
        return lookup


def places(root: Path) -> Iterator[Place]:
    """Every place ``scan(root)`` lists a model from, in its order; only folders are listed."""
    for child in _children(root):
        if child.is_dir():
            if child.name == reg.LORAS:
                for rel, path in mf.list_files(child):
                    if mf.is_weight(rel):
                        yield Place(path.stem, path, partial(reg.file_entry, path, ModelKind.LORA))
            elif child.name == reg.IP_ADAPTERS:
                yield from (_ip_adapter(path) for path in _children(child))
            elif child.name == reg.HUB:
                yield from (_hub(path) for path in _children(child) if _is_hub_repo(path))
            elif _is_hub_repo(child):
                yield _hub(child)
            else:
                yield Place(child.name, child, partial(reg.folder_entry, child))
        elif mf.is_weight(child.name):
            yield Place(child.stem, child, partial(reg.file_entry, child))


def place_stamp(path: Path) -> Stamp:
    """What changes when the model at ``path`` changes on disk: each file's relative name, size,
    mtime and inode (folders by name), and the user's pickle-trust record. Only stat calls."""
    rows = [_row("", path)] if not path.is_dir() else list(_folder_rows(path))
    rows.append(_row("<trust>", pickle_trust.trust_file()))
    return tuple(rows)


def _folder_rows(folder: Path) -> Iterator[Row]:
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not mf.is_hidden(d))
        base = Path(dirpath)
        rel = base.relative_to(folder).as_posix()
        yield (f"{rel}/", 0, 0, 0)
        for name in sorted(filenames):
            if not name.startswith(mf.HASH_CACHE):  # written by hashing, and its temporaries
                yield _row(f"{rel}/{name}", base / name)


def _row(rel: str, path: Path) -> Row:
    try:
        st = path.stat()
    except OSError:
        return (rel, MISSING, MISSING, MISSING)
    return (rel, st.st_size, st.st_mtime_ns, st.st_ino)


def _built(place: Place) -> ModelEntry:
    """``place.make()``; a file that cannot be read makes an entry with that problem (as in
    ``scan``)."""
    try:
        return place.make()
    except OSError as exc:
        path = place.path
        name = path.stem if mf.is_weight(path.name) else path.name
        problem = f"cannot be read: {mf.one_line(exc)}"
        return ModelEntry(name, ModelKind.UNKNOWN, "", "", path, "", False, [problem])


def _ip_adapter(path: Path) -> Place:
    if path.is_dir():
        return Place(path.name, path, partial(reg.folder_entry, path, hint=ModelKind.IP_ADAPTER))
    return Place(path.stem, path, partial(reg.file_entry, path, ModelKind.IP_ADAPTER))


def _hub(repo: Path) -> Place:
    name = repo.name.removeprefix(reg.HUB_PREFIX).replace("--", "/")
    return Place(name, repo, partial(reg.hub_entry, repo))


def _is_hub_repo(path: Path) -> bool:
    return path.is_dir() and path.name.startswith(reg.HUB_PREFIX)


def _children(folder: Path) -> list[Path]:
    """Visible entries of ``folder``, sorted as ``scan`` sorts them; none when it is absent."""
    try:
        return sorted(p for p in folder.iterdir() if not mf.is_hidden(p.name))
    except OSError:
        return []


def installed_model(models_dir: Path, name: str, model_hash: str, kind: ModelKind) -> ModelEntry:
    """The installed model ``name`` of ``kind`` for a request in the worker, still the one the
    request recorded (``model_hash``; "" takes it as it is); BackendError says why not."""
    from studio.engine.backends.base import BackendError

    try:
        entry = for_folder(models_dir).find(name)
    except NotInstalled as missing:
        installed = [e.name for e in missing.registry.of_kind(kind) if not e.problems]
        raise BackendError(
            f"no {kind.value} model named {name!r} is installed in {missing.registry.root} "
            f"(installed: {', '.join(installed) or 'none'})"
        ) from None
    if entry.kind != kind:
        raise BackendError(f"{name} is of kind {entry.kind.value}, not a {kind.value} model")
    if entry.problems:
        raise BackendError(f"{name} cannot be used: {'; '.join(entry.problems)}")
    if model_hash and model_hash != entry.hash:
        raise BackendError(
            f"model {name} changed since this request was made (its files are not the ones the "
            "request recorded): make a new request to use it as it is now"
        )
    return entry
