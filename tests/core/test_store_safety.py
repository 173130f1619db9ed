"""A project someone sent: leftovers cleaned on a writing open, linked folders refused,
limits and ids checked on load, NaN never read or written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sample_projects import edit_json, touch

from studio.core.ids import id_problem, name_problem
from studio.core.jsonread import SchemaError
from studio.core.store import StoreError, open_project

LEFTOVERS = [
    ".project.json.123-abcd1234.tmp",
    "autosave/.project-20250101T000000000000Z.json.99-ab12cd34.tmp",
    "takes/sh-1/.tk-0011aabb.part.mp4",
    "takes/sh-1/.tk-0011aabb.part.png",
]
KEPT = [
    "takes/sh-1/tk-1.mp4",
    "takes/sh-1/notes.tmp",  # not a pattern the app leaves behind
    "takes/sh-1/.tk-x.part.mov",
    "autosave/project-20250101T000000000000Z.json",
    "audio/.tk-0011aabb.part.mp4",  # only in a shot's takes folder
]


def test_leftovers_of_killed_processes_go_when_opened_for_writing(root: Path) -> None:
    touch(root, *LEFTOVERS, *KEPT)
    with open_project(root, read_only=True):
        pass
    assert all((root / rel).exists() for rel in LEFTOVERS)  # read-only: nothing touched
    with open_project(root):
        pass
    assert not any((root / rel).exists() for rel in LEFTOVERS)
    assert all((root / rel).exists() for rel in KEPT)


def test_leftovers_in_a_linked_folder_inside_are_not_followed(root: Path) -> None:
    real = root / "script" / "real"
    touch(real, ".tk-0011aabb.part.mp4")
    (root / "takes" / "sh-9").symlink_to(real)  # not a shot of the project: allowed
    with open_project(root):
        pass
    assert (real / ".tk-0011aabb.part.mp4").exists()


def test_a_locked_project_keeps_its_leftovers(root: Path) -> None:
    touch(root, *LEFTOVERS)
    with open_project(root):
        touch(root, *LEFTOVERS)  # the holder's own files, being written now
        with open_project(root, if_locked="read_only") as second:
            assert second.read_only
        assert all((root / rel).exists() for rel in LEFTOVERS)


@pytest.mark.parametrize("folder", ["takes", "audio", "exports", "autosave", "takes/sh-1"])
def test_a_written_folder_linked_outside_refuses_a_writing_open(
    root: Path, tmp_path: Path, folder: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    os.rename(root / folder, elsewhere)
    (root / folder).symlink_to(elsewhere)
    with pytest.raises(StoreError, match=rf"^cannot open .* {folder}/ is a symlink to .*elsewhere"):
        open_project(root)
    with open_project(root, read_only=True) as folder_open:  # reading is still possible
        assert folder_open.read_only
    assert not (root / ".lock").exists()  # the lock was released on refusal


def test_a_written_folder_linked_inside_is_fine(root: Path) -> None:
    os.rename(root / "exports", root / "script" / "exports")
    (root / "exports").symlink_to(root / "script" / "exports")
    with open_project(root) as folder:
        assert not folder.read_only


@pytest.mark.parametrize("value", ["sh-1", "tk-0011aabb", "a", "Shot_2.b", "x" * 64, "sh-d217b5f8"])
def test_ids_the_app_makes_are_valid(value: str) -> None:
    assert id_problem(value) == ""


@pytest.mark.parametrize(
    "value",
    ["", "..", "../x", "a/b", "a\\b", "-a", ".a", "a..b", "sh-1\x00", "x" * 65, "sh 1", "é"],
)
def test_ids_that_could_leave_a_folder_are_refused(value: str) -> None:
    assert "is not a valid id" in id_problem(value)


@pytest.mark.parametrize(
    ("name", "problem"),
    [("MAYA", ""), ("李雷", ""), ("DR. O'BRIEN", ""), ("", "needs a name"),
     ("A\x00B", "control character"), ("A\nB", "control character"),
     ("M" * 101, "longer than 100"), ("A\udc80", "lone surrogate")],
)  # fmt: skip
def test_character_names(name: str, problem: str) -> None:
    assert problem in name_problem(name)
    assert bool(name_problem(name)) == bool(problem)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["width"], 7682, r"resolution must be even numbers from 16 to 7680, got 7682x1920"),
        (["height"], 1081, r"resolution must be even .* got 1080x1081"),
        (["fps"], "1/1000", r"project\.fps: must be from 1 to 240"),
        (["characters", 0, "seed"], 2**40, r"characters\[0\]\.seed: must be from 0"),
        (["characters", 0, "voice", "rate"], 1e300, r"voice\.rate: must be from 0 to 10"),
        (["title"], "t" * 100_001, r"project\.title: longer than 100000 characters"),
        (["episodes", 0, "number"], 0, r"episodes\[0\]\.number: must be from 1 to 9999"),
    ],
)
def test_values_past_the_limits_are_refused_naming_the_field(
    root: Path, path: list, value: object, message: str
) -> None:
    def change(doc: dict) -> None:
        node = doc["project"]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    edit_json(root, change)
    with pytest.raises(StoreError, match=message):
        open_project(root, read_only=True)


def test_a_take_id_that_names_a_path_is_refused(root: Path) -> None:
    edit_json(
        root,
        lambda doc: doc["project"]["episodes"][0]["scenes"][0]["shots"][0]["takes"][0].update(
            id="../../tk-1"
        ),
    )
    with pytest.raises(StoreError, match=r"shots\[0\]\.takes\[0\]\.id: '\.\./\.\./tk-1' is not"):
        open_project(root, read_only=True)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_on_load(root: Path, constant: str) -> None:
    file = root / "project.json"
    text = file.read_text()
    file.write_text(text.replace('"gpu_seconds": 0.0', f'"gpu_seconds": {constant}', 1))
    assert constant in file.read_text()
    with pytest.raises(StoreError, match=rf"is damaged: invalid JSON: {constant} is not a number"):
        open_project(root, read_only=True)


def test_nan_is_never_written(root: Path) -> None:
    before = (root / "project.json").read_bytes()
    with open_project(root) as folder:
        folder.project.find_shot("sh-1").takes[0].gpu_seconds = float("nan")
        with pytest.raises(StoreError, match=r"takes\[0\]\.gpu_seconds: nan is not a number"):
            folder.save()
    assert (root / "project.json").read_bytes() == before
    json.loads(before, parse_constant=lambda name: pytest.fail(name))


def test_schema_error_is_a_value_error() -> None:
    assert issubclass(SchemaError, ValueError)  # callers catching ValueError see bound errors
