"""The project folder: create/open/save, atomic writes, validation on load, autosave.

Real files in ``tmp_path``; failures injected only at the OS boundary (``os.write``,
``os.replace``, ``os.open``), never by mocking the store itself. The lock, stored paths and the
text of project.json have their own files: ``test_store_lock.py``, ``test_store_paths.py``,
``test_projectjson.py``; schema upgrades are in ``test_store_upgrades.py``.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sample_projects import edit_json, small_project

from studio.core import store
from studio.core.model import Project
from studio.core.store import (
    StoreError,
    create_project,
    open_project,
    resolve_root,
)


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- create, open, save ------------------------------------------------------------------------


def test_create_then_open_round_trips(root: Path) -> None:
    assert {"takes", "audio", "exports", "script", "autosave", "project.json"} <= files_in(root)
    assert not (root / ".lock").exists()  # the fixture closed it
    with open_project(root) as folder:
        assert folder.project == small_project()
        assert folder.problems == []
        assert not folder.read_only
        assert (root / ".lock").exists()
    assert not (root / ".lock").exists()


def test_project_json_is_versioned_and_diff_friendly(root: Path) -> None:
    text = (root / "project.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["schema"] == "micro-drama-studio.project"
    assert doc["version"] == store.SCHEMA_VERSION
    assert isinstance(doc["saved"], str)
    assert doc["project"] == small_project().to_json()
    lines = text.splitlines()
    # Each take is one line of its own, so a changed take is a one-line diff.
    assert sum(1 for line in lines if line.lstrip().startswith('{"id": "tk-')) == 4
    assert any(line.lstrip().startswith('{"id": "sh-2"') for line in lines)
    assert "指輪" in text  # readable, not \\u escapes


def test_save_writes_changes(root: Path) -> None:
    with open_project(root) as folder:
        folder.project.find_shot("sh-1").approve("tk-1")
        folder.save()
    with open_project(root, read_only=True) as folder:
        assert folder.project.find_shot("sh-1").approved_take == "tk-1"


def test_resolve_root() -> None:
    assert resolve_root("shows/Rain") == Path("shows/Rain.mdstudio")
    assert resolve_root("shows/Rain.mdstudio") == Path("shows/Rain.mdstudio")
    with pytest.raises(StoreError, match="not a project name: ''"):
        resolve_root("")


def test_resolve_root_keeps_an_existing_project_folder(root: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    create_project(plain, small_project()).close()
    assert resolve_root(plain) == plain
    assert resolve_root(tmp_path / "other") == tmp_path / "other.mdstudio"


def test_create_refuses_a_non_empty_folder(root: Path, tmp_path: Path) -> None:
    before = (root / "project.json").read_bytes()
    with pytest.raises(StoreError, match=r"already exists and is not empty"):
        create_project(root, Project("Other"))
    assert (root / "project.json").read_bytes() == before
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match=r"exists and is not a folder"):
        create_project(tmp_path / "file", Project("Other"))


def test_create_in_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty.mdstudio").mkdir()
    with create_project(tmp_path / "empty.mdstudio", Project("E")) as folder:
        assert folder.project.title == "E"


# --- atomic save: failures at the OS boundary ---------------------------------------------------


def _fail_write_after(monkeypatch: pytest.MonkeyPatch, good_bytes: int, err: int) -> None:
    """os.write accepts ``good_bytes`` and then fails like a full or broken disk."""
    real_write = os.write
    left = [good_bytes]

    def write(fd: int, data: Any) -> int:
        if left[0] <= 0:
            raise OSError(err, os.strerror(err))
        n = real_write(fd, bytes(data[: left[0]]))
        left[0] -= n
        return n

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize(
    ("err", "said"),
    [(errno.ENOSPC, "no space left on device"), (errno.EIO, "input/output error")],
)
def test_failed_write_keeps_the_old_file(
    root: Path, monkeypatch: pytest.MonkeyPatch, err: int, said: str
) -> None:
    before = (root / "project.json").read_bytes()
    listing = files_in(root)
    with open_project(root) as folder:
        folder.project.title = "Changed"
        with monkeypatch.context() as m:
            _fail_write_after(m, 100, err)
            with pytest.raises(StoreError) as caught:
                folder.save()
        message = str(caught.value)
        assert message == f"cannot save project: {said} ({root / 'project.json'})"
        assert (root / "project.json").read_bytes() == before
        assert files_in(root) == listing | {".lock"}  # no temp file left behind
        folder.save()  # once there is room again, the same edit saves
    assert open_project(root, read_only=True).project.title == "Changed"


def test_failed_rename_keeps_the_old_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (root / "project.json").read_bytes()
    listing = files_in(root)

    def replace(src: Any, dst: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    with open_project(root) as folder:
        folder.project.title = "Changed"
        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(StoreError, match=r"^cannot save project: read-only file system \("):
            folder.save()
        monkeypatch.undo()
        assert (root / "project.json").read_bytes() == before
        assert files_in(root) == listing | {".lock"}


def test_permission_denied(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def deny(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    before = (root / "project.json").read_bytes()
    with open_project(root) as folder:
        monkeypatch.setattr(os, "open", deny)
        with pytest.raises(StoreError, match=r"^cannot save project: permission denied \("):
            folder.save()
        with pytest.raises(StoreError, match=r"^cannot write script/a\.fountain: permission"):
            folder.write_text("script/a.fountain", "x")
        with pytest.raises(StoreError, match=r"^cannot autosave: permission denied"):
            folder.autosave()
    assert (root / "project.json").read_bytes() == before


def test_unsavable_value_is_refused_before_writing(root: Path) -> None:
    before = (root / "project.json").read_bytes()
    with open_project(root) as folder:
        folder.project.find_shot("sh-1").take("tk-3").unread_request["path"] = Path("/x")
        with pytest.raises(StoreError, match=r"cannot save project: .*PosixPath|WindowsPath"):
            folder.save()
    assert (root / "project.json").read_bytes() == before


@pytest.mark.parametrize(
    ("room", "said"),
    [(10, "cannot lock project for writing"), (1000, "cannot save project")],
)
def test_create_on_a_full_disk_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int, said: str
) -> None:
    _fail_write_after(monkeypatch, room, errno.ENOSPC)
    with pytest.raises(StoreError, match=rf"^{said}: no space left on device"):
        create_project(tmp_path / "New.mdstudio", small_project())
    assert not (tmp_path / "New.mdstudio").exists()


def test_read_only_folder_refuses_every_write(root: Path) -> None:
    before = (root / "project.json").read_bytes()
    with open_project(root, read_only=True) as folder:
        assert folder.read_only
        assert not (root / ".lock").exists()  # read-only opens take no lock
        for action in (folder.save, folder.autosave, lambda: folder.write_text("a.txt", "x")):
            with pytest.raises(StoreError, match=r"the project is open read-only"):
                action()
    assert (root / "project.json").read_bytes() == before
    assert folder.autosaves() == []


def test_closed_folder_refuses_to_save(root: Path) -> None:
    folder = open_project(root)
    folder.close()
    folder.close()  # twice is fine
    with pytest.raises(StoreError, match=r"^cannot save project: the project was closed"):
        folder.save()


# --- loading bad input: one clear line, nothing lost --------------------------------------------


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(
        StoreError, match=r"^not a Micro-Drama Studio project: .*nope does not exist"
    ):
        open_project(tmp_path / "nope")


def test_folder_without_project_json(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_project(tmp_path)
    assert str(caught.value) == f"not a Micro-Drama Studio project: {tmp_path} has no project.json"
    assert not (tmp_path / ".lock").exists()


def test_corrupt_json_names_line_and_column_and_the_autosave(root: Path) -> None:
    with open_project(root) as folder:
        newest = folder.autosave()
    text = (root / "project.json").read_text()
    version = f'"version": {store.SCHEMA_VERSION},'
    assert version in text
    broken = text.replace(version, version.rstrip(","), 1)
    (root / "project.json").write_text(broken)
    with pytest.raises(StoreError) as caught:
        open_project(root)
    message = str(caught.value)
    assert message.startswith(
        f"{root / 'project.json'} is damaged: invalid JSON at line 4, column "
    )
    assert ": Expecting ',' delimiter" in message
    assert message.endswith(f"; the newest autosave is {newest}")
    assert (root / "project.json").read_text() == broken  # untouched
    assert not (root / ".lock").exists()  # the failed open let go of its lock


def test_empty_and_binary_files(root: Path) -> None:
    (root / "project.json").write_bytes(b"")
    with pytest.raises(StoreError, match=r"is damaged: invalid JSON at line 1, column 1"):
        open_project(root)
    (root / "project.json").write_bytes(b'{"schema": "\xff"}')
    with pytest.raises(StoreError, match=r"is damaged: not UTF-8 text"):
        open_project(root)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"schema": "other.app"}, r"^not a Micro-Drama Studio project: .* has schema 'other.app'$"),
        ([1, 2], r"^not a Micro-Drama Studio project: .* has no schema name$"),
        ({"version": 1}, r"^not a Micro-Drama Studio project: .* has no schema name$"),
        (
            {"schema": "micro-drama-studio.project", "version": "1"},
            r"is damaged: version must be a whole number from 0, got '1'$",
        ),
    ],
)
def test_wrong_header(root: Path, doc: Any, message: str) -> None:
    (root / "project.json").write_text(json.dumps(doc))
    with pytest.raises(StoreError, match=message):
        open_project(root)


def test_newer_version_is_refused(root: Path) -> None:
    edit_json(root, lambda doc: doc.update(version=7))
    before = (root / "project.json").read_bytes()
    with pytest.raises(StoreError) as caught:
        open_project(root)
    assert str(caught.value) == (
        f"cannot open {root / 'project.json'}: made by a newer Micro-Drama Studio "
        f"(schema version 7; this one reads up to {store.SCHEMA_VERSION})"
    )
    assert (root / "project.json").read_bytes() == before


def test_bad_field_names_its_path(root: Path) -> None:
    def zero(doc: dict[str, Any]) -> None:
        doc["project"]["episodes"][0]["scenes"][0]["shots"][1]["duration_frames"] = 0

    edit_json(root, zero)
    before = (root / "project.json").read_bytes()
    with pytest.raises(StoreError) as caught:
        open_project(root)
    assert str(caught.value) == (
        f"{root / 'project.json'} is damaged: project.episodes[0].scenes[0].shots[1]"
        ".duration_frames: must be positive, got 0"
    )
    assert (root / "project.json").read_bytes() == before


def test_project_of_the_wrong_shape(root: Path) -> None:
    edit_json(root, lambda doc: doc.update(project=["not", "an", "object"]))
    with pytest.raises(StoreError, match=r"is damaged: project: expected an object, got list$"):
        open_project(root)


def test_unknown_fields_are_flagged_and_the_original_kept(root: Path) -> None:
    def add(doc: dict[str, Any]) -> None:
        doc["project"]["colour_grade"] = "teal"
        doc["project"]["episodes"][0]["scenes"][0]["shots"][0]["takes"][1]["rating"] = 5

    edit_json(root, add)
    original = (root / "project.json").read_bytes()
    with open_project(root) as folder:
        assert folder.problems == [
            "project.json has fields this version does not know, which a save would drop: "
            "project.episodes[0].scenes[0].shots[0].takes[1].rating, project.colour_grade; "
            "the first save keeps the original as project.before-unknown-fields.json"
        ]
        folder.save()
    assert (root / "project.before-unknown-fields.json").read_bytes() == original


def test_defaults_filled_in_are_not_flagged(root: Path) -> None:
    def sparse(doc: dict[str, Any]) -> None:
        take = doc["project"]["episodes"][0]["scenes"][0]["shots"][0]["takes"][0]
        del take["notes"], take["gpu_seconds"]

    edit_json(root, sparse)
    with open_project(root) as folder:
        assert folder.problems == []


# --- resolve, write_text, autosave --------------------------------------------------------------


def test_write_text(root: Path) -> None:
    with open_project(root) as folder:
        path = folder.write_text("script/script.fountain", "INT. ROOM - DAY\n\nRain.\n")
        assert path == root / "script" / "script.fountain"
        assert path.read_text(encoding="utf-8") == "INT. ROOM - DAY\n\nRain.\n"
        folder.write_text("script/drafts/v2.fountain", "雨")
        assert (root / "script" / "drafts" / "v2.fountain").read_text(encoding="utf-8") == "雨"
        with pytest.raises(StoreError, match=r"path goes outside the project folder"):
            folder.write_text("../escape.fountain", "x")
    assert not (root.parent / "escape.fountain").exists()
    assert [p.name for p in (root / "script").iterdir() if p.name.endswith(".tmp")] == []


def test_autosave_keeps_the_newest(root: Path) -> None:
    with open_project(root) as folder:
        made = []
        for n in range(7):
            folder.project.title = f"Draft {n}"
            made.append(folder.autosave())
        saves = folder.autosaves()
        assert saves == list(reversed(made))[:5]  # newest first, five kept
        assert len(list((root / "autosave").iterdir())) == 5
        doc = json.loads(saves[0].read_text())
        assert doc["schema"] == store.SCHEMA_NAME
        assert doc["project"]["title"] == "Draft 6"
        assert folder.autosave(keep=2) and len(folder.autosaves()) == 2
    # project.json itself is untouched by autosaves
    assert json.loads((root / "project.json").read_text())["project"]["title"] == "Rain"


def test_autosave_on_a_full_disk_keeps_the_older_copies(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_project(root) as folder:
        first = folder.autosave()
        with monkeypatch.context() as m:
            _fail_write_after(m, 100, errno.ENOSPC)
            with pytest.raises(StoreError, match=r"^cannot autosave: no space left on device \("):
                folder.autosave()
        assert folder.autosaves() == [first]
        assert files_in(root / "autosave") == {first.name}


def test_damaged_field_points_at_the_autosave(root: Path) -> None:
    with open_project(root) as folder:
        newest = folder.autosave()
    edit_json(root, lambda doc: doc["project"].update(width=-5))
    with pytest.raises(StoreError) as caught:
        open_project(root)
    assert str(caught.value) == (
        f"{root / 'project.json'} is damaged: project: resolution must be positive, got -5x1920"
        f"; the newest autosave is {newest}"
    )
