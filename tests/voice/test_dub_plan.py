"""Dubbing planned and recorded in memory: which translated lines get voiced and with which
voice, where the dubs sit, and the request's ``variant`` that routes a result to its language
(stored only for a target language, so source requests keep their digests)."""

from __future__ import annotations

import json

import pytest

from studio.core.model import (
    Character,
    DialogueLine,
    Episode,
    Project,
    Scene,
    Shot,
    ShotKind,
    VoiceSettings,
)
from studio.core.request import LipSyncRequest, VoiceRequest, request_from_json
from studio.core.take import Take, TakeState
from studio.core.translations import LineState, TranslatedLine, add_languages, find_language
from studio.core.voicing import SAMPLE_RATE, VoiceClip
from studio.media.export_plan import export_take
from studio.voice.dub_plan import dub_requests
from studio.voice.dubbing import dub_lipsync_request, is_dubbed, place_dubs, record_dub
from studio.voice.plan import line_request


def project() -> Project:
    shots = [
        Shot("sh-1", ShotKind.DIALOGUE, "", 90, dialogue=[
            DialogueLine("MAYA", "Where were you?", parenthetical="whispering"),
            DialogueLine("MAYA", "Answer me."),
        ]),
        Shot("sh-2", ShotKind.DIALOGUE, "", 60, dialogue=[DialogueLine("LIN", "Nowhere.")]),
    ]  # fmt: skip
    characters = [
        Character("MAYA", "a young woman", VoiceSettings(voice="en-us+f2", rate=1.1)),
        Character("LIN", voice=VoiceSettings(backend="kokoro", model="kokoro-82m", voice="af_1")),
    ]
    p = Project("Rain", language="en", characters=characters,
                episodes=[Episode(1, scenes=[Scene("X", 1, shots=shots)])])  # fmt: skip
    add_languages(p, ["es", "de"])
    for tag, texts in {"es": ["¿Dónde estabas?", "Contéstame.", "A ninguna parte."],
                       "de": ["Wo warst du?", "Antworte mir.", "Nirgends."]}.items():  # fmt: skip
        language = find_language(p, tag)
        keys = [("sh-1", 0), ("sh-1", 1), ("sh-2", 0)]
        for (shot_id, i), text in zip(keys, texts, strict=True):
            source = p.find_shot(shot_id).dialogue[i].text
            language.lines[(shot_id, i)] = TranslatedLine(shot_id, i, text, LineState.APPROVED,
                                                          source)  # fmt: skip
    return p


def test_each_character_speaks_the_language_in_their_own_voice() -> None:
    p = project()
    requests, notes = dub_requests(p, p.shots(), "es")
    maya, answer, lin = requests
    assert (maya.text, maya.language, maya.variant) == ("¿Dónde estabas?", "es", "es")
    assert maya.voice == "es+f2" and maya.backend == "espeak"  # en-us+f2 in Spanish
    assert maya.whisper and maya.rate == line_request(p, p.find_shot("sh-1"), 0).rate
    assert answer.text == "Contéstame." and not answer.whisper
    # Kokoro speaks Spanish: LIN keeps Kokoro, with its first Spanish voice (af_1 is English)
    assert (lin.backend, lin.model, lin.voice, lin.language) == ("kokoro", "kokoro-82m", "", "es")
    assert notes == []
    german, notes = dub_requests(p, p.shots(), "de")
    assert german[2].backend == "espeak" and german[2].voice.startswith("de")
    assert notes == ["LIN speaks with Kokoro, which has no de voice: espeak-ng dubs them"]


def test_dubbed_lines_are_kept_until_their_translation_changes() -> None:
    p = project()
    spanish = find_language(p, "es")
    requests, _ = dub_requests(p, p.shots(), "es")
    for request in requests:
        record_dub(p, request, dub_of(request))
    assert dub_requests(p, p.shots(), "es")[0] == []
    assert len(dub_requests(p, p.shots(), "es", force=True)[0]) == 3
    spanish.lines[("sh-2", 0)].take = "tk-9"  # lip-synced to the dub just made
    assert record_dub(p, requests[1], dub_of(requests[1])) == []
    assert record_dub(p, requests[2], dub_of(requests[2])) == [
        "shot sh-2: its es lip-sync was made for an older dub; "
        "`studio lipsync --language es` makes it again"
    ]
    spanish.lines[("sh-2", 0)].text = "En ningún sitio."  # edited after it was dubbed: stale
    spanish.lines[("sh-1", 1)].state = LineState.MACHINE
    (again,) = dub_requests(p, p.shots(), "es")[0]
    assert (again.shot_id, again.text) == ("sh-2", "En ningún sitio.")
    spanish.lines[("sh-1", 0)].text = "¿Y dónde estabas?"
    approved = dub_requests(p, p.shots(), "es", approved_only=True)[0]
    assert [(r.shot_id, r.line) for r in approved] == [("sh-1", 0), ("sh-2", 0)]  # not line 1
    del spanish.lines[("sh-2", 0)]  # not translated: not dubbed
    assert all(r.shot_id == "sh-1" for r in dub_requests(p, p.shots(), "es", force=True)[0])
    assert p.find_shot("sh-1").voice == [] and p.find_shot("sh-1").duration_frames == 90
    with pytest.raises(ValueError, match="it is not a target language"):
        dub_requests(p, p.shots(), "it")
    with pytest.raises(ValueError, match="has no es translation any more"):
        record_dub(p, requests[2], dub_of(requests[2]))  # its translation was removed meanwhile


