"""Autosaves written in the background: the window waits for one still being written when it
closes, and a failed one says so in the status bar and leaves the project unsaved."""

from __future__ import annotations

import errno
import gc
import json
import threading
from pathlib import Path

import pytest
from workflow_window import Windows, close_window

from studio.core import store
from studio.ui import autosaver

PROMPT = "rain on the glass, autosaved late"


@pytest.fixture
def windows(qtbot, tmp_path: Path):
    (tmp_path / "models").mkdir()
    opened = Windows(qtbot, tmp_path / "models", tmp_path / "window.ini")
    yield opened
    opened.close_all()


@pytest.fixture
def slow_disk(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """A disk on which an autosave's write waits: (set once it is writing, set to let it)."""
    writing, release = threading.Event(), threading.Event()
    real = store.write_atomic

    def slow_write(path: Path, data: bytes) -> None:
        writing.set()
        release.wait(10)
        real(path, data)

    monkeypatch.setattr(store, "write_atomic", slow_write)
    return writing, release


def test_an_autosave_still_writing_when_the_window_closes_is_completed(
    windows, project, slow_disk, qtbot
) -> None:
    writing, release = slow_disk
    window = windows.open(project)
    session = window.session
    shot = session.shots()[0]
    session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt=PROMPT)
    session.autosaver.start()
    qtbot.waitUntil(writing.is_set, timeout=10_000)  # the snapshot is taken in steps, then
    assert session.autosaver.busy  # written on its thread (the disk is slow)
    threading.Timer(0.3, release.set).start()
    close_window(window)  # waits for the autosave being written
    copies = store.autosaves(project)
    assert len(copies) == 1
    doc = json.loads(copies[0].read_text(encoding="utf-8"))
    prompts = [
        s["prompt"] for e in doc["project"]["episodes"] for c in e["scenes"] for s in c["shots"]
    ]
    assert PROMPT in prompts
    assert not session.autosaver.busy


def test_a_failed_background_autosave_says_so_and_keeps_the_project_unsaved(
    windows, project, monkeypatch, qtbot
) -> None:
    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "write_atomic", full_disk)
    window = windows.open(project)
    session = window.session
    session.set_shot_fields(session.shots()[0].id, "Edit Shot Prompt", prompt=PROMPT)
    session.autosaver.start()
    bar = window.statusBar()
    qtbot.waitUntil(lambda: "cannot autosave" in bar.currentMessage(), timeout=10_000)
    assert "no space left on device" in bar.currentMessage()
    assert session.dirty
    assert not store.autosaves(project)


def test_the_snapshot_is_left_out_of_collections_until_it_is_written(
    windows, project, slow_disk, qtbot
) -> None:
    """A collection would walk the snapshot's tree on the GUI thread: it is frozen (set aside)
    while written, and everything is collectable again after."""
    writing, release = slow_disk
    window = windows.open(project)
    session = window.session
    session.set_shot_fields(session.shots()[0].id, "Edit Shot Prompt", prompt=PROMPT)
    assert gc.get_freeze_count() == 0
    session.autosaver.start()
    qtbot.waitUntil(writing.is_set, timeout=10_000)
    assert gc.get_freeze_count() > 0
    release.set()
    qtbot.waitUntil(lambda: not session.autosaver.busy, timeout=10_000)
    assert gc.get_freeze_count() == 0
    assert len(store.autosaves(project)) == 1


def test_an_edit_between_the_snapshot_s_steps_takes_it_again(
    windows, project, monkeypatch, qtbot
) -> None:
    """The snapshot is taken an episode at a time here; an edit of episode 1 made after its
    step is in the autosave all the same."""
    real = store.document_steps
    edited: list[str] = []

    def steps_with_an_edit(project_, per_step=0):
        steps = real(project_, 1)
        yield next(steps)  # episode 1 read
        if not edited:
            edited.append(shot.id)
            session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt=PROMPT)
        yield from steps

    monkeypatch.setattr(store, "document_steps", steps_with_an_edit)
    window = windows.open(project)
    session = window.session
    shot = session.project.episodes[0].scenes[0].shots[0]
    session.set_shot_fields(shot.id, "Edit Shot Prompt", prompt="the first prompt")
    session.autosaver.start()
    qtbot.waitUntil(lambda: bool(store.autosaves(project)) and not session.autosaver.busy)
    assert edited == [shot.id]
    doc = json.loads(store.autosaves(project)[0].read_text(encoding="utf-8"))
    first = doc["project"]["episodes"][0]["scenes"][0]["shots"][0]
    assert first["id"] == shot.id and first["prompt"] == PROMPT
    assert len(store.autosaves(project)) == 1 and gc.get_freeze_count() == 0


def test_the_writing_thread_rests_after_each_episode_until_the_window_waits_for_it(
    windows, project, slow_disk, monkeypatch, qtbot
) -> None:
    """Its rests leave the interpreter lock to the GUI thread (see studio.core.pace); closing
    the window waits for the write, without rests."""
    log: list[tuple[str, str]] = []

    class Recorded(autosaver.Pace):
        def rest(self) -> None:
            log.append(("rest", threading.current_thread().name))
            super().rest()

        def hurry(self) -> None:
            log.append(("hurry", threading.current_thread().name))
            super().hurry()

    monkeypatch.setattr(autosaver, "Pace", Recorded)
    writing, release = slow_disk
    window = windows.open(project)
    session = window.session
    episodes = len(session.project.episodes)
    session.set_shot_fields(session.shots()[0].id, "Edit Shot Prompt", prompt=PROMPT)
    session.autosaver.start()
    qtbot.waitUntil(writing.is_set, timeout=10_000)
    assert episodes > 0 and log == [("rest", "autosave")] * episodes, "a rest after each text"
    threading.Timer(0.3, release.set).start()
    close_window(window)
    assert log[episodes] == ("hurry", "MainThread")
    assert log[episodes + 1 :] == [("rest", "autosave")] * episodes, "each episode let go"
    assert len(store.autosaves(project)) == 1
