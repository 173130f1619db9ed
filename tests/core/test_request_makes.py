"""What each kind of request makes, as the Jobs panel names it."""

from __future__ import annotations

from studio.core.assist import AssistTask
from studio.core.request import (
    ImageRequest,
    LipSyncRequest,
    VideoRequest,
    VoiceRequest,
)
from studio.core.request_makes import makes
from studio.core.text_requests import AssistRequest


def test_each_kind_and_target_has_its_word() -> None:
    assert makes(VideoRequest(shot_id="sh-1", prompt="rain")) == "take"
    assert makes(ImageRequest(shot_id="sh-1", prompt="rain")) == "keyframe"
    assert makes(ImageRequest(reference_of="MAYA", prompt="portrait")) == "reference"
    assert makes(VoiceRequest(shot_id="sh-1", line=0, character="MAYA", text="Hi")) == "voice"
    assert (
        makes(LipSyncRequest(shot_id="sh-1", source_take="tk-1", source_media="t.mp4"))
        == "lip-sync"
    )
    beats = AssistRequest(episode=1, task=AssistTask.BEATS, model="chat")
    assert makes(beats) == "suggestions" and beats.target.label == "episode 1"
