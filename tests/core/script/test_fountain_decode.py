"""Script files as text: UTF-8 with or without BOM, any newlines; everything else refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.script.elements import Kind, ScriptError
from studio.core.script.fountain import decode, parse_file


def test_decode_plain_bom_and_newlines() -> None:
    assert decode(b"a\nb") == "a\nb"
    assert decode(b"\xef\xbb\xbfa\r\nb\rc\n") == "a\nb\nc\n"
    assert decode("林晓".encode()) == "林晓"


def test_decode_rejects_non_utf8_with_an_actionable_message() -> None:
    with pytest.raises(ScriptError) as caught:
        decode(b"INT. HOUSE\n\nabc\xffdef")
    message = str(caught.value)
    assert "not UTF-8" in message and "0xff" in message and "offset 15" in message
    assert "line 3" in message and "\n" not in message


def test_decode_reports_offsets_in_the_original_bytes_with_a_bom() -> None:
    with pytest.raises(ScriptError, match="offset 4"):
        decode(b"\xef\xbb\xbfa\xc3")


def test_decode_rejects_nul_and_utf16() -> None:
    with pytest.raises(ScriptError, match="NUL byte at offset 2"):
        decode(b"ab\x00cd")
    with pytest.raises(ScriptError, match="UTF-16"):
        decode("Title: x".encode("utf-16"))


def test_parse_file_reads_bytes(tmp_path: Path) -> None:
    path = tmp_path / "s.fountain"
    path.write_bytes(b"\xef\xbb\xbf\r\nINT. HOUSE - DAY\r\n\r\nShe waits.\r\n")
    assert [(e.kind, e.lines) for e in parse_file(path)] == [
        (Kind.SCENE_HEADING, (2, 2)),
        (Kind.ACTION, (4, 4)),
    ]
    (tmp_path / "bad.fountain").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    with pytest.raises(ScriptError):
        parse_file(tmp_path / "bad.fountain")
