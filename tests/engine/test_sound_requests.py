"""The tts and lip-sync requests: stored and read back exactly, digests stable, bad fields
named."""

from __future__ import annotations

import json

import pytest

from studio.core.jsonread import SchemaError
from studio.core.request import (
    LipSyncRequest,
    RequestKind,
    SpokenLine,
    VoiceRequest,
    request_from_json,
)


def voice() -> VoiceRequest:
    return VoiceRequest(
        shot_id="sh-1", line=1, character="林晚", text="你好。", delivery="低声",
        language="zh", rate=0.9, pitch=1, volume=0.55, whisper=True,
    )  # fmt: skip


def lipsync() -> LipSyncRequest:
    return LipSyncRequest(
        shot_id="sh-1",
        source_take="tk-1",
        source_media="takes/sh-1/tk-1.mp4",
        source_request={"kind": "image", "shot_id": "sh-1", "seed": 3},
        lines=[SpokenLine("audio/sh-1/a.wav", "audio/sh-1/a.json", 9600, "MAYA")],
        frames=90,
    )


@pytest.mark.parametrize("make", [voice, lipsync])
def test_round_trip_through_json_text(make) -> None:
    request = make()
    text = json.dumps(request.to_json(), ensure_ascii=False)
    again = request_from_json(json.loads(text))
    assert again == request and type(again) is type(request)
    assert again.digest() == request.digest()


def test_kinds_and_normalised_numbers() -> None:
    assert voice().kind is RequestKind.TTS and lipsync().kind is RequestKind.LIPSYNC
    assert voice().to_json()["pitch"] == 1.0 and isinstance(voice().pitch, float)
    assert isinstance(lipsync().lines, tuple)  # a list given still hashes


def test_digest_follows_what_changes_the_output() -> None:
    base = voice()
    assert VoiceRequest(**{**_fields(base), "text": "再见。"}).digest() != base.digest()
    assert VoiceRequest(**_fields(base)).digest() == base.digest()


def _fields(request: VoiceRequest) -> dict:
    data = request.to_json()
    del data["kind"]
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"whisper": "yes"}, r"request\.whisper: expected bool, got str"),
        ({"line": "2"}, r"request\.line: expected int, got str"),
        ({"kind": "sing"}, r"request\.kind: 'sing' is not one of image, video, tts, lipsync"),
    ],
)
def test_bad_voice_fields_are_named(change: dict, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        request_from_json({**voice().to_json(), **change})


def test_bad_spoken_line_is_named() -> None:
    data = lipsync().to_json()
    data["lines"][0]["start"] = "0"
    with pytest.raises(SchemaError, match=r"request\.lines\[0\]\.start: expected int, got str"):
        request_from_json(data)
