"""A finished job's take reaches only the views that show that shot's takes: the timeline's
video track, the take grid of the shot reviewed and the player follow it, once for the results
that arrived together, while the views of the shots as a whole (the outline, the character
panel…) are not read again as they are after an edit."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from ui_project import make_project
from workflow_window import finish

from studio.app.results import Recorded
from studio.core.model import Take, TakeState
from studio.engine.jobevents import EventKind, JobEvent
from studio.engine.jobs import JobState
from studio.media import episode_timeline
from studio.media.ffmpeg import VideoWriter
from studio.ui import actions
from studio.ui.main_window import MainWindow
from studio.ui.session import Session
from studio.ui.take_changes import TakeChanges

TWO_EPISODES = """Title: Glass

# Episode 1

INT. LOBBY - NIGHT

Rain hammers the glass.

# Episode 2

EXT. STREET - NIGHT

Maya runs.
"""


@pytest.fixture
def window(qtbot, project: Path, tmp_path: Path):
    (tmp_path / "models").mkdir()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(models_dir=tmp_path / "models"), settings)
    assert win.open_project(project)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.session.dirty = False  # nothing to ask about on close
    win.close()


def arrive(session: Session, shot_id: str, take_id: str) -> Take:
    """A job's take recorded in the project, as the job runner says it (a real video file)."""
    media = f"takes/{take_id}.mp4"
    (session.root / "takes").mkdir(exist_ok=True)
    with VideoWriter(session.root / media, 180, 320) as writer:
        for _ in range(3):
            writer.write(np.full((320, 180, 3), 90, np.uint8))
    take = Take(take_id, media, None, TakeState.DONE)
    session.project.find_shot(shot_id).takes.append(take)
    session.runner.recorded.emit(Recorded("take", shot_id, take_id))
    return take


def test_a_take_result_updates_the_views_showing_its_shot(qtbot, window: MainWindow) -> None:
    session = window.session
    shots = session.shots()
    session.select([shots[1].id])
    edits, said = [], []
    session.shotsChanged.connect(lambda: edits.append(None))
    session.takesChanged.connect(said.append)

    arrive(session, shots[1].id, "tk-new")
    arrive(session, shots[2].id, "tk-other")
    assert session.dirty
    qtbot.waitUntil(lambda: bool(said))
    assert said == [[shots[1].id, shots[2].id]]  # both results, said once
    assert edits == []  # not an edit: the views of every shot are not rebuilt

    canvas = window.timeline.canvas
    index = [s.id for s in canvas._content.shots].index(shots[1].id)
    assert canvas._content.states[index] == "needs review"
    assert canvas._content.thumbs[index] == session.root / "takes/tk-new.mp4"
    assert list(window.review.grid.cards) == ["tk-new"]  # the shot reviewed shows its take
    assert window.review.current == "tk-new"
    spans = {span.shot_id: span.take_id for span in window.player.timeline.spans}
    assert spans[shots[1].id] == "tk-new" and spans[shots[2].id] == "tk-other"


def test_a_take_result_keeps_the_player_s_captions_without_planning_them_again(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    """Captions come from the lines, not the takes: a take arriving does not plan them again
    (tens of milliseconds of the GUI thread on a long episode); an edit does."""
    session = window.session
    cues = window.player.timeline.cues
    assert cues, "the project has dialogue: the player shows captions"
    planned, said = [], []
    monkeypatch.setattr(episode_timeline, "_cues", lambda *a: planned.append(a) or ((), ()))
    session.takesChanged.connect(said.append)
    arrive(session, session.shots()[0].id, "tk-new")
    qtbot.waitUntil(lambda: bool(said))
    assert window.player.timeline.spans[0].take_id == "tk-new"
    assert window.player.timeline.cues == cues and planned == []
    session.changed()  # an edit: the captions are planned again
    assert len(planned) == 1 and window.player.timeline.cues == ()


def test_a_take_of_a_shot_not_reviewed_reaches_only_the_player(qtbot, window: MainWindow) -> None:
    session = window.session
    shots = session.shots()
    session.select([shots[0].id])
    grid, said = dict(window.review.grid.cards), []
    session.takesChanged.connect(said.append)
    arrive(session, shots[2].id, "tk-elsewhere")
    qtbot.waitUntil(lambda: bool(said))
    assert window.review.grid.cards == grid  # the shot reviewed has no new take
    spans = {span.shot_id: span.take_id for span in window.player.timeline.spans}
    assert spans[shots[2].id] == "tk-elsewhere"  # the player plays the episode: it follows


def test_a_take_of_another_episode_leaves_the_player_as_it_is(qtbot, tmp_path: Path) -> None:
    root = make_project(tmp_path / "Two.mdstudio", TWO_EPISODES)
    (tmp_path / "models").mkdir()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(models_dir=tmp_path / "models"), settings)
    assert window.open_project(root)
    session, said = window.session, []
    try:
        session.takesChanged.connect(said.append)
        timeline = window.player.timeline
        other = next(session.project.episode(2).shots())
        arrive(session, other.id, "tk-ep2")
        qtbot.waitUntil(lambda: bool(said))
        assert window.player.timeline is timeline  # episode 1 is shown: not read again
        session.set_episode(2)
        assert [span.take_id for span in window.player.timeline.spans] == ["tk-ep2"]
    finally:
        session.dirty = False
        window.close()


