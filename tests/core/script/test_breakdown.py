from studio.core.model import ShotKind
from studio.core.script import fountain
from studio.core.script.breakdown import break_down
from studio.core.time import FrameRate

FPS = FrameRate(30)


def breakdown(text: str):
    return break_down(fountain.parse(text), FPS)


def shots(text: str):
    return breakdown(text).shots()


def test_script_without_sections_is_one_episode_titled_from_the_title_page():
    result = breakdown("Title: Rain\nAuthor: Me\n\nINT. ROOM - DAY\n\nShe waits.\n")
    assert [(e.number, e.title) for e in result.episodes] == [(1, "Rain")]
    assert [s.heading for s in result.episodes[0].scenes] == ["INT. ROOM - DAY"]


def test_level_one_sections_start_episodes_and_deeper_ones_do_not():
    text = (
        "# Episode 1: Rain\n\n## Act One\n\nINT. A - DAY\n\nOne.\n\n"
        "# 第一集\n\nEXT. B - NIGHT\n\nTwo.\n\n### beat\n\nThree.\n"
    )
    result = breakdown(text)
    assert [(e.number, e.title) for e in result.episodes] == [(1, "Episode 1: Rain"), (2, "第一集")]
    second = result.episodes[1]
    assert len(second.scenes) == 1
    assert [s.description for s in second.scenes[0].shots] == ["Two.", "Three."]


def test_scenes_are_numbered_within_their_episode_and_keep_script_numbers():
    text = "# E1\n\nINT. A - DAY #1A#\n\nx\n\nEXT. B - DAY\n\ny\n\n# E2\n\nINT. C - DAY\n\nz\n"
    result = breakdown(text)
    first, second = result.episodes
    assert [(s.index, s.heading, s.number) for s in first.scenes] == [
        (1, "INT. A - DAY", "1A"),
        (2, "EXT. B - DAY", ""),
    ]
    assert [s.index for s in second.scenes] == [1]


def test_action_before_any_heading_goes_into_an_unnamed_first_scene():
    result = breakdown("Black screen. A phone buzzes.\n\nINT. ROOM - DAY\n\nShe answers.\n")
    scenes = result.episodes[0].scenes
    assert [(s.index, s.heading) for s in scenes] == [(1, ""), (2, "INT. ROOM - DAY")]


def test_each_action_paragraph_is_a_shot_with_plain_text_and_its_lines():
    text = (
        "INT. ROOM - DAY\n\nShe *slams* the door.\nThe glass [[fix prop]] shakes.\n\n!LOUD NOISE\n"
    )
    first, second = shots(text)
    assert first.kind is ShotKind.ACTION
    assert first.description == "She slams the door.\nThe glass shakes."
    assert first.source_lines == (3, 4)
    assert second.description == "LOUD NOISE"
    assert second.source_lines == (6, 6)
    assert first.duration_frames == 75


def test_dialogue_block_becomes_a_dialogue_shot():
    text = (
        "INT. ROOM - DAY\n\nMAYA (V.O.)\n(whispering)\nI know.\n(beat)\nI always knew.\n\n"
        "@林晓\n你好。\n"
    )
    maya, lin = shots(text)
    assert maya.kind is ShotKind.DIALOGUE
    assert maya.characters == ["MAYA"]
    assert [(d.character, d.extension, d.parenthetical, d.text) for d in maya.dialogue] == [
        ("MAYA", "V.O.", "whispering", "I know."),
        ("MAYA", "V.O.", "beat", "I always knew."),
    ]
    assert maya.source_lines == (3, 7)
    assert maya.description == "MAYA speaks, whispering, beat (V.O.)"
    assert lin.characters == ["林晓"]
    assert lin.dialogue[0].text == "你好。"
    assert maya.duration_frames > lin.duration_frames >= 36


def test_dual_dialogue_pair_is_one_shot_with_both_lines_spoken_at_once():
    text = (
        "INT. ROOM - DAY\n\nBRICK\nScrew retirement.\n\nSTEEL ^\nScrew retirement, forever.\n\n"
        "BRICK\nFine.\n"
    )
    pair, single = shots(text)
    assert pair.characters == ["BRICK", "STEEL"]
    assert [d.character for d in pair.dialogue] == ["BRICK", "STEEL"]
    assert pair.source_lines == (3, 7)
    alone = shots("INT. ROOM - DAY\n\nSTEEL\nScrew retirement, forever.\n")[0]
    assert pair.duration_frames == alone.duration_frames  # overlap: the longer line sets it
    assert single.characters == ["BRICK"]


