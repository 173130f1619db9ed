"""Crash recovery in the project folder, without Qt: which autosave is offered after a session
that did not close cleanly (``recoverable``), the mark a clean close leaves (``mark_clean``), and
loading an autosave in place of the saved project (``recover``). Real files in ``tmp_path``."""

from __future__ import annotations

import json
import os
import re
from copy import deepcopy
from dataclasses import replace
from pathlib import Path

import pytest
from sample_projects import small_project

from studio.core.project_file import document_steps, project_document
from studio.core.store import CLEAN_MARK, StoreError, open_project


def backdate(file: Path, seconds: int = 60) -> None:
    """Make ``file`` look written ``seconds`` ago (so a copy made now is surely newer)."""
    then = file.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(file, ns=(then, then))


def crashed(root: Path, title: str = "Rain, unsaved") -> Path:
    """A session that changed the title and autosaved, then ended without save or close mark."""
    backdate(root / "project.json")
    with open_project(root) as folder:  # the lock goes; no mark_clean: a crash
        folder.project.title = title
        return folder.autosave()


def test_nothing_to_recover_without_autosaves(root: Path) -> None:
    with open_project(root) as folder:
        assert folder.recoverable() is None
        folder.mark_clean()
        assert not (root / "autosave" / CLEAN_MARK).exists()


def test_an_unsaved_autosave_is_offered_until_a_clean_close_marks_it(root: Path) -> None:
    autosave = crashed(root)
    with open_project(root) as folder:
        assert folder.recoverable() == autosave
        folder.mark_clean()  # this session ends on purpose
        assert (root / "autosave" / CLEAN_MARK).read_text() == autosave.name
        assert folder.recoverable() is None
        folder.project.title = "edited again"
        newer = folder.autosave()  # a later copy is not covered by the old mark
        assert newer != autosave and folder.recoverable() == newer
    with open_project(root) as folder:
        assert folder.recoverable() == newer


def test_saving_after_the_autosave_leaves_nothing_to_recover(root: Path) -> None:
    crashed(root)
    with open_project(root) as folder:
        folder.save()
        assert folder.recoverable() is None


def test_recover_loads_the_copy_without_saving_it(root: Path) -> None:
    saved = (root / "project.json").read_bytes()
    autosave = crashed(root)
    (root / "takes" / "sh-1" / "tk-1.mp4").unlink()  # gone since: a problem, not a failure
    with open_project(root) as folder:
        kept = folder.project
        problems = folder.recover(autosave)
        assert folder.project.title == "Rain, unsaved" and folder.project is not kept
        assert any("tk-1.mp4" in line for line in problems), problems
        assert (root / "project.json").read_bytes() == saved  # on disk only when saved
        folder.save()
    with open_project(root) as folder:
        assert folder.project.title == "Rain, unsaved" and folder.recoverable() is None


def test_a_damaged_autosave_is_refused_and_the_project_kept(root: Path) -> None:
    autosave = crashed(root)
    whole = autosave.read_bytes()
    autosave.write_bytes(whole[: len(whole) // 2])  # torn mid-write
    with open_project(root) as folder:
        assert folder.recoverable() == autosave  # offered: only reading it can tell
        kept = folder.project
        with pytest.raises(StoreError, match=f"^{re.escape(str(autosave))} is damaged: "):
            folder.recover(autosave)
        assert folder.project is kept and kept.title == "Rain"


def test_a_read_only_open_never_marks_the_autosave_clean(root: Path) -> None:
    autosave = crashed(root)
    with open_project(root, read_only=True) as folder:
        folder.mark_clean()
        assert folder.recoverable() == autosave
    assert not (root / "autosave" / CLEAN_MARK).exists()


def test_an_autosave_taken_in_steps_is_the_same_document(tmp_path: Path) -> None:
    """The window takes its autosave snapshot a few episodes a step: the copy written is the
    project exactly as a snapshot taken at once would write it."""
    project = small_project()
    first = project.episodes[0]
    project.episodes = [replace(deepcopy(first), number=n) for n in range(1, 26)]
    with_steps = list(document_steps(project, 10))
    assert with_steps[:-1] == [None, None, None] and with_steps[-1] is not None
    at_once = project_document(project)
    for doc in (with_steps[-1], at_once):
        doc.pop("saved")
    assert with_steps[-1] == at_once


def test_a_written_autosave_lets_its_tree_go_one_episode_at_a_time(root: Path) -> None:
    """Freed whole, a 100-episode tree is tens of milliseconds in which no other thread runs
    (the window's among them): once written, the snapshot empties its episodes one by one. The
    writer's pace is called after each episode encoded and each let go."""
    with open_project(root) as folder:
        folder.project.episodes *= 3
        count = len(folder.project.episodes)
        *_, snapshot = folder.autosave_steps()
        episodes = snapshot.doc["project"]["episodes"]
        assert len(episodes) == count > 1
        calls: list[int] = []
        written = snapshot.write(lambda: calls.append(len(episodes)))
    assert episodes == [] and snapshot.doc == {}
    assert calls == [count] * count + list(range(count - 1, -1, -1)), "each encoded, each let go"
    assert len(json.loads(written.read_text(encoding="utf-8"))["project"]["episodes"]) == count
