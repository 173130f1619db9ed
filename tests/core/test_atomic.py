"""Atomic writes and copies: the target is the whole new data or the old file, never a part."""

import errno
import os

import pytest

from studio.core.atomic import copy_atomic, write_atomic


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


def test_a_write_in_parts_is_the_parts_one_after_another(tmp_path, monkeypatch):
    target = tmp_path / "project.json"
    target.write_bytes(b"old")
    parts = [b"{\n", os.urandom(200_000), b"", bytearray(b"tail"), b"}\n"]
    write_atomic(target, parts)
    assert target.read_bytes() == b"".join(parts)
    write_atomic(target, memoryview(b"whole"))
    assert target.read_bytes() == b"whole"
    real_write = os.write

    def full_after_the_first_part(fd, data):
        if len(data) > 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_after_the_first_part)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, parts)
    assert target.read_bytes() == b"whole"
    assert [p.name for p in tmp_path.iterdir()] == ["project.json"]
