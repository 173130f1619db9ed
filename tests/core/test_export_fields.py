"""The project fields the export reads (schema 4): a shot's focus, an episode's cover frame, the
project's AI-content label and producer. Each round-trips and a bad value names its field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio.core.jsonread import SchemaError
from studio.core.model import Episode, Project, Scene, Shot, ShotKind


def through_json(value: Any) -> Any:
    """``value`` as it comes back from a project file."""
    return json.loads(json.dumps(value))


def shot_json(**changes: Any) -> dict[str, Any]:
    raw = Shot("sh-1", ShotKind.ACTION, "Rain.", 30).to_json()
    raw.update(changes)
    return raw


def project_json(**changes: Any) -> dict[str, Any]:
    shot = Shot("sh-1", ShotKind.ACTION, "Rain.", 30, focus=(0.25, 0.75))
    episode = Episode(1, "Pilot", [Scene("EXT. STREET", 1, shots=[shot])], cover_frame=12)
    raw = Project("Rain", episodes=[episode], label="AI-made", producer="Rain Pictures").to_json()
    raw.update(changes)
    return raw


def test_a_shot_is_centred_unless_told_otherwise():
    assert Shot("sh-1", ShotKind.ACTION, "", 30).focus == (0.5, 0.5)
    raw = shot_json()
    assert raw["focus"] == [0.5, 0.5]
    del raw["focus"]  # a project from before schema 4
    assert Shot.from_json(raw, "shot").focus == (0.5, 0.5)


@pytest.mark.parametrize("focus", [(0.25, 0.75), (0.0, 1.0), (1.0, 0.0), (0.5, 0.5)])
def test_the_focus_round_trips(focus):
    shot = Shot("sh-1", ShotKind.ACTION, "Rain.", 30, focus=focus)
    back = Shot.from_json(through_json(shot.to_json()), "shot")
    assert back.focus == focus
    assert back == shot


def test_a_whole_number_focus_is_read_as_floats():
    focus = Shot.from_json(shot_json(focus=[0, 1]), "shot").focus
    assert focus == (0.0, 1.0)
    assert all(isinstance(v, float) for v in focus)


@pytest.mark.parametrize(
    "focus",
    [[1.5, 0.5], [0.5, -0.1], [-1, 0], [0.5], [], [0.5, 0.5, 0.5], [True, 0.5], ["0.5", 0.5],
     [None, 0.5], [float("nan"), 0.5], "centre", None, {"x": 0.5, "y": 0.5}],
)  # fmt: skip
def test_a_bad_focus_is_a_schema_error_naming_it(focus):
    with pytest.raises(SchemaError, match=r"^shots\[3\]\.focus: "):
        Shot.from_json(shot_json(focus=focus), "shots[3]")


def test_a_bad_focus_deep_in_a_project_names_its_full_path():
    raw = project_json()
    raw["episodes"][0]["scenes"][0]["shots"][0]["focus"] = [2, 2]
    with pytest.raises(
        SchemaError, match=r"^project\.episodes\[0\]\.scenes\[0\]\.shots\[0\]\.focus"
    ):
        Project.from_json(raw)


def test_an_episode_has_no_cover_frame_unless_chosen():
    episode = Episode(1)
    assert episode.cover_frame is None
    raw = episode.to_json()
    assert raw["cover_frame"] is None
    assert Episode.from_json(through_json(raw), "episode").cover_frame is None
    del raw["cover_frame"]  # a project from before schema 4
    assert Episode.from_json(raw, "episode").cover_frame is None


@pytest.mark.parametrize("frame", [0, 12, 10_000])
def test_the_cover_frame_round_trips(frame):
    episode = Episode(2, "Roof", cover_frame=frame)
    back = Episode.from_json(through_json(episode.to_json()), "episode")
    assert back.cover_frame == frame
    assert back == episode


@pytest.mark.parametrize("frame", [-1, True, False, 1.5, 12.0, "12", [12]])
def test_a_bad_cover_frame_is_a_schema_error_naming_it(frame):
    raw = Episode(1, cover_frame=3).to_json()
    raw["cover_frame"] = frame
    with pytest.raises(SchemaError, match=r"^episodes\[0\]\.cover_frame: expected a frame number"):
        Episode.from_json(raw, "episodes[0]")


def test_the_label_and_producer_round_trip_with_the_whole_project():
    raw = through_json(project_json(label="AI生成", producer="雨 Pictures"))
    project = Project.from_json(raw)
    assert (project.label, project.producer) == ("AI生成", "雨 Pictures")
    assert project.episodes[0].cover_frame == 12
    assert next(project.shots()).focus == (0.25, 0.75)
    assert Project.from_json(through_json(project.to_json())) == project


def test_label_and_producer_are_empty_by_default_and_in_older_files():
    assert (Project("Rain").label, Project("Rain").producer) == ("", "")
    raw = project_json()
    del raw["label"], raw["producer"]
    project = Project.from_json(raw)
    assert (project.label, project.producer) == ("", "")


@pytest.mark.parametrize("key", ["label", "producer"])
@pytest.mark.parametrize("value", [5, None, ["AI"], True])
def test_a_label_or_producer_that_is_not_text_is_a_schema_error_naming_it(key, value):
    with pytest.raises(SchemaError, match=rf"^project\.{key}: expected str"):
        Project.from_json(project_json(**{key: value}))
