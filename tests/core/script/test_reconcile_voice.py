"""A script edit keeps the voiced audio of the lines it did not change."""

from studio.core.model import Project, Shot
from studio.core.script.importer import apply_script
from studio.core.voicing import VoiceClip

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
I'm just here for a delivery.

VIVIAN ^
Sign here, please.

VIVIAN
Then deliver it.
"""


def voiced(text: str) -> Project:
    """A project from ``text`` whose dialogue shots are voiced, each 123 frames long."""
    project = Project(title="t")
    apply_script(project, text)
    for shot in project.shots():
        shot.voice = [
            VoiceClip(i, line.character, f"audio/{shot.id}/line{i + 1}.wav", "", 0, 48000)
            for i, line in enumerate(shot.dialogue)
        ]
        if shot.voice:
            shot.duration_frames = 123
    return project


def dialogue_shots(project: Project) -> list[Shot]:
    return [s for s in project.shots() if s.dialogue]


def test_a_new_action_line_keeps_every_voice_clip_and_voiced_duration():
    project = voiced(SCRIPT)
    before = {s.id: [c.media for c in s.voice] for s in dialogue_shots(project)}
    apply_script(project, SCRIPT + "\nVivian walks away.\n")
    after = {s.id: [c.media for c in s.voice] for s in dialogue_shots(project)}
    assert after == before and all(after.values())
    assert [s.duration_frames for s in dialogue_shots(project)] == [123, 123]


def test_an_edited_line_drops_only_its_own_clip():
    project = voiced(SCRIPT)
    both = dialogue_shots(project)[0]  # dual dialogue: MAYA and VIVIAN at once
    apply_script(project, SCRIPT.replace("Sign here, please.", "Sign here, now."))
    edited = project.find_shot(both.id)
    assert [c.line for c in edited.voice] == [0]  # MAYA's line still reads the same
    assert edited.voice[0].media == f"audio/{both.id}/line1.wav"
    assert edited.duration_frames != 123  # estimated again until `studio voice` speaks it
    vivian = dialogue_shots(project)[1]
    assert len(vivian.voice) == 1 and vivian.duration_frames == 123
