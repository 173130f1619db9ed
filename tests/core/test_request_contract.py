"""The stored form of requests stays what it was: shot requests' JSON and digests are unchanged
by typed targets and backends, old reference requests are read as references, and takes keep
what they store as their request (a request, imported footage's record, or unreadable JSON)."""

from __future__ import annotations

import json

import pytest

from studio.core.footage import Footage
from studio.core.jsonread import SchemaError
from studio.core.kinds import Backend
from studio.core.model import Take, TakeState
from studio.core.request import (
    ImageRequest,
    LipSyncRequest,
    VideoRequest,
    VoiceRequest,
    request_from_json,
)
from studio.core.targets import ReferenceTarget, ShotTarget

# Requests as this version's predecessor stored them (takes in project.json, jobs in
# jobs.json), with the digests it computed. Neither may change: a take's digest identifies it.
BRIEF = (
    '"brief": {"heading": "EXT. STREET - NIGHT", "description": "Maya runs", '
    '"framing": "close-up", "characters": ["MAYA"], "dialogue": ["MAYA: Wait!"]}'
)
EMPTY_BRIEF = (
    '"brief": {"heading": "", "description": "", "framing": "", "characters": [], "dialogue": []}'
)
ANIMATIC = (
    '{"kind": "image", "shot_id": "sh-2", "backend": "animatic", "model": "animatic", '
    '"model_hash": "", "prompt": "", "negative_prompt": "", "seed": 0, "steps": 30, '
    '"guidance": 7.0, "scheduler": "", "width": 576, "height": 1024, "frames": 75, '
    '"fps": "30/1", "references": [], "reference_scale": 0.6, "loras": [], '
    f'{EMPTY_BRIEF}, "camera_motion": "push_in", "ip_adapter": ""}}'
)
STORED = {
    "diffusers image": (
        '{"kind": "image", "shot_id": "sh-3f9a1c07", "backend": "diffusers", '
        f'"model": "tiny-sd15", "model_hash": "{"ab" * 32}", "prompt": "rain, neon", '
        '"negative_prompt": "blurry", "seed": 7, "steps": 20, "guidance": 5.5, '
        '"scheduler": "", "width": 512, "height": 768, "frames": 90, "fps": "30/1", '
        '"references": ["characters/maya/ref.png"], "reference_scale": 0.6, '
        '"loras": [{"path": "loras/noir.safetensors", "weight": 0.6, "sha256": ""}], '
        f'{BRIEF}, "camera_motion": "push_in", "ip_adapter": "ip-adapter-sd15"}}',
        "892d281767046bbceb12ecfb260381e0debffecfd83fba56469f47b39ef06ffe",
    ),
    "video": (
        '{"kind": "video", "shot_id": "sh-1", "backend": "diffusers", "model": "tiny-ltx", '
        '"model_hash": "", "prompt": "", "negative_prompt": "", "seed": 0, "steps": 30, '
        '"guidance": 7.0, "scheduler": "", "width": 576, "height": 1024, "frames": 49, '
        '"fps": "24/1", "references": [], "reference_scale": 0.6, "loras": [], '
        f'{EMPTY_BRIEF}, "init_image": "takes/sh-1/tk-1.png"}}',
        "6b024a42e169c2de455303366fd955f0356454f5e89a860f025803f5e8ddfc4d",
    ),
    "animatic": (ANIMATIC, "771086e4fa51df9c9bf1761560f9dfa87bf6a70f0a65b58363215422f88fabee"),
    "voice": (
        '{"kind": "tts", "shot_id": "sh-1", "line": 0, "character": "MAYA", "text": "Wait!", '
        '"delivery": "", "backend": "kokoro", "model": "kokoro-82m", "model_hash": "", '
        '"voice": "af_heart", "language": "en", "rate": 1.0, "pitch": 1.0, "volume": 1.0, '
        '"whisper": false, "sample_rate": 48000}',
        "30a55496bde7f0f0fb321458f8d56129516707f8bf718e028a92ede5747e218e",
    ),
    "lip-sync": (
        '{"kind": "lipsync", "shot_id": "sh-1", "source_take": "tk-1", '
        f'"source_media": "takes/sh-1/tk-1.mp4", "source_request": {ANIMATIC}, '
        '"lines": [{"media": "audio/sh-1/line1-a.wav", "timing": "audio/sh-1/line1-a.json", '
        '"start": 0, "character": "MAYA"}], "backend": "viseme", "model": "viseme", '
        '"model_hash": "", "fps": "30/1", "frames": 75, "seed": 0}',
        "103258ab5342ee608a59ca26599af1ac05ddf126882c436f32bdd82f67da6024",
    ),
}


@pytest.mark.parametrize("name", list(STORED))
def test_stored_shot_requests_keep_their_json_and_digest(name: str) -> None:
    text, digest = STORED[name]
    request = request_from_json(json.loads(text))
    assert request.target == ShotTarget(request.shot_id)
    assert json.dumps(request.to_json(), ensure_ascii=False) == text  # same keys, same order
    assert request.digest() == digest


def test_backends_are_typed_and_checked_per_kind() -> None:
    request = request_from_json(json.loads(STORED["diffusers image"][0]))
    assert request.backend is Backend.DIFFUSERS
    assert ImageRequest(shot_id="sh-1", backend="diffusers").backend is Backend.DIFFUSERS
    raw = {"kind": "video", "shot_id": "sh-1", "backend": "espeak"}
    with pytest.raises(SchemaError, match=r"^request\.backend: a video request is run by "):
        request_from_json(raw)
    with pytest.raises(SchemaError, match=r"^request\.backend: 'dall-e' is not one of animatic"):
        request_from_json({**raw, "backend": "dall-e"})
    with pytest.raises(ValueError, match="'dall-e' is not a valid Backend"):
        VideoRequest(shot_id="sh-1", backend="dall-e")


