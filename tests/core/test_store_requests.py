"""Stored requests on load: typed when they can be read; otherwise the take (or voiced line)
opens without one, the problem names it, and the stored JSON is saved back as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sample_projects import edit_json

from studio.core.request import ImageRequest, LipSyncRequest, VoiceRequest
from studio.core.store import open_project


def shot0(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["project"]["episodes"][0]["scenes"][0]["shots"][0]


def saved(root: Path) -> dict[str, Any]:
    return json.loads((root / "project.json").read_text(encoding="utf-8"))


def test_stored_requests_open_typed_and_save_unchanged(root: Path) -> None:
    before = shot0(saved(root))
    with open_project(root) as folder:
        assert folder.problems == []
        shot = folder.project.find_shot("sh-1")
        assert isinstance(shot.take("tk-1").request, ImageRequest)
        synced = shot.take("tk-4").request
        assert isinstance(synced, LipSyncRequest)
        assert synced.source_request == shot.take("tk-2").request
        assert isinstance(shot.voice[0].request, VoiceRequest)
        assert shot.take("tk-3").request is None  # queued: nothing made it yet
        folder.save()
    assert shot0(saved(root)) == before


def test_an_unreadable_request_does_not_stop_the_project_opening(root: Path) -> None:
    damaged = {"kind": "image", "shot_id": "sh-1", "seed": "seven", "future": [1, 2]}

    def damage(doc: dict[str, Any]) -> None:
        shot0(doc)["takes"][0]["request"] = damaged
        shot0(doc)["voice"][0]["request"] = {"kind": "tts"}

    edit_json(root, damage)
    with open_project(root) as folder:
        shot = folder.project.find_shot("sh-1")
        take = shot.take("tk-1")
        assert take.request is None and take.media_problem == ""
        assert folder.problems == [
            "shot sh-1 take tk-1: its request cannot be read (request.seed: expected int, got "
            "str); kept as stored, but the take cannot be regenerated",
            "shot sh-1 line 1 voice: its request cannot be read (request.shot_id: missing); "
            "kept as stored, and the line is voiced again when asked",
        ]
        assert isinstance(shot.take("tk-2").request, ImageRequest)  # the others are read
        shot.take("tk-2").notes = "an edit"
        folder.save()
    again = shot0(saved(root))
    assert again["takes"][0]["request"] == damaged  # nothing lost
    assert again["voice"][0]["request"] == {"kind": "tts"}
    assert again["takes"][1]["notes"] == "an edit"
