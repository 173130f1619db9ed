"""Which lines get voiced and with what: character voices, delivery, language, reuse."""

from __future__ import annotations

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
from studio.core.voicing import VoiceClip
from studio.voice.plan import VoiceChoice, default_espeak_voice, voice_requests


def project() -> Project:
    shots = [
        Shot("sh-1", ShotKind.DIALOGUE, "", 60, dialogue=[
            DialogueLine("MAYA", "Where *were* you?", parenthetical="whispering"),
            DialogueLine("MAYA", "", parenthetical="beat"),
            DialogueLine("MAYA", "Answer me."),
        ]),
        Shot("sh-2", ShotKind.ACTION, "Rain.", 60),
        Shot("sh-3", ShotKind.DIALOGUE, "", 60, dialogue=[DialogueLine("林晚", "你去哪儿了？")]),
    ]  # fmt: skip
    characters = [
        Character("MAYA", "a young woman in a red coat", VoiceSettings(rate=1.1, volume=0.9)),
        Character("林晚", voice=VoiceSettings(backend="kokoro", model="kokoro-82m", voice="zf_1")),
    ]
    return Project(
        "Rain", characters=characters, episodes=[Episode(1, scenes=[Scene("X", 1, shots=shots)])]
    )


def test_one_request_per_spoken_line_with_the_characters_voice() -> None:
    p = project()
    requests = voice_requests(p, p.shots())
    assert [(r.shot_id, r.line) for r in requests] == [("sh-1", 0), ("sh-1", 2), ("sh-3", 0)]
    whisper, plain, chinese = requests
    assert (
        whisper.text == "Where were you?" and whisper.whisper and whisper.delivery == "whispering"
    )
    assert whisper.rate < plain.rate == 1.1 and whisper.volume < plain.volume == 0.9
    assert plain.voice == whisper.voice and plain.voice.startswith("en-us+f")  # "a young woman"
    assert (chinese.backend, chinese.model, chinese.voice) == ("kokoro", "kokoro-82m", "zf_1")
    assert chinese.language == "zh"


def test_project_language_wins_over_detection_and_choice_overrides_backend() -> None:
    p = project()
    p.language = "en"
    requests = voice_requests(p, p.shots(), VoiceChoice(backend="espeak"))
    assert {r.language for r in requests} == {"en"}
    assert {r.backend for r in requests} == {"espeak"}
    assert requests[2].voice.startswith("en-us+")


def test_voiced_lines_are_not_redone_unless_changed_or_forced() -> None:
    p = project()
    first = voice_requests(p, p.shots())
    shot = p.find_shot("sh-1")
    shot.voice = [VoiceClip(r.line, r.character, "a.wav", "a.json", 0, 10, r)
                  for r in first[:2]]  # fmt: skip
    assert [(r.shot_id, r.line) for r in voice_requests(p, p.shots())] == [("sh-3", 0)]
    shot.dialogue[2].text = "Answer me now."
    assert [(r.shot_id, r.line) for r in voice_requests(p, p.shots())] == [("sh-1", 2), ("sh-3", 0)]
    assert len(voice_requests(p, p.shots(), force=True)) == 3


def test_default_voices_are_stable_and_differ_between_characters() -> None:
    names = ["MAYA", "ETHAN", "ZOE", "MARCUS", "LIAM", "AVA"]
    voices = [default_espeak_voice(Character(n), "en") for n in names]
    assert voices == [default_espeak_voice(Character(n), "en") for n in names]
    assert len(set(voices)) >= 4
    assert default_espeak_voice(Character("X", "an old man"), "en").startswith("en-us+m")
    assert default_espeak_voice(Character("X", "她是女主角"), "zh").startswith("cmn+f")


def test_a_users_own_recording_is_kept_until_forced() -> None:
    p = project()
    first = voice_requests(p, p.shots())
    shot = p.find_shot("sh-1")
    recorded = VoiceClip(first[0].line, first[0].character, "mine.wav", "mine.json", 0, 10, None)
    shot.voice = [recorded]  # a sound file dropped on the line: no request made it
    shot.dialogue[first[0].line].text = "Said differently on the recording."
    again = [(r.shot_id, r.line) for r in voice_requests(p, p.shots())]
    assert ("sh-1", first[0].line) not in again and again
    forced = voice_requests(p, p.shots(), force=True)
    assert ("sh-1", first[0].line) in [(r.shot_id, r.line) for r in forced]