def test_an_old_reference_request_is_read_as_a_reference() -> None:
    """Before ``reference_of``, a character's reference still was an image request whose shot id
    was ``character:NAME``: in queued jobs and anything else that stored one."""
    old = {**json.loads(ANIMATIC), "shot_id": "character:林 晚", "frames": 1}
    request = request_from_json(old)
    assert isinstance(request, ImageRequest)
    assert request.target == ReferenceTarget("林 晚") and request.shot_id == ""
    data = request.to_json()
    assert "shot_id" not in data and data["reference_of"] == "林 晚"
    assert request_from_json(json.loads(json.dumps(data))) == request


def test_a_request_names_one_target() -> None:
    reference = ImageRequest(reference_of="MAYA")
    assert reference.target == ReferenceTarget("MAYA")
    with pytest.raises(ValueError, match="name exactly one"):
        ImageRequest(shot_id="sh-1", reference_of="MAYA")
    with pytest.raises(ValueError, match="name exactly one"):
        VideoRequest()
    both = {**reference.to_json(), "shot_id": "sh-1"}
    with pytest.raises(SchemaError, match=r"^request: names both a shot_id and a reference_of"):
        request_from_json(both)
    neither = reference.to_json()
    del neither["reference_of"]
    with pytest.raises(SchemaError, match=r"^request\.shot_id: missing"):
        request_from_json(neither)
    # Only image requests make references: a video request's reference_of is not read.
    video = {"kind": "video", "reference_of": "MAYA"}
    with pytest.raises(SchemaError, match=r"^request\.shot_id: missing"):
        request_from_json(video)


def take_json(request: object) -> dict:
    return {
        "id": "tk-1",
        "media": "takes/sh-1/tk-1.mp4",
        "request": request,
        "state": "done",
        "notes": "",
        "gpu_seconds": 1.5,
        "created": "2025-01-01T00:00:00+00:00",
        "timings": {"decode": 1.5},
        "device": "cpu",
        "source_take": "",
    }


FOOTAGE = {
    "kind": "import",
    "shot_id": "sh-1",
    "source": "/home/me/clip.mov",
    "sha256": "ab" * 32,
    "width": 1080,
    "height": 1920,
    "frames": 90,
    "fps": "30/1",
}


@pytest.mark.parametrize(
    "stored",
    [json.loads(STORED["diffusers image"][0]), json.loads(STORED["lip-sync"][0]), FOOTAGE, {}],
)
def test_a_take_stores_what_made_it_as_it_was(stored: dict) -> None:
    raw = take_json(stored)
    take = Take.from_json(json.loads(json.dumps(raw)), "take")
    assert take.request_problem == ""
    assert json.dumps(take.to_json()) == json.dumps(raw)
    if stored.get("kind") == "import":
        assert take.request is None and take.footage == Footage.from_json(FOOTAGE, "f")
    elif stored:
        assert take.request == request_from_json(stored) and take.footage is None
    else:
        assert take.request is None and take.footage is None


def test_a_take_made_in_code_stores_its_request() -> None:
    request = LipSyncRequest(
        shot_id="sh-1",
        source_take="tk-0",
        source_media="takes/sh-1/tk-0.mp4",
        source_request=ImageRequest(shot_id="sh-1", seed=4),
    )
    take = Take("tk-1", "takes/sh-1/tk-1.mp4", request, TakeState.DONE, created="x")
    again = Take.from_json(json.loads(json.dumps(take.to_json())), "take")
    assert again == take and isinstance(again.request, LipSyncRequest)
    assert again.request.source_request == ImageRequest(shot_id="sh-1", seed=4)


@pytest.mark.parametrize(
    "stored",
    [
        {"kind": "image", "shot_id": "sh-1", "seed": "seven"},
        {"prompt": "no kind"},
        {"kind": "lipsync", "shot_id": "sh-1"},  # no source_take
        ["not", "an", "object"],
    ],
)
def test_a_request_that_cannot_be_read_is_kept_as_stored(stored: object) -> None:
    take = Take.from_json(take_json(stored), "take")
    assert take.request is None and take.footage is None
    assert take.request_problem.startswith("request")
    assert take.to_json()["request"] == stored


def test_a_field_this_version_does_not_know_is_kept_while_the_request_is() -> None:
    stored = {**json.loads(STORED["video"][0]), "future": {"x": 1}}
    take = Take.from_json(take_json(stored), "take")
    assert isinstance(take.request, VideoRequest) and take.request_problem == ""
    assert take.to_json()["request"] == stored
    take.request = take.request.with_seed(5)  # a new request is stored as this version writes it
    assert take.to_json()["request"] == take.request.to_json()


def test_voice_clip_requests_are_typed() -> None:
    from studio.core.voicing import VoiceClip

    request = json.loads(STORED["voice"][0])
    raw = {"line": 0, "character": "MAYA", "media": "a.wav", "timing": "a.json", "start": 0,
           "samples": 9, "request": request, "created": "x"}  # fmt: skip
    clip = VoiceClip.from_json(raw, "clip")
    assert isinstance(clip.request, VoiceRequest) and clip.to_json() == raw
    image = VoiceClip.from_json({**raw, "request": json.loads(ANIMATIC)}, "clip")
    assert image.request is None and "not a spoken line's" in image.request_problem
    assert image.to_json()["request"] == json.loads(ANIMATIC)
