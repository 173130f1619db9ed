"""Chinese micro-drama scripts (第N集, 1-1 日 内 客厅, 林晓：台词, △ action) into Fountain."""

from __future__ import annotations

import pytest

from studio.core.model import ShotKind
from studio.core.script import fountain
from studio.core.script.breakdown import Breakdown, break_down
from studio.core.script.elements import Kind
from studio.core.script.fountain_writer import to_fountain
from studio.core.script.line_conventions import cn_number
from studio.core.script.script_format import script_fountain
from studio.core.time import FrameRate

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]

SAMPLE = """剧名：《重生之逆袭》

第一集 重生

1-1 日 内 客厅
△林晓推门而入，客厅一片狼藉。
张伟：你还敢回来？
林晓：（冷笑）这是我家。

第2场 夜 外 天台
▲风很大。
林晓：
（低声）
我不会再输了。
"""


def convert(text: str, fmt: str = "cn") -> str:
    return script_fountain(text.encode("utf-8"), ".txt", fmt)


def breakdown_of(text: str, fmt: str = "cn") -> Breakdown:
    return break_down(fountain.parse(convert(text, fmt)), FrameRate(30))


def lines_of(result: Breakdown) -> list[tuple[str, str, str]]:
    return [
        (line.character, line.parenthetical, line.text)
        for shot in result.shots()
        for line in shot.dialogue
    ]


def test_sample_has_title_episode_scenes_speakers_and_parentheticals():
    result = breakdown_of(SAMPLE)
    assert result.title == "重生之逆袭"
    assert [e.title for e in result.episodes] == ["第一集 重生"]
    scenes = result.episodes[0].scenes
    assert [s.heading for s in scenes] == ["1-1 日 内 客厅", "第2场 夜 外 天台"]
    assert result.speakers == ["张伟", "林晓"]
    assert lines_of(result) == [
        ("张伟", "", "你还敢回来？"),
        ("林晓", "冷笑", "这是我家。"),
        ("林晓", "低声", "我不会再输了。"),
    ]
    kinds = [shot.kind for shot in scenes[0].shots]
    assert kinds == [ShotKind.ACTION, ShotKind.DIALOGUE, ShotKind.DIALOGUE]
    assert scenes[0].shots[0].description == "林晓推门而入，客厅一片狼藉。"
    assert scenes[1].shots[0].description == "风很大。"


@pytest.mark.parametrize("colon", ["：", ":", " ： ", ": "])
@pytest.mark.parametrize("paren", ["（冷笑）", "(冷笑)"])
def test_colons_and_parenthetical_styles(colon, paren):
    inline = f"1-1 日 内 客厅\n林晓{colon}{paren}你也配？\n"
    alone = f"1-1 日 内 客厅\n{paren}\n林晓{colon}你也配？\n"
    before_colon = f"1-1 日 内 客厅\n林晓{paren}{colon}你也配？\n"
    for text in (inline, alone, before_colon):
        assert lines_of(breakdown_of(text)) == [("林晓", "冷笑", "你也配？")], text


