"""The text of project.json (``studio.core.projectjson``): layout and reading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from studio.core import projectjson
from studio.core.model import (
    Project,
    TakeState,
)
from studio.core.projectjson import encode, parse
from studio.core.store import (
    create_project,
    open_project,
)

# --- the text of project.json -------------------------------------------------------------------


def saved_take(root: Path, index: int = 0) -> dict[str, Any]:
    doc = json.loads((root / "project.json").read_text(encoding="utf-8"))
    return doc["project"]["episodes"][0]["scenes"][0]["shots"][0]["takes"][index]


QUEUED = 2  # tk-3, queued: no request yet, its stored "request" is kept as free JSON


@pytest.mark.parametrize(
    ("before", "after"),
    [(1, True), (True, 1), (1, 1.0), (0.0, -0.0), ("a", "b"), ([1, 2], [2, 1]), ({"a": 1}, {})],
)
def test_saves_after_an_edit_write_the_edit(root: Path, before: Any, after: Any) -> None:
    """An edit in place, even one JSON barely tells apart, reaches the file."""
    with open_project(root) as folder:
        stored = folder.project.find_shot("sh-1").take("tk-3").unread_request
        stored["x"] = before
        folder.save()
        assert saved_take(root, QUEUED)["request"]["x"] == before
        stored["x"] = after  # changed in place, as an edit might
        folder.save()
        value = saved_take(root, QUEUED)["request"]["x"]
        assert value == after
        assert type(value) is type(after)
        assert json.dumps(value) == json.dumps(after)


def test_unusual_values_round_trip(root: Path) -> None:
    with open_project(root) as folder:
        take = folder.project.find_shot("sh-1").take("tk-3")
        take.notes = "bad name \udc80 from a file system"  # a lone surrogate
        take.unread_request["state"] = TakeState.DONE  # a str subclass
        take.unread_request["big"] = 2**70
        folder.save()
        folder.save()
    take = saved_take(root, QUEUED)
    assert take["notes"] == "bad name \udc80 from a file system"
    assert take["request"]["state"] == "done"
    assert take["request"]["big"] == 2**70


def test_empty_project_is_valid_json(tmp_path: Path) -> None:
    with create_project(tmp_path / "Empty.mdstudio", Project("")) as folder:
        folder.save()
    doc = json.loads((tmp_path / "Empty.mdstudio" / "project.json").read_text())
    assert doc["project"] == Project("").to_json()


INVALID = [
    "",
    "{",
    '{"a": 1,}',
    '{"project": {"e": [1,]}}',
    '{"project": {"e": [1 2]}}',
    '{"project": {"e" [1]}}',
    '{"project": {"e": [1]}} extra',
    '{"project": {"e": [01]}}',
    '{"project": {"e": ["tab\there"]}}',
    "[1, 2",
]


@pytest.mark.parametrize("text", INVALID)
def test_reading_refuses_what_json_loads_refuses(text: str) -> None:
    data = text.encode()
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(data)
    with pytest.raises(ValueError) as caught:
        parse(data)
    where = f"line {expected.value.lineno}, column {expected.value.colno}: {expected.value.msg}"
    assert str(caught.value) == f"invalid JSON at {where}"


def test_encoded_text_is_the_value() -> None:
    doc = {
        "schema": "s",
        "project": {
            "title": "雨",
            "characters": [{"name": "A", "voice": {"rate": 1.0}}],
            "episodes": [
                {"number": 1, "scenes": [{"index": 1, "shots": [{"id": "s", "takes": [{}, {}]}]}]},
                {"number": 2, "scenes": []},
            ],
            "archived_shots": [{"id": "a", "takes": [{"id": "t"}]}],
            "empty": [],
        },
    }
    text = encode(doc).decode("utf-8")
    assert json.loads(text) == doc
    lines = text.splitlines()
    assert lines.count("            {},") == 1  # one take a line
    assert lines.count("            {}") == 1
    assert '      {"id": "a", "takes": [' in lines


def test_saving_without_edits_changes_only_the_saved_line(root: Path) -> None:
    before = (root / "project.json").read_text(encoding="utf-8").splitlines()
    with open_project(root) as folder:
        folder.save()
    after = (root / "project.json").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) <= 1
    assert all(a.startswith('  "saved": ') for a, _ in changed)


def test_a_big_project_is_encoded_in_pieces_to_the_same_text(monkeypatch) -> None:
    """The text is encoded a few thousand pieces at a time (so the autosave's thread never
    holds the interpreter lock long): the bytes are those of the text encoded whole."""
    takes = [{"id": f"tk-{i}", "notes": "雨"} for i in range(9000)]
    shots = [{"id": f"sh-{n}", "takes": takes[n * 90 : n * 90 + 90]} for n in range(100)]
    doc = {"project": {"episodes": [{"number": 1, "scenes": [{"index": 1, "shots": shots}]}]}}
    pieces = encode(doc)
    takes[7000]["notes"] = "x \udc80"
    escaped = encode(doc)  # a lone surrogate met in a late piece: the whole text escaped
    assert escaped.isascii() and json.loads(escaped) == doc
    monkeypatch.setattr(projectjson, "_PIECES", 10**9)  # the text whole, then encoded
    assert escaped == encode(doc)
    takes[7000]["notes"] = "雨"
    assert pieces == encode(doc) and json.loads(pieces) == doc


def test_an_encode_again_takes_the_unchanged_episodes_texts(monkeypatch) -> None:
    """With an EpisodeTexts, only the episodes that changed are encoded again, and the bytes
    are always those of an encode from scratch: after an edit JSON barely tells apart, with
    episodes moved, with a value only the encoder takes, and after the escaped fallback."""
    encoded: list[Any] = []
    compact = projectjson._compact

    def counted(*, ensure_ascii: bool):
        dumps = compact(ensure_ascii=ensure_ascii)
        return lambda value: encoded.append(value) or dumps(value)

    def takes(e: int) -> list[dict[str, Any]]:
        return [{"id": f"tk-{e}-{t}", "notes": "雨", "rate": 1} for t in range(30)]

    episodes = [{"number": e, "scenes": [{"index": 1, "shots": [{"id": "s", "takes": takes(e)}]}]}
                for e in range(10)]  # fmt: skip
    doc = {"saved": "", "project": {"title": "Rain", "episodes": episodes}}
    reuse = projectjson.EpisodeTexts()
    monkeypatch.setattr(projectjson, "_compact", counted)
    first = encode(doc, reuse)
    everything = len(encoded)
    assert first == encode(doc) and len(reuse) == 10
    encoded.clear()
    edited = episodes[3]["scenes"][0]["shots"][0]["takes"][5]
    for value in (True, 1.0, "1", [1], 2):  # 1 -> True -> 1.0 -> "1" -> [1] -> 2
        edited["rate"] = value
        text = encode(doc, reuse)
        assert len(encoded) < everything / 5  # one episode of ten, and the top
        encoded.clear()
        assert text == encode(doc) and json.loads(text) == doc
        encoded.clear()
    episodes.reverse()
    edited["state"] = TakeState.DONE  # a str subclass: the encoder writes it, marshal cannot
    edited["notes"] = "bad name \udc80"  # a lone surrogate: the whole text escaped
    for _ in range(2):
        text = encode(doc, reuse)
        assert text == encode(doc) and text.isascii() and json.loads(text) == doc
    edited["notes"], edited["rate"] = "雨", 1
    del edited["state"]
    episodes.reverse()
    assert encode(doc, reuse) == encode(doc) == first


def test_the_parts_make_the_text_and_between_comes_after_each_episode() -> None:
    doc = {"project": {"title": "Rain", "episodes": [{"n": n, "scenes": []} for n in range(4)]}}
    seen: list[int] = []
    reuse = projectjson.EpisodeTexts()
    for given in (None, reuse, reuse):  # encoded, then their texts reused
        parts = projectjson.encode_parts(doc, given, lambda: seen.append(1))
        assert b"".join(parts) == encode(doc)
        assert given is None or len(parts) > 4, "with texts kept, each episode is a part"
    assert len(seen) == 3 * 4
