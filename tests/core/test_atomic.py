"""Atomic copies: the target is the whole source or absent, never a part."""

import errno
import os

import pytest

from studio.core.atomic import copy_atomic


def test_copy_replaces_the_target_whole(tmp_path):
    source, target = tmp_path / "a.mp4", tmp_path / "b.mp4"
    source.write_bytes(os.urandom(300_000))
    target.write_bytes(b"old")
    copy_atomic(source, target)
    assert target.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "b.mp4"]


def test_a_failed_copy_leaves_no_part_and_the_old_target(tmp_path, monkeypatch):
    source, target = tmp_path / "a.mp4", tmp_path / "b.mp4"
    source.write_bytes(b"x" * 1000)
    target.write_bytes(b"old")

    def full_disk(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        copy_atomic(source, target)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "b.mp4"]


def test_a_missing_source_is_an_oserror_and_leaves_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        copy_atomic(tmp_path / "none.mp4", tmp_path / "b.mp4")
    assert list(tmp_path.iterdir()) == []
