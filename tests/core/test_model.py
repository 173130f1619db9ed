"""Round trips and validation of the project model (``studio.core.model``)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from studio.core.jsonread import SchemaError
from studio.core.model import (
    Character,
    DialogueLine,
    Episode,
    Project,
    Scene,
    Shot,
    ShotKind,
    Take,
    TakeState,
    VoiceSettings,
)
from studio.core.request import ImageRequest, Lora
from studio.core.time import FrameRate


def rich_project() -> Project:
    """Every field set to something other than its default."""
    takes = [
        Take(
            id="tk-1",
            media="takes/sh-1/tk-1.mp4",
            request=ImageRequest(
                shot_id="sh-1", prompt="rain, neon", seed=7, guidance=5.5, references=("a.png",)
            ),
            state=TakeState.APPROVED,
            notes="keeper",
            gpu_seconds=41.5,
            created="2025-01-02T03:04:05+00:00",
        ),
        Take(id="tk-2", media="takes/sh-1/tk-2.mp4", state=TakeState.REJECTED, created="x"),
        Take(id="tk-3", state=TakeState.QUEUED, created="y"),
    ]
    shot = Shot(
        id="sh-1",
        kind=ShotKind.DIALOGUE,
        description="Elena turns — 雨が降る",
        duration_frames=96,
        source_lines=(12, 15),
        framing="close-up",
        characters=["ELENA", "MARCO"],
        dialogue=[DialogueLine("ELENA", "You came back.", "V.O.", "(quietly)")],
        duration_locked=True,
        changed=True,
        takes=takes,
    )
    insert = Shot(id="sh-2", kind=ShotKind.INSERT, description="A ring.", duration_frames=30)
    archived = Shot(id="sh-0", kind=ShotKind.ACTION, description="Cut.", duration_frames=45)
    elena = Character(
        name="ELENA",
        description="lead",
        voice=VoiceSettings("kokoro", "kokoro-82m", "bf_alice", "en", 1.1, 0.9, 0.8),
        reference_images=["characters/elena.png"],
        seed=42,
        loras=[Lora("loras/elena.safetensors", 0.7)],
    )
    return Project(
        title="Rain",
        fps=FrameRate(24000, 1001),
        width=720,
        height=1280,
        style="moody teal",
        language="en",
        script="script/script.fountain",
        characters=[elena, Character("MARCO")],
        episodes=[
            Episode(1, "Pilot", [Scene("EXT. STREET - NIGHT", 1, "1A", [shot, insert])]),
            Episode(2, "", []),
        ],
        archived_shots=[archived],
        loras=[Lora("loras/noir.safetensors")],
    )


def test_rich_project_round_trips() -> None:
    project = rich_project()
    raw = project.to_json()
    assert Project.from_json(raw) == project
    # ...and through real JSON text, as the store writes it.
    again = Project.from_json(json.loads(json.dumps(raw, ensure_ascii=False)))
    assert again == project
    assert again.to_json() == raw


def test_round_trip_keeps_types() -> None:
    project = Project.from_json(rich_project().to_json())
    shot = project.find_shot("sh-1")
    assert project.fps == FrameRate(24000, 1001)
    assert shot.source_lines == (12, 15)
    assert shot.kind is ShotKind.DIALOGUE
    assert shot.takes[0].state is TakeState.APPROVED
    assert shot.approved_take == "tk-1"


def test_loras_of_the_cast_are_stored_as_before() -> None:
    """One LoRA type for the cast and requests: the cast stores path and weight (and a pinned
    sha256), a request always all three (its digest covers them)."""
    elena = rich_project().characters[0]
    assert elena.to_json()["loras"] == [{"path": "loras/elena.safetensors", "weight": 0.7}]
    pinned = Lora("loras/elena.safetensors", 0.7, "ab" * 32)
    assert Lora.from_json(pinned.to_json(), "lora") == pinned
    request = ImageRequest(shot_id="sh-1", loras=(elena.loras[0],))
    assert request.to_json()["loras"] == [
        {"path": "loras/elena.safetensors", "weight": 0.7, "sha256": ""}
    ]


def test_media_problem_is_not_saved_nor_compared() -> None:
    take = Take(id="tk-1", media="/etc/passwd", created="x")
    flagged = Take(id="tk-1", media="/etc/passwd", created="x", media_problem="absolute path")
    assert take == flagged
    assert "media_problem" not in flagged.to_json()


def _bad(raw: dict[str, Any], where: list[Any], value: Any) -> dict[str, Any]:
    """A copy of ``raw`` with the field at path ``where`` set to ``value``."""
    raw = copy.deepcopy(raw)
    node: Any = raw
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    return raw


SHOT0 = ["episodes", 0, "scenes", 0, "shots", 0]


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (["fps"], "fast", r"^project\.fps: not a frame rate"),
        (["width"], 0, r"^project: resolution must be positive"),
        (["title"], 5, r"^project\.title: expected str, got int"),
        (["episodes"], {}, r"^project\.episodes: expected a list, got dict"),
        (["episodes", 0, "number"], True, r"^project\.episodes\[0\]\.number: expected int"),
        ([*SHOT0, "duration_frames"], 0, r"shots\[0\]\.duration_frames: must be positive"),
        ([*SHOT0, "kind"], "montage", r"shots\[0\]\.kind: 'montage' is not one of"),
        ([*SHOT0, "source_lines"], [3], r"shots\[0\]\.source_lines: expected \[first, last\]"),
        ([*SHOT0, "takes", 1, "state"], "lost", r"shots\[0\]\.takes\[1\]\.state: 'lost'"),
        ([*SHOT0, "dialogue", 0], "hi", r"shots\[0\]\.dialogue\[0\]: expected an object"),
        ([*SHOT0, "characters", 1], None, r"shots\[0\]\.characters\[1\]: expected text, got null"),
        (["characters", 0, "voice", "rate"], "x", r"^project\.characters\[0\]\.voice\.rate"),
        (["characters", 0, "reference_images"], "a.png", r"reference_images: expected a list"),
    ],
)
def test_bad_field_names_its_path(where: list[Any], value: Any, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        Project.from_json(_bad(rich_project().to_json(), where, value))


def test_missing_required_field_is_named() -> None:
    raw = rich_project().to_json()
    del raw["episodes"][0]["scenes"][0]["shots"][1]["id"]
    with pytest.raises(SchemaError, match=r"shots\[1\]\.id: missing"):
        Project.from_json(raw)


def test_two_approved_takes_are_refused() -> None:
    raw = _bad(rich_project().to_json(), [*SHOT0, "takes", 1, "state"], "approved")
    with pytest.raises(
        SchemaError, match=r"shots\[0\]: more than one approved take \(tk-1, tk-2\)"
    ):
        Project.from_json(raw)


def test_duplicate_shot_ids_are_refused() -> None:
    raw = _bad(rich_project().to_json(), ["archived_shots", 0, "id"], "sh-1")
    with pytest.raises(SchemaError, match="shot id sh-1 appears twice"):
        Project.from_json(raw)


def test_not_an_object_at_the_top() -> None:
    with pytest.raises(SchemaError, match=r"^project: expected an object, got list"):
        Project.from_json([])


def test_approve_moves_approval_and_keeps_other_states() -> None:
    shot = rich_project().find_shot("sh-1")
    shot.takes[2].state = TakeState.STARRED
    shot.approve("tk-2")
    assert [t.state for t in shot.takes] == [
        TakeState.DONE,  # the previously approved take goes back to done
        TakeState.APPROVED,
        TakeState.STARRED,  # others are left alone
    ]
    assert shot.approved_take == "tk-2"
    shot.approve("tk-2")  # approving the approved take again changes nothing
    assert shot.approved_take == "tk-2"
    assert [t.state for t in shot.takes].count(TakeState.APPROVED) == 1


def test_approve_unknown_take_changes_nothing() -> None:
    shot = rich_project().find_shot("sh-1")
    with pytest.raises(KeyError, match="shot sh-1 has no take tk-9"):
        shot.approve("tk-9")
    assert shot.approved_take == "tk-1"
