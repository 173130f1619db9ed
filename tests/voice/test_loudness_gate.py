"""The voice's loudness per frame, and the gate that opens the mouth with it."""

from __future__ import annotations

import numpy as np
import pytest

from studio.core.time import FrameRate
from studio.voice.loudness_gate import frame_loudness, gated, loudness_gate
from studio.voice.visemes import SHAPES, MouthShape, Viseme

RATE = 48000


def test_frame_loudness_is_the_rms_of_each_frames_samples_at_a_fractional_rate() -> None:
    fps = FrameRate.parse("24000/1001")  # 2002 samples a frame at 48 kHz
    audio = np.zeros(20 * 2002, dtype=np.float32)
    audio[5 * 2002 : 9 * 2002] = 0.5 * (-1.0) ** np.arange(4 * 2002)  # RMS 0.5 exactly
    audio[9 * 2002] = 1.0  # one sample into the next frame
    loud = frame_loudness(audio, RATE, fps, 24)  # longer than the audio
    assert np.allclose(loud[5:9], 0.5) and loud[9] == pytest.approx(np.sqrt(1 / 2002))
    assert not loud[:5].any() and not loud[10:].any()


def test_the_gate_shuts_in_silence_and_opens_fully_at_speaking_level() -> None:
    level = np.array([0.0, 1e-4, 0.01, 0.03, 0.06, 0.2, 0.2, 0.2, 0.2, 0.2])
    gate = loudness_gate(level)
    assert gate[0] == 0.0 and gate[1] == 0.0 and gate[2] < 0.05  # -26 dB: closed
    assert np.all(gate[5:] == 1.0)  # the line's speaking level: the whole shape
    assert np.all(np.diff(gate) >= 0.0) and 0.2 < gate[3] < gate[4] < 1.0  # louder, wider
    assert np.allclose(loudness_gate(level * 0.1), gate)  # a quiet line moves as much
    assert not loudness_gate(np.zeros(5)).any()


def test_gated_scales_shapes_towards_rest_and_never_opens_a_closed_mouth() -> None:
    track = [SHAPES[Viseme.OPEN], SHAPES[Viseme.OPEN], SHAPES[Viseme.CLOSED], SHAPES[Viseme.WIDE]]
    out = gated(track, np.array([1.0, 0.5, 1.0, 0.0]))
    assert out[0] == SHAPES[Viseme.OPEN] and out[2] == SHAPES[Viseme.CLOSED]
    assert out[1].open == pytest.approx(0.5 * SHAPES[Viseme.OPEN].open)
    assert out[3] == MouthShape()
    with pytest.raises(ValueError, match="4 mouth shapes but a gate for 2 frames"):
        gated(track, np.ones(2))
