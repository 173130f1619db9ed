"""The ffmpeg wrapper against the real binary: encode, probe, decode, and how it fails."""

import os
import signal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from studio.media.ffmpeg import (
    MediaError,
    VideoWriter,
    ffmpeg_exe,
    parse_probe,
    probe,
    read_frames,
)

W, H = 48, 64


def frames(n: int = 12) -> list[np.ndarray]:
    """Smooth gradients that move: easy for the codec, different from frame to frame."""
    y, x = np.mgrid[0:H, 0:W]
    out = []
    for i in range(n):
        r = (x * 4 + i * 8) % 256
        g = (y * 3 + i * 5) % 256
        b = np.full_like(x, 40 + i * 10)
        out.append(np.dstack([r, g, b]).astype(np.uint8))
    return out


def write(path: Path, fps: str = "30/1", n: int = 12) -> list[np.ndarray]:
    fs = frames(n)
    with VideoWriter(path, W, H, fps) as writer:
        for f in fs:
            writer.write(f)
    return fs


def test_the_binary_is_found():
    assert Path(ffmpeg_exe()).is_file()


@pytest.mark.parametrize("fps", ["30/1", "24000/1001", "25/1"])
def test_written_video_probes_as_written(tmp_path, fps):
    path = tmp_path / "take.mp4"
    write(path, fps, n=12)
    info = probe(path)
    assert (info.width, info.height) == (W, H)
    assert info.fps == fps
    assert info.frames == 12
    assert info.codec == "h264"
    assert info.pix_fmt == "yuv420p"
    assert not info.has_audio
    assert info.duration == pytest.approx(float(12 / Fraction(fps)))


def test_frames_read_back_within_codec_tolerance(tmp_path):
    path = tmp_path / "take.mp4"
    written = write(path)
    read = list(read_frames(path))
    assert len(read) == len(written)
    for a, b in zip(read, written, strict=True):
        assert a.shape == (H, W, 3) and a.dtype == np.uint8
        assert np.abs(a.astype(int) - b.astype(int)).mean() < 3
    read[0][0, 0] = 0  # frames are the caller's to change


def test_stopping_early_leaves_no_ffmpeg_running(tmp_path):
    path = tmp_path / "take.mp4"
    write(path, n=30)
    it = read_frames(path)
    next(it)
    it.close()  # kills the decoder; nothing to assert but that it returns


def test_odd_size_is_refused_and_leaves_no_file(tmp_path):
    path = tmp_path / "take.mp4"
    with pytest.raises(MediaError, match="even"):
        VideoWriter(path, W + 1, H)
    assert not path.exists()


def test_killed_ffmpeg_removes_the_partial_file(tmp_path):
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL here")
    path = tmp_path / "take.mp4"
    fs = frames(40)
    with pytest.raises(MediaError, match="killed"), VideoWriter(path, W, H) as writer:
        writer.write(fs[0])
        os.kill(writer.pid, signal.SIGKILL)
        for f in fs[1:]:
            writer.write(f)
    assert not path.exists()


def test_ffmpeg_refusing_gives_its_own_reason(tmp_path):
    path = tmp_path / "missing-folder" / "take.mp4"
    with pytest.raises(MediaError) as err:
        write(path)
    assert "No such file or directory" in str(err.value)
    assert "\n" not in str(err.value)


def test_an_error_in_the_block_removes_the_file(tmp_path):
    path = tmp_path / "take.mp4"
    with pytest.raises(RuntimeError), VideoWriter(path, W, H) as writer:
        for f in frames(5):
            writer.write(f)
        raise RuntimeError("the caller gave up")
    assert not path.exists()


def test_a_wrong_frame_or_no_frame_is_an_error(tmp_path):
    path = tmp_path / "take.mp4"
    with pytest.raises(MediaError, match="expected 64×48×3"), VideoWriter(path, W, H) as writer:
        writer.write(np.zeros((H, W), np.uint8))
    assert not path.exists()
    with pytest.raises(MediaError, match="no frames"), VideoWriter(path, W, H):
        pass
    assert not path.exists()


def test_probe_of_something_that_is_not_a_video(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("INT. OFFICE - NIGHT\n")
    with pytest.raises(MediaError, match=r"notes\.txt"):
        probe(text)
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "gone.mp4")
    with pytest.raises(MediaError):
        read_frames(text)


def test_studio_ffmpeg_names_the_binary(monkeypatch, tmp_path):
    real = ffmpeg_exe()
    monkeypatch.setenv("STUDIO_FFMPEG", str(tmp_path / "no-ffmpeg"))
    with pytest.raises(MediaError, match="STUDIO_FFMPEG"):
        ffmpeg_exe()
    monkeypatch.setenv("STUDIO_FFMPEG", real)
    assert ffmpeg_exe() == real


PHONE = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'phone.mov':
  Duration: 00:00:02.00, start: 0.000000, bitrate: 9000 kb/s
  Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, bt709), \
1920x1080, 8000 kb/s, 29.97 fps, 29.97 tbr, 600 tbn (default)
      Side data:
        displaymatrix: rotation of -90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp
Stream mapping:
  Stream #0:0 -> #0:0 (copy)
Output #0, null, to 'pipe:':
  Stream #0:0(und): Video: hevc, yuv420p, 1920x1080, q=2-31, 8000 kb/s, 29.97 fps
frame=   30 fps=0.0 q=-1.0 size=N/A time=00:00:01.00\rframe=   60 fps=0.0 q=-1.0 Lsize=N/A
"""


def test_probe_parses_odd_stderr():
    info = parse_probe(PHONE, "phone.mov")
    assert (info.width, info.height) == (1080, 1920)  # rotated for display
    assert info.fps == "30000/1001"
    assert info.frames == 60
    assert info.codec == "hevc"
    assert info.pix_fmt == "yuv420p"
    assert info.has_audio
    assert info.duration == pytest.approx(60 * 1001 / 30000)


def test_probe_of_audio_only_or_garbage_output():
    audio = "Input #0, wav, from 'a.wav':\n  Stream #0:0: Audio: pcm_s16le, 16000 Hz, mono\n"
    with pytest.raises(MediaError, match="no video stream"):
        parse_probe(audio, "a.wav")
    with pytest.raises(MediaError, match=r"x\.bin"):
        parse_probe("\x00\x01 nonsense\n", "x.bin")