def test_episodes_one_to_twelve_in_chinese_and_arabic_numerals():
    chinese = "\n".join(f"第{n}集\n第1场 日 内 家\n林晓：第{n}集的话。\n" for n in NUMERALS)
    arabic = "\n\n".join(f"第{n}集 标题{n}\n\n1-{n} 夜 外 街\n\n张伟:好。" for n in range(1, 13))
    result = breakdown_of(chinese)
    assert [e.title for e in result.episodes] == [f"第{n}集" for n in NUMERALS]
    assert [len(e.scenes) for e in result.episodes] == [1] * 12
    assert lines_of(result)[11] == ("林晓", "", "第十二集的话。")
    result = breakdown_of(arabic)
    assert [e.number for e in result.episodes] == list(range(1, 13))
    assert result.episodes[8].scenes[0].heading == "1-9 夜 外 街"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("三千零一", 3001),
        ("12", 12),
        ("１２", 12),
        ("两百", 200),
    ],
)
def test_chinese_numerals(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize("text", ["", "二二", "十十", "百十百", "一x", "12345", "零十"])
def test_not_chinese_numerals(text):
    assert cn_number(text) is None


def test_a_word_that_starts_like_an_episode_is_action():
    result = breakdown_of("第1场 日 内 办公室\n第一集团的人来了。\n林晓：谁？\n")
    assert len(result.episodes) == 1
    assert result.shots()[0].description == "第一集团的人来了。"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        *(
            (h, h)
            for h in [
                "1-1 日 内 客厅",
                "1-1 内景 客厅 日",
                "第1场 夜 外 天台",
                "第十场：夜 外 天台",
                "场景1：客厅",
                "场景三 客厅",
                "内景 客厅 日",
                "INT. OFFICE - DAY",
            ]
        ),
        ("【第2场】日 外 街道", "第2场 日 外 街道"),
        ("  1-2　夜　外　天台  ", "1-2 夜 外 天台"),
    ],
)
def test_heading_layouts(heading, expected):
    result = breakdown_of(f"{heading}\n△门开了。\n林晓：来了。\n")
    scene = result.episodes[0].scenes[0]
    assert scene.heading == expected
    assert [shot.kind for shot in scene.shots] == [ShotKind.ACTION, ShotKind.DIALOGUE]


def test_blank_lines_do_not_change_the_breakdown():
    dense = "第一集\n1-1 日 内 客厅\n△他坐下。\n林晓：你好。\n张伟：嗯。\n"
    airy = "\n\n第一集\n\n\n1-1 日 内 客厅\n\n△他坐下。\n\n\n林晓：你好。\n\n张伟：嗯。\n\n"
    assert lines_of(breakdown_of(dense)) == lines_of(breakdown_of(airy))
    assert [s.heading for s in breakdown_of(airy).episodes[0].scenes] == ["1-1 日 内 客厅"]


def test_mixed_latin_names_and_labels_that_are_not_speakers():
    text = (
        "1-1 日 内 咖啡馆\n人物：林晓、Tony\nTony：Hi，林晓。\nDr. Chen (V.O.): 别动。\n"
        "字幕：三年后\n旁白：那一年，她十八岁。\n"
    )
    result = breakdown_of(text)
    assert result.speakers == ["Tony", "Dr. Chen", "旁白"]
    assert result.shots()[2].dialogue[0].extension == "V.O."
    actions = [s.description for s in result.shots() if s.kind is ShotKind.ACTION]
    assert actions == ["人物：林晓、Tony", "字幕：三年后"]


def test_a_name_alone_opens_a_block_until_the_blank_line():
    text = "1-1 日 内 客厅\n林晓：\n（低声）\n我不会输。\n也不会走。\n\n她离开。\n"
    result = breakdown_of(text)
    dialogue = result.shots()[0].dialogue
    assert [(d.parenthetical, d.text) for d in dialogue] == [("低声", "我不会输。\n也不会走。")]
    assert result.shots()[1].description == "她离开。"


def test_action_marks_start_new_paragraphs_and_plain_lines_continue_them():
    text = "1-1 日 内 客厅\n△门开了。\n一阵风。\n▲灯灭了。\n"
    shots = breakdown_of(text).shots()
    assert [s.description for s in shots] == ["门开了。\n一阵风。", "灯灭了。"]


def round_trip_shape(text: str) -> list[tuple]:
    return [
        (
            e.kind,
            e.text,
            e.depth,
            e.character,
            e.extension,
            tuple((s.kind, s.text) for s in e.speech),
        )
        for e in fountain.parse(text)
    ]


@pytest.mark.parametrize("fmt", ["cn", "plain"])
def test_converted_fountain_survives_the_writer(fmt):
    text = SAMPLE + "Tony (O.S.): 走吧。\n(beat)\nCUT TO:\n第三集\n场景2：街\n"
    converted = convert(text, fmt)
    again = to_fountain(fountain.parse(converted))
    assert round_trip_shape(again) == round_trip_shape(converted)
    assert any(e.kind is Kind.DIALOGUE for e in fountain.parse(converted))