def dub_of(request: VoiceRequest) -> VoiceClip:
    return VoiceClip(request.line, request.character, f"audio/es/{request.shot_id}.wav", "", 0,
                     SAMPLE_RATE, request=request)  # fmt: skip


def test_dubs_start_with_their_source_lines_and_never_overlap() -> None:
    p = project()
    shot = p.find_shot("sh-1")
    shot.voice = [VoiceClip(0, "MAYA", "a.wav", "", 9600, 48000),
                  VoiceClip(1, "MAYA", "b.wav", "", 69600, 24000)]  # fmt: skip
    spanish = find_language(p, "es")
    spanish.lines[("sh-1", 0)].voice = VoiceClip(0, "MAYA", "es0.wav", "", 0, 72000)  # longer
    spanish.lines[("sh-1", 1)].voice = VoiceClip(1, "MAYA", "es1.wav", "", 0, 12000)
    place_dubs(shot, spanish)
    first, second = (spanish.lines[("sh-1", i)].voice for i in (0, 1))
    assert first.start == 9600 and second.start == 9600 + 72000 + 12000  # after a 1/4 s gap
    assert [c.start for c in shot.voice] == [9600, 69600]  # the source's are as they were


def test_a_lipsync_in_a_language_hears_the_dubs_and_its_take_is_not_the_sources() -> None:
    p = project()
    shot = p.find_shot("sh-1")
    shot.voice = [VoiceClip(0, "MAYA", "a.wav", "a.json", 9600, 48000),
                  VoiceClip(1, "MAYA", "b.wav", "b.json", 69600, 24000)]  # fmt: skip
    spanish = find_language(p, "es")
    source = Take("tk-1", "takes/sh-1/tk-1.mp4", state=TakeState.DONE)
    shot.takes = [source]
    with pytest.raises(ValueError, match="no line dubbed in es"):
        dub_lipsync_request(shot, source, spanish, "30/1")
    assert not is_dubbed(shot, spanish)
    spanish.lines[("sh-1", 1)].voice = VoiceClip(1, "MAYA", "es1.wav", "es1.json", 70000, 100)
    assert is_dubbed(shot, spanish)
    request = dub_lipsync_request(shot, source, spanish, "30/1")
    assert [line.media for line in request.lines] == ["a.wav", "es1.wav"]  # line 1 undubbed
    assert request.variant == "es" and request.frames == 90
    shot.takes.append(Take("tk-2", "takes/sh-1/tk-2.mp4", request=request, source_take="tk-1"))
    assert export_take(shot) is source  # the source export never shows the Spanish take


def test_the_variant_is_stored_only_for_a_target_language() -> None:
    p = project()
    source = line_request(p, p.find_shot("sh-1"), 0)
    assert source is not None and "variant" not in source.to_json()
    old = dict(source.to_json())  # as a request was stored before variants
    assert request_from_json(old) == source and request_from_json(old).digest() == source.digest()
    dubbed = VoiceRequest(**{**vars_of(source), "variant": "es"})
    stored = json.loads(json.dumps(dubbed.to_json()))
    assert stored["variant"] == "es" and request_from_json(stored) == dubbed
    assert dubbed.digest() != source.digest()
    sync = LipSyncRequest(shot_id="sh-1", source_take="tk-1", source_media="m.mp4")
    assert "variant" not in sync.to_json()
    assert request_from_json({**sync.to_json(), "variant": "de"}).variant == "de"


def vars_of(request: VoiceRequest) -> dict:
    from dataclasses import fields

    return {f.name: getattr(request, f.name) for f in fields(request)}