def test_closing_the_project_forgets_the_takes_not_said_yet(qtbot, window: MainWindow) -> None:
    session = window.session
    said = []
    session.takesChanged.connect(said.append)
    arrive(session, session.shots()[0].id, "tk-late")
    session.dirty = False
    session.close()
    qtbot.wait(20)
    assert said == []


def test_a_new_take_at_the_playhead_is_decoded_off_the_gui_thread(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    """The player keeps its picture until the new take's frame is decoded in the background
    (a seek by the user still decodes a quick stand-in at once)."""
    from studio.media import posters  # the preview's first frames are decoded there

    real, on_gui_thread = posters.first_frame, []

    def watched(media: Path, *args: object) -> object:
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return real(media, *args)

    monkeypatch.setattr(posters, "first_frame", watched)
    session, player, said = window.session, window.player, []
    session.takesChanged.connect(said.append)
    arrive(session, session.shots()[0].id, "tk-first")  # the playhead is on it
    qtbot.waitUntil(lambda: bool(said))
    assert True not in on_gui_thread
    qtbot.waitUntil(lambda: player.shown_exact and player.shown_frame == 0, timeout=10_000)
    h, w = player.current_frame.shape[:2]
    assert (
        abs(float(player.current_frame[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].mean()) - 90) < 12
    )
    assert True not in on_gui_thread


def test_a_job_is_said_done_once_its_take_is_shown(qtbot, window: MainWindow) -> None:
    """Through the real worker: when the jobs panel and the take review hear that the job
    finished, the take grid already holds its take."""
    session = window.session
    shot = session.shots()[0]
    session.select([shot.id])
    seen = []

    def ended(event: JobEvent) -> None:
        if event.kind is EventKind.FINISHED:
            seen.append((event.job.take_id, list(window.review.grid.cards)))

    session.jobEvent.connect(ended)
    jobs = actions.generate(session, [shot.id])
    done = finish(qtbot, session, jobs)
    assert done[jobs[0].id].state is JobState.DONE, done[jobs[0].id].error
    qtbot.waitUntil(lambda: bool(seen))
    take_id, cards = seen[0]
    assert take_id and take_id in cards


def test_takes_noted_are_said_before_a_job_event_other_than_progress(qtbot) -> None:
    said = []
    changes = TakeChanges(said.append)
    changes.add("sh-1")
    changes.before(JobEvent(EventKind.PROGRESS, None, 1, 10))
    assert said == [] and changes.pending == ["sh-1"]  # progress waits for the turn
    changes.add("sh-2")
    changes.before(JobEvent(EventKind.FINISHED, None))
    assert said == [["sh-1", "sh-2"]] and changes.pending == []
    qtbot.wait(10)
    assert said == [["sh-1", "sh-2"]]  # said once


def test_a_voiced_line_that_lengthens_its_shot_moves_the_timeline(qtbot, window: MainWindow):
    """Voicing re-times a shot that is not locked (``voice.placement``): unlike a take, its
    result reaches every view, and the timeline's later shots move."""
    session, canvas = window.session, window.timeline.canvas
    shots = session.shots()
    before = list(canvas.starts)
    shots[0].duration_frames += 45  # as place_lines does for a line longer than the shot
    session.runner.recorded.emit(Recorded("voice", shots[0].id, "audio/line.wav"))
    qtbot.waitUntil(lambda: canvas.starts != before)
    assert canvas.starts[1] == before[1] + 45 and canvas.starts[-1] == before[-1] + 45
