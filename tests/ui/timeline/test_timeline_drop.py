"""Files dragged from the file manager onto a shot, on the real window: the shot under the
pointer is highlighted; a video becomes a take, an image a still take of the shot's length at
the project size, a sound on a dialogue shot the line's voice or a sound effect (the user is
asked which); a refused file gets its own line and nothing of it is imported, and several files
end with one line counting them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from file_drops import drag, drop
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog
from workflow_window import Windows

from studio.core.model import ShotKind
from studio.media.audio import write_wav
from studio.media.ffmpeg import VideoWriter, probe
from studio.ui.timeline import timeline_layout as tl
from studio.ui.timeline.timeline_drop import SFX


@pytest.fixture
def windows(qtbot, tmp_path: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened
    opened.close_all()


def media(tmp_path: Path) -> dict[str, Path]:
    import cv2

    made = {"video": tmp_path / "clip.mp4", "image": tmp_path / "still.png",
            "sound": tmp_path / "line.wav", "text": tmp_path / "notes.txt"}  # fmt: skip
    with VideoWriter(made["video"], 64, 112) as writer:
        for _ in range(4):
            writer.write(np.full((112, 64, 3), (30, 160, 60), np.uint8))
    assert cv2.imwrite(str(made["image"]), np.full((30, 40, 3), 200, np.uint8))
    write_wav(made["sound"], 0.3 * np.sin(np.arange(48_000) / 48_000 * 2 * np.pi * 330))
    made["text"].write_text("not media")
    return made


def answer(choice: str) -> None:
    """Answer the question the drop is about to ask with ``choice``."""

    def pick() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue(choice)
        dialog.accept()

    QTimer.singleShot(0, pick)


def test_files_dropped_on_a_timeline_shot_become_its_takes(windows, project, tmp_path) -> None:
    window = windows.open(project)
    session, canvas = window.session, window.timeline.canvas
    said: list[str] = []
    session.message.connect(said.append)
    shot = session.shots()[0]
    x = canvas.view.x((canvas.starts[0] + canvas.starts[1]) / 2)
    on_shot = QPoint(round(x), round(tl.VIDEO.top + tl.VIDEO.height / 2))
    files = media(tmp_path)

    before = canvas.grab().toImage().pixelColor(on_shot)
    assert drag(canvas, on_shot, files["video"]).isAccepted()
    assert canvas.drop_shot == shot.id
    assert canvas.grab().toImage().pixelColor(on_shot) != before  # the shot is highlighted
    ruler = QPoint(on_shot.x(), round(tl.RULER.top + 2))
    assert not drag(canvas, ruler, files["video"]).isAccepted() and canvas.drop_shot == ""

    event = drop(canvas, on_shot, files["video"], files["text"], files["image"])
    assert event.isAccepted() and canvas.drop_shot == ""
    assert "notes.txt: not a video, image or sound file" in said
    assert said[-1] == f"Imported 2 of 3 files into shot {shot.id}; 1 refused"
    video, still = session.project.find_shot(shot.id).takes
    assert video.footage is not None and video.footage.source == str(files["video"])
    info = probe(project / still.media)
    assert (info.width, info.height, info.frames) == (270, 480, shot.duration_frames)
    assert len(list((project / "takes" / shot.id).iterdir())) == 2  # nothing of the text file

    drop(canvas, on_shot, tmp_path / "broken.png")  # one bad file: its line, and no count
    assert said[-1].endswith("no such file: " + str(tmp_path / "broken.png"))
    session.undo()
    assert [t.id for t in session.project.find_shot(shot.id).takes] == [video.id]


def test_a_sound_dropped_on_the_review_panel_is_asked_about(windows, project, tmp_path) -> None:
    window = windows.open(project)
    session = window.session
    said: list[str] = []
    session.message.connect(said.append)
    shot = next(s for s in session.shots() if s.kind is ShotKind.DIALOGUE)
    session.select([shot.id])
    files = media(tmp_path)
    centre = window.review.rect().center()
    assert drag(window.review, centre, files["sound"]).isAccepted()

    answer(f"Line 1: {shot.dialogue[0].character} \u2014 {shot.dialogue[0].text}")
    assert drop(window.review, centre, files["sound"]).isAccepted()
    (clip,) = session.project.find_shot(shot.id).voice
    assert clip.line == 0 and clip.request is None and (project / clip.media).is_file()
    assert said[-1] == f"Imported line.wav into shot {shot.id}"

    answer(SFX)
    drop(window.review, centre, files["sound"])
    assert [r.path for r in session.project.find_shot(shot.id).sfx] == ["audio/sfx/line.wav"]

    (tmp_path / "hum.wav").write_bytes(b"RIFF, but no sound")
    answer(SFX)
    drop(window.review, centre, tmp_path / "hum.wav")
    assert said[-1].startswith("Add Sound Effect: hum.wav: ")
    assert len(session.project.find_shot(shot.id).sfx) == 1  # nothing half-imported
