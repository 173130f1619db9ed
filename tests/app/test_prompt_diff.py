"""The word-level diff the suggestions panel shows between a shot's prompt and the assistant's."""

from __future__ import annotations

from studio.app.prompt_diff import DiffPart, word_diff


def test_a_changed_word_is_struck_then_added_and_the_rest_is_kept():
    parts = word_diff("close-up, red coat, rain", "close-up, blue coat, rain, neon")
    assert parts == [
        DiffPart("same", "close-up, "),
        DiffPart("deleted", "red "),
        DiffPart("added", "blue "),
        DiffPart("same", "coat, "),
        DiffPart("deleted", "rain"),
        DiffPart("added", "rain, neon"),
    ]


def test_the_new_prompt_comes_back_from_the_kept_and_added_parts():
    before, after = "a  b c d", "x b  c y d z"
    parts = word_diff(before, after)
    assert "".join(p.text for p in parts if p.kind != "deleted") == after
    assert [p.text for p in parts if p.kind == "deleted"] == ["a  "]


def test_no_prompt_before_is_all_added_and_the_same_prompt_is_all_kept():
    assert word_diff("", "wide shot, night") == [DiffPart("added", "wide shot, night")]
    assert word_diff("wide shot", "wide shot") == [DiffPart("same", "wide shot")]
    assert word_diff("wide shot", "") == [DiffPart("deleted", "wide shot")]