def test_shot_notes_become_insert_shots_alone_or_inside_an_action_paragraph():
    text = (
        "INT. ROOM - DAY\n\n[[shot: CLOSE ON the ring]]\n\n"
        "She reads the letter.\n[[shot: the signature]]\nShe gasps.\n\n[[just a note]]\n"
    )
    result = shots(text)
    assert [(s.kind, s.description, s.source_lines) for s in result] == [
        (ShotKind.INSERT, "the ring", (3, 3)),
        (ShotKind.ACTION, "She reads the letter.", (5, 5)),
        (ShotKind.INSERT, "the signature", (6, 6)),
        (ShotKind.ACTION, "She gasps.", (7, 7)),
    ]
    assert result[0].framing == "close on"
    assert result[2].framing == "insert"


def test_non_shot_elements_never_become_shot_text():
    text = (
        "Title: T\n\nINT. ROOM - DAY\n\n= synopsis words\n\nShe sits.\n\nCUT TO:\n\n"
        "> CENTERED WORDS <\n\n===\n\n[[note words]]\n\n/* boneyard\n\nwords */\n\n"
        "~lyric words\n\n## section words\n\nShe stands.\n"
    )
    result = shots(text)
    assert [s.description for s in result] == ["She sits.", "She stands."]
    everything = " ".join(s.description for s in result)
    for word in ("synopsis", "CUT", "CENTERED", "note", "boneyard", "lyric", "section"):
        assert word not in everything


def test_framing_is_read_from_the_start_of_an_action():
    close, wide, plain = shots("INT. A - DAY\n\nCLOSE ON the box.\n\nWIDE: the city.\n\nRain.\n")
    assert (close.framing, close.description) == ("close on", "the box.")
    assert (wide.framing, wide.description) == ("wide", "the city.")
    assert (plain.framing, plain.description) == ("", "Rain.")


def test_speakers_are_found_in_action_text_whole_words_and_cjk():
    text = (
        "INT. A - DAY\n\nMaya pushes past ADRIAN. Mayan ruins on the wall.\n\n"
        "林晓推开门。\n\nMAYA\nMove.\n\nADRIAN\nNo.\n\n@林晓\n走。\n"
    )
    result = breakdown(text)
    assert result.speakers == ["MAYA", "ADRIAN", "林晓"]
    first, second = result.shots()[:2]
    assert first.characters == ["MAYA", "ADRIAN"]
    assert second.characters == ["林晓"]


def test_empty_script_has_no_episodes():
    assert breakdown("").episodes == []
    assert breakdown("\n\n/* only boneyard */\n").episodes == []


def test_fullwidth_parentheticals_of_chinese_scripts_direct_the_line():
    (shot,) = shots("INT. 办公室 - 夜\n\n@林晓\n（低声）\n你好。\n")
    assert [(d.parenthetical, d.text) for d in shot.dialogue] == [("低声", "你好。")]
    assert shot.description == "林晓 speaks, 低声"


def test_scenes_without_shots_are_kept_with_their_episode():
    """A writer's outline (headings, no action or dialogue yet) is real work, not nothing."""
    result = breakdown("INT. HOUSE - DAY\n\nEXT. ROAD - NIGHT #2#\n\n.ROOFTOP\n")
    (episode,) = result.episodes
    assert episode.number == 1 and episode.title == ""
    assert [(s.index, s.heading, s.number, s.shots) for s in episode.scenes] == [
        (1, "INT. HOUSE - DAY", "", []),
        (2, "EXT. ROAD - NIGHT", "2", []),
        (3, "ROOFTOP", "", []),
    ]
    assert result.shots() == [] and episode.duration_frames() == 0
    mixed = breakdown("# Pilot\n\nINT. A - DAY\n\n# Two\n\nINT. B - DAY\n\nShe waits.\n")
    assert [[len(s.shots) for s in e.scenes] for e in mixed.episodes] == [[0], [1]]
