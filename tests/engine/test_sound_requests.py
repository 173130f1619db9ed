"""The tts and lip-sync requests: stored and read back exactly, digests stable, bad fields
named."""

from __future__ import annotations

import json

import pytest

from studio.core.footage import Footage
from studio.core.jsonread import SchemaError
from studio.core.kinds import Backend
from studio.core.request import (
    ImageRequest,
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
        source_request=ImageRequest(shot_id="sh-1", seed=3),
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
        ({"backend": "festival"}, r"^request\.backend: 'festival' is not one of animatic, diff"),
        ({"backend": "viseme"}, r"^request\.backend: a tts request is run by espeak or kokoro, n"),
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


def test_backends_are_the_enum_and_stored_as_plain_text() -> None:
    request = voice()
    assert request.backend is Backend.ESPEAK and lipsync().backend is Backend.VISEME
    data = request.to_json()
    assert type(data["backend"]) is str and data["backend"] == "espeak"
    assert request_from_json(data).backend is Backend.ESPEAK
    assert VoiceRequest(**{**_fields(request), "backend": "kokoro"}).backend is Backend.KOKORO


@pytest.mark.parametrize(
    "source",
    [
        None,
        ImageRequest(shot_id="sh-1", seed=3),
        Footage("sh-1", "/home/me/clip.mov", "ab" * 32, 1080, 1920, 90, "30/1"),
    ],
)
def test_the_source_request_is_typed_and_stored_as_before(source) -> None:
    """A lip-sync's source is the request that made the source take, imported footage's record,
    or nothing (stored as ``{}``, as when it was a plain dict)."""
    request = LipSyncRequest(
        shot_id="sh-1", source_take="tk-1", source_media="m.mp4", source_request=source
    )
    data = json.loads(json.dumps(request.to_json()))
    assert data["source_request"] == (source.to_json() if source is not None else {})
    assert request_from_json(data) == request
