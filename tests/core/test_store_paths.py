"""Stored paths on load: flagged, kept as stored, never dropped; ``ProjectFolder.resolve``."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from sample_projects import edit_json, touch

from studio.core.store import (
    StoreError,
    open_project,
)

# --- stored paths: flagged, kept as stored, never dropped ---------------------------------------


def set_media(root: Path, media: dict[str, str], state: str | None = None) -> None:
    def change(doc: dict[str, Any]) -> None:
        for take in doc["project"]["episodes"][0]["scenes"][0]["shots"][0]["takes"]:
            if take["id"] in media:
                take["media"] = media[take["id"]]
                if state:
                    take["state"] = state

    edit_json(root, change)


@pytest.mark.parametrize(
    ("media", "problem"),
    [
        ("/etc/passwd", "absolute path, must be relative to the project folder: /etc/passwd"),
        ("C:/Users/x.mp4", "absolute path, must be relative to the project folder: C:/Users/x.mp4"),
        ("../other/x.mp4", "path goes outside the project folder (..): ../other/x.mp4"),
        ("takes/../../x.mp4", "path goes outside the project folder (..): takes/../../x.mp4"),
        ("takes\\..\\..\\x.mp4", "path goes outside the project folder (..): takes\\..\\..\\x.mp4"),
        ("takes/sh-1/gone.mp4", "missing file takes/sh-1/gone.mp4"),
        ("takes/nowhere/gone.mp4", "missing file takes/nowhere/gone.mp4"),
        ("takes/sh-1", "is a folder, not a file: takes/sh-1"),
    ],
)
def test_bad_take_media_is_flagged_and_kept(root: Path, media: str, problem: str) -> None:
    set_media(root, {"tk-1": media})
    with open_project(root) as folder:
        take = folder.project.find_shot("sh-1").take("tk-1")
        assert take.media == media  # the stored text is kept
        assert take.media_problem == problem
        assert folder.problems == [f"shot sh-1 take tk-1: {problem}"]
        assert folder.project.find_shot("sh-1").take("tk-2").media_problem == ""
        folder.save()
    saved = json.loads((root / "project.json").read_text())
    assert saved["project"]["episodes"][0]["scenes"][0]["shots"][0]["takes"][0]["media"] == media


def test_symlinks_outside_are_flagged_inside_are_fine(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside, "secret.mp4")
    (root / "takes" / "sh-1" / "tk-1.mp4").unlink()
    (root / "takes" / "sh-1" / "tk-1.mp4").symlink_to(outside / "secret.mp4")
    (root / "takes" / "linked").symlink_to(outside)  # a whole folder pointing out
    (root / "takes" / "sh-1" / "tk-2.mp4").rename(root / "audio" / "real.mp4")
    (root / "takes" / "sh-1" / "tk-2.mp4").symlink_to(root / "audio" / "real.mp4")
    set_media(root, {"tk-3": "takes/linked/secret.mp4"})
    with open_project(root) as folder:
        shot = folder.project.find_shot("sh-1")
        secret = os.path.realpath(outside / "secret.mp4")
        assert shot.take("tk-1").media_problem == (
            f"symlink points outside the project folder: takes/sh-1/tk-1.mp4 -> {secret}"
        )
        assert shot.take("tk-2").media_problem == ""  # a link that stays inside is fine
        assert shot.take("tk-3").media_problem == (
            f"symlink points outside the project folder: takes/linked/secret.mp4 -> {secret}"
        )
        assert len(folder.problems) == 2


def test_missing_media_matters_only_for_generated_takes(root: Path) -> None:
    for name in ("tk-1.mp4", "tk-2.mp4"):
        (root / "takes" / "sh-1" / name).unlink()
    set_media(root, {"tk-3": "takes/sh-1/tk-3.mp4"})  # queued: no file yet is normal
    with open_project(root) as folder:
        shot = folder.project.find_shot("sh-1")
        assert shot.take("tk-1").media_problem == "missing file takes/sh-1/tk-1.mp4"
        assert shot.take("tk-2").media_problem == "missing file takes/sh-1/tk-2.mp4"
        assert shot.take("tk-3").media_problem == ""
        assert folder.problems == [
            "shot sh-1 take tk-1: missing file takes/sh-1/tk-1.mp4",
            "shot sh-1 take tk-2: missing file takes/sh-1/tk-2.mp4",
        ]


@pytest.mark.parametrize("state", ["done", "approved", "starred", "rejected"])
def test_generated_take_without_media(root: Path, state: str) -> None:
    set_media(root, {"tk-2": "takes/sh-1/tk-2.mp4"}, state="done")  # one approved take at most
    set_media(root, {"tk-3": ""}, state=state)
    with open_project(root) as folder:
        problem = f"no media file recorded for a {state} take"
        assert folder.project.find_shot("sh-1").take("tk-3").media_problem == problem
        assert folder.problems == [f"shot sh-1 take tk-3: {problem}"]


def test_archived_shot_takes_are_checked(root: Path) -> None:
    with open_project(root) as folder:
        shot = folder.project.episodes[0].scenes[0].shots.pop(0)
        folder.project.archived_shots.append(shot)
        folder.save()
    (root / "takes" / "sh-1" / "tk-1.mp4").unlink()
    with open_project(root) as folder:
        assert folder.problems == ["shot sh-1 take tk-1: missing file takes/sh-1/tk-1.mp4"]


def test_script_and_reference_images_are_checked(root: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["project"]["script"] = "/home/me/script.fountain"
        doc["project"]["characters"][0]["reference_images"] += ["../x.png", "characters/no.png"]

    edit_json(root, change)
    with open_project(root) as folder:
        assert folder.problems == [
            "script: absolute path, must be relative to the project folder: "
            "/home/me/script.fountain",
            "character ELENA: reference image: path goes outside the project folder (..): ../x.png",
            "character ELENA: reference image: missing file characters/no.png",
        ]
        assert folder.project.script == "/home/me/script.fountain"
        assert folder.project.characters[0].reference_images[1] == "../x.png"


def test_resolve(root: Path, tmp_path: Path) -> None:
    (root / "takes" / "out").symlink_to(tmp_path)
    with open_project(root) as folder:
        assert folder.resolve("takes/sh-1/tk-1.mp4") == root / "takes" / "sh-1" / "tk-1.mp4"
        assert folder.resolve("takes/new/not-yet.mp4") == root / "takes" / "new" / "not-yet.mp4"
        for bad, why in [
            ("/etc/passwd", "absolute path"),
            ("../x", "path goes outside the project folder (..)"),
            ("takes/out/x.mp4", "path resolves outside the project folder"),
            ("", "empty path"),
        ]:
            with pytest.raises(StoreError, match=rf"^{re.escape(why)}"):
                folder.resolve(bad)


def test_sound_paths_are_checked_and_kept(root: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        episode = doc["project"]["episodes"][0]
        episode["music"]["path"] = "../music/bed.m4a"
        shot = episode["scenes"][0]["shots"][0]
        shot["voice"][0]["timing"] = "/tmp/vc-1.json"
        shot["sfx"][0]["path"] = "audio/sfx/gone.wav"

    edit_json(root, change)
    before = json.loads((root / "project.json").read_text())["project"]
    with open_project(root) as folder:
        assert folder.problems == [
            "shot sh-1 line 1 voice: absolute path, must be relative to the project folder: "
            "/tmp/vc-1.json",
            "shot sh-1 sound effect: missing file audio/sfx/gone.wav",
            "episode 1 music: path goes outside the project folder (..): ../music/bed.m4a",
        ]
        folder.save()
    assert json.loads((root / "project.json").read_text())["project"] == before
