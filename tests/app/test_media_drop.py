"""Files dropped onto a shot, without the window: each is sorted by kind (or refused in one line),
and an image becomes a still take of the shot's length at the project's size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.app import media_drop
from studio.app.footage import FootageError
from studio.app.media_drop import AUDIO, IMAGE, VIDEO, import_still, media_kind
from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.time import FrameRate
from studio.media.ffmpeg import probe

SCRIPT = "INT. LOBBY - NIGHT\n\nRain hammers the glass.\n"


def write_image(path: Path, w: int = 40, h: int = 30) -> Path:
    import cv2

    image = np.zeros((h, w, 3), np.uint8)
    image[:, : w // 2] = (0, 0, 255)
    assert cv2.imwrite(str(path), image)
    return path


def test_files_are_sorted_by_kind_and_bad_ones_refused(tmp_path: Path, monkeypatch) -> None:
    for name, kind in (("a.MP4", VIDEO), ("b.png", IMAGE), ("c.jpg", IMAGE), ("d.wav", AUDIO)):
        (tmp_path / name).write_bytes(b"x")
        assert media_kind(tmp_path / name) == kind
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(FootageError, match=r"^notes.txt: not a video, image or sound file$"):
        media_kind(tmp_path / "notes.txt")
    with pytest.raises(FootageError, match="no such file"):
        media_kind(tmp_path / "gone.mp4")
    monkeypatch.setitem(media_drop.LIMITS, IMAGE, 1 << 20)
    (tmp_path / "big.png").write_bytes(b"x" * (3 << 20))
    with pytest.raises(
        FootageError, match=r"^big.png: too big \(3 MiB; at most 1 MiB for image\)$"
    ):
        media_kind(tmp_path / "big.png")


def test_an_image_becomes_a_still_take_of_the_shots_length(tmp_path: Path) -> None:
    project = Project(title="T", width=64, height=112, fps=FrameRate(24))
    apply_script(project, SCRIPT)
    shot = project.episodes[0].scenes[0].shots[0]
    root = tmp_path / "p"
    root.mkdir()
    take = import_still(root, shot, write_image(tmp_path / "still.png"), (64, 112), project.fps)
    assert shot.takes == [take] and take.media.startswith(f"takes/{shot.id}/")
    info = probe(root / take.media)
    assert (info.width, info.height, info.frames) == (64, 112, shot.duration_frames)
    assert take.footage is not None and take.footage.source == str(tmp_path / "still.png")
    assert [p.name for p in (root / "takes" / shot.id).iterdir()] == [Path(take.media).name]

    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(FootageError, match=r"^broken.png: cannot be read as an image$"):
        import_still(root, shot, tmp_path / "broken.png", (64, 112), project.fps)
    assert shot.takes == [take]  # nothing half-imported
    assert len(list((root / "takes" / shot.id).iterdir())) == 1


def test_a_sound_becomes_a_lines_voice_or_a_sound_effect(tmp_path: Path) -> None:
    from studio.app.dropped_sound import import_sfx, import_voice, line_choices
    from studio.core.store import create_project
    from studio.media.audio import read_wav, write_wav

    model = Project(title="T", width=64, height=112)
    apply_script(model, SCRIPT + "\nMAYA\nI'm just here for a delivery.\n")
    folder = create_project(tmp_path / "p", model)
    try:
        shot = next(s for s in folder.project.episodes[0].scenes[0].shots if s.dialogue)
        assert line_choices(shot) == ["Line 1: MAYA \u2014 I'm just here for a delivery."]
        tone = np.sin(np.arange(22050 * 3) / 22050 * 2 * np.pi * 440).astype(np.float32) * 0.3
        write_wav(tmp_path / "take3.wav", tone, 22050)  # 3 s at another rate
        clip, warnings = import_voice(folder, shot, 0, tmp_path / "take3.wav")
        assert warnings == [] and shot.voice == [clip] and clip.request is None
        audio, rate = read_wav(folder.root / clip.media)
        assert rate == 48_000 and audio.ndim == 1 and abs(len(audio) - 3 * 48_000) < 64
        assert clip.samples == len(audio) and (folder.root / clip.timing).is_file()
        assert shot.duration_frames >= 3 * 30  # the shot follows its voice

        (tmp_path / "noise.wav").write_bytes(b"RIFF not really")
        with pytest.raises(FootageError, match=r"^noise.wav: "):
            import_voice(folder, shot, 0, tmp_path / "noise.wav")
        with pytest.raises(FootageError, match=r"^noise.wav: "):
            import_sfx(folder, shot, tmp_path / "noise.wav")
        assert shot.voice == [clip] and shot.sfx == []  # nothing half-imported

        assert import_sfx(folder, shot, tmp_path / "take3.wav") == "audio/sfx/take3.wav"
        assert [ref.path for ref in shot.sfx] == ["audio/sfx/take3.wav"]
        assert (folder.root / "audio/sfx/take3.wav").is_file()
    finally:
        folder.close()
