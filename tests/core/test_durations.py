from studio.core.durations import (
    CJK_PER_SECOND,
    DEFAULT_SECONDS,
    MIN_DIALOGUE_SECONDS,
    PADDING_SECONDS,
    WORDS_PER_SECOND,
    estimate_frames,
    speech_seconds,
)
from studio.core.model import ShotKind
from studio.core.time import FrameRate

FPS = FrameRate(30)


def test_words_are_counted_for_alphabetic_text():
    thirteen = "one two three four five six seven eight nine ten eleven twelve thirteen"
    assert speech_seconds(thirteen) == 5  # 13 words at 2.6 words a second
    assert speech_seconds("I'm not leaving") == 3 / WORDS_PER_SECOND  # I'm is one word


def test_cjk_is_counted_per_character():
    assert speech_seconds("你好吗") == 3 / CJK_PER_SECOND
    mixed = speech_seconds("Adrian 你好")
    assert mixed == 1 / WORDS_PER_SECOND + 2 / CJK_PER_SECOND


def test_sentence_breaks_inside_a_line_add_a_pause():
    assert speech_seconds("Go. Now.") > speech_seconds("Go now")
    assert speech_seconds("走。快走") > speech_seconds("走快走")


def test_dialogue_duration_grows_with_text_and_has_padding():
    short = estimate_frames(ShotKind.DIALOGUE, ["Hi."], FPS)
    long = estimate_frames(ShotKind.DIALOGUE, ["word " * 26], FPS)
    assert short == FPS.frames_ceil(MIN_DIALOGUE_SECONDS)
    assert long == FPS.frames_ceil(26 / WORDS_PER_SECOND + PADDING_SECONDS)


def test_lines_in_sequence_add_up_but_dual_dialogue_overlaps():
    lines = ["word " * 13, "word " * 13]
    sequential = estimate_frames(ShotKind.DIALOGUE, lines, FPS)
    overlapping = estimate_frames(ShotKind.DIALOGUE, lines, FPS, overlap=True)
    assert sequential > overlapping
    assert overlapping == estimate_frames(ShotKind.DIALOGUE, [lines[0]], FPS)


def test_action_and_insert_defaults_follow_the_frame_rate():
    assert estimate_frames(ShotKind.ACTION, [], FPS) == 75
    assert estimate_frames(ShotKind.ACTION, [], FrameRate(24)) == 60
    assert 2 <= DEFAULT_SECONDS[ShotKind.ACTION] <= 3
    assert estimate_frames(ShotKind.INSERT, [], FPS) == 60
