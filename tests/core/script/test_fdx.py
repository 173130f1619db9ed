"""Final Draft reading: samples, malformed input, mangled bytes, the Fountain round trip."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.script import fountain
from studio.core.script.elements import Element, Kind, ScriptError, Speech, SpeechKind
from studio.core.script.fdx import read_fdx, read_fdx_file
from studio.core.script.fountain_writer import to_fountain

SAMPLES = Path(__file__).parent / "fdx"
VALID = ["night_market.fdx", "rooftop.fdx"]
SPOKEN = ["Character", "Parenthetical", "Dialogue", "Lyrics"]

P, D, L = SpeechKind.PARENTHETICAL, SpeechKind.DIALOGUE, SpeechKind.LYRIC


def shape(element: Element) -> tuple:
    """Everything but line numbers."""
    speech = tuple((s.kind, s.text) for s in element.speech)
    return (
        element.kind,
        element.text,
        element.scene_number,
        element.depth,
        element.character,
        element.extension,
        element.dual,
        speech,
        element.fields,
    )


def assert_round_trip(elements: list[Element]) -> None:
    text = to_fountain(elements)
    assert without_lines(fountain.parse(text)) == without_lines(elements), text


def without_lines(elements: list[Element]) -> list[Element]:
    def clear(e: Element) -> Element:
        speech = tuple(dataclasses.replace(s, lines=(0, 0)) for s in e.speech)
        return dataclasses.replace(e, lines=(0, 0), speech=speech)

    return [clear(e) for e in elements]


def simple(kind: Kind, text: str, **extra: object) -> tuple:
    return shape(Element(kind, text, (0, 0), **extra))  # type: ignore[arg-type]


def cue(character: str, *parts: tuple[SpeechKind, str], extension: str = "", dual: bool = False):
    speech = tuple(Speech(k, t, (0, 0)) for k, t in parts)
    text = "\n".join(t for _, t in parts)
    element = Element(Kind.DIALOGUE, text, (0, 0), character=character, extension=extension)
    return shape(dataclasses.replace(element, dual=dual, speech=speech))


def test_night_market_elements() -> None:
    elements = read_fdx_file(SAMPLES / "night_market.fdx")
    assert [shape(e) for e in elements] == [
        simple(
            Kind.TITLE_PAGE,
            "_THE NIGHT MARKET_",
            fields=(
                ("Title", "_THE NIGHT MARKET_"),
                ("Credit", "Written by"),
                ("Author", "Rowan Example"),
                ("Draft date", "Second draft"),
                ("Contact", "rowan@example.com\n555 0100"),
            ),
        ),
        simple(Kind.SECTION, "ACT ONE", depth=2),
        simple(Kind.SCENE_HEADING, "EXT. NIGHT MARKET - NIGHT", scene_number="1"),
        simple(
            Kind.ACTION,
            "Lanterns sway over the stalls. Lin Xiao **sprints** past a fish tank, _*dripping*_.",
        ),
        cue(
            "林晓",
            (P, "(breathless)"),
            (D, "They took the ***whole*** cart.\nAll of it."),
            extension="V.O.",
        ),
        simple(Kind.ACTION, "CLOSE ON THE EMPTY CART"),
        cue("VENDOR", (D, "Not my problem!")),
        cue("AUNTIE MEI", (D, "Everybody's problem."), extension="CONT'D", dual=True),
        simple(Kind.ACTION, "The tank cracks. Water\\_everywhere, 5 \\* 3 fish."),
        simple(Kind.NOTE, "Check the price of fish tanks."),
        cue("STREET SINGER", (L, "Moon above the market"), (L, "Silver on the stones")),
        simple(Kind.TRANSITION, "SMASH CUT TO:"),
        simple(Kind.PAGE_BREAK, ""),
        simple(Kind.SCENE_HEADING, "INT. AUNTIE MEI'S KITCHEN - CONTINUOUS", scene_number="1A"),
        simple(Kind.ACTION, "A kettle screams."),
        simple(Kind.LYRICS, "Somebody hums off-screen"),
        simple(Kind.CENTERED, "THREE DAYS LATER"),
        simple(Kind.TRANSITION, "FADE OUT."),
        simple(Kind.CENTERED, "END OF ACT ONE"),
    ]


def test_rooftop_elements() -> None:
    elements = read_fdx_file(SAMPLES / "rooftop.fdx")
    assert [shape(e) for e in elements] == [
        simple(
            Kind.TITLE_PAGE,
            "Rooftop",
            fields=(
                ("Title", "Rooftop"),
                ("Credit", "Screenplay by"),
                ("Author", "Ada Sample & Ben Sample"),
                ("Notes", 'Based on the web serial "Up There"'),
                ("Contact", "Copyright 2024 Sample Pictures\n12 Example Road"),
            ),
        ),
        simple(Kind.SECTION, "EPISODE 2", depth=1),
        simple(Kind.SCENE_HEADING, "THE ROOFTOP GARDEN", scene_number="12"),
        simple(Kind.ACTION, "JUN, SORA, the DRONE"),
        simple(Kind.ACTION, "A type nobody maps"),
        cue("JUN", (P, "(whispering)"), (D, "Now?")),
        cue("SORA", (D, "Not yet."), extension="O.S. CONT'D", dual=True),
        simple(Kind.ACTION, "A line with nobody to say it."),
        simple(Kind.ACTION, "THE DRONE"),
        simple(Kind.ACTION, "It hovers, silent.\nThen louder."),
        simple(Kind.TRANSITION, "MATCH CUT"),
        simple(Kind.PAGE_BREAK, ""),
        simple(Kind.SCENE_HEADING, "INT. STAIRWELL - LATER"),
        simple(Kind.CENTERED, "**THE END**"),
        simple(Kind.NOTE, "Is the drone a character?\nAsk [legal]."),
    ]


@pytest.mark.parametrize("name", VALID)
def test_lines_are_monotone_and_inside_the_file(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    count = data.count(b"\n") + 1
    body = [e for e in read_fdx(data) if e.kind is not Kind.TITLE_PAGE]
    spans = [e.lines for e in body] + [s.lines for e in body for s in e.speech]
    assert all(1 <= start <= end <= count for start, end in spans)
    starts = [e.lines[0] for e in body]
    assert starts == sorted(starts)


def test_styles_escapes_and_allcaps_settings() -> None:
    xml = (
        b'<FinalDraft DocumentType="Script"><Content>'
        b'<Paragraph Type="Action"><Text Style="Bold+Italic+Underline">all three</Text>'
        b'<Text Style="AllCaps"> loud </Text><Text Style="Strikeout">x_y*z</Text></Paragraph>'
        b'<Paragraph Type="Character"><Text>McClane</Text></Paragraph>'
        b'<Paragraph Type="Dialogue"><Text>Yippee.</Text></Paragraph>'
        b"</Content>"
        b'<ElementSettings Type="Character"><FontSpec Style=""/></ElementSettings>'
        b"</FinalDraft>"
    )
    action, dialogue = read_fdx(xml)
    assert action.text == "_***all three***_ LOUD x\\_y\\*z"
    assert dialogue.character == "McClane"  # AllCaps is off for cues in this file


def test_what_fountain_cannot_hold_is_adjusted() -> None:
    xml = (
        '<FinalDraft DocumentType="Script"><Content>'
        '<Paragraph Type="Scene Heading"><Text>.int. lab #4B#</Text></Paragraph>'
        '<Paragraph Type="Action"><Text>and/</Text><Text Style="Bold">or</Text>'
        "<Text> [[not a note]]</Text></Paragraph>"
        '<Paragraph Type="Character"><Text>KAI ^</Text></Paragraph>'
        '<Paragraph Type="Dialogue"><Text>One.\n(beat)\n~la</Text></Paragraph>'
        '<Paragraph Type="Dialogue"><Text>Two.</Text></Paragraph>'
        '<Paragraph Type="Transition"><Text>&lt;</Text></Paragraph>'
        "</Content></FinalDraft>"
    )
    heading, action, dialogue, odd = read_fdx(xml.encode())
    assert (heading.kind, heading.text, heading.scene_number) == (
        Kind.SCENE_HEADING,
        "INT. LAB",
        "4B",
    )
    assert action.text == "and/or [not a note]"  # no "/**" boneyard opener, no inline note
    assert (dialogue.character, dialogue.dual) == ("KAI", False)
    assert [(s.kind, s.text) for s in dialogue.speech] == [
        (D, "One."),
        (P, "(beat)"),
        (L, "la"),
        (D, "Two."),
    ]
    assert (odd.kind, odd.text) == (Kind.ACTION, "<")
    assert_round_trip([heading, action, dialogue, odd])


def test_parenthetical_split_over_paragraphs_is_joined() -> None:
    xml = (
        '<FinalDraft DocumentType="Script"><Content>'
        '<Paragraph Type="Character"><Text>JOHN</Text></Paragraph>'
        '<Paragraph Type="Parenthetical"><Text>(looking about</Text></Paragraph>'
        '<Paragraph Type="Parenthetical"><Text>the room)</Text></Paragraph>'
        '<Paragraph Type="Dialogue"><Text>Nobody?</Text></Paragraph>'
        '<Paragraph Type="Parenthetical"><Text>(beat)</Text></Paragraph>'
        '<Paragraph Type="Parenthetical"><Text>(softer)</Text></Paragraph>'
        '<Paragraph Type="Dialogue"><Text>Fine.</Text></Paragraph>'
        "</Content></FinalDraft>"
    )
    (dialogue,) = read_fdx(xml.encode())
    assert [(s.kind, s.text) for s in dialogue.speech] == [
        (P, "(looking about the room)"),
        (D, "Nobody?"),
        (P, "(beat)"),
        (P, "(softer)"),
        (D, "Fine."),
    ]
    assert dialogue.speech[0].lines == (1, 1)
    assert_round_trip([dialogue])


def test_heading_fountain_cannot_force_is_action() -> None:
    """Fountain forces a heading only with ``.`` then a letter or digit (emphasis may come
    between), so ``(LATER)`` cannot be one; a bold heading still can."""
    xml = (
        '<FinalDraft DocumentType="Script"><Content>'
        '<Paragraph Type="Scene Heading"><Text>(later)</Text></Paragraph>'
        '<Paragraph Type="Scene Heading"><Text Style="Bold">rooftop</Text></Paragraph>'
        "</Content></FinalDraft>"
    )
    later, rooftop = read_fdx(xml.encode())
    assert (later.kind, later.text) == (Kind.ACTION, "(LATER)")
    assert (rooftop.kind, rooftop.text) == (Kind.SCENE_HEADING, "**ROOFTOP**")
    assert_round_trip([later, rooftop])


def test_utf16_file_with_crlf() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\r\n<FinalDraft DocumentType="Script">\r\n'
        '<Content><Paragraph Type="Action"><Text>雨が降る。\r\n夜。</Text></Paragraph>'
        "</Content></FinalDraft>\r\n"
    )
    [action] = read_fdx(xml.encode("utf-16"))
    assert (action.kind, action.text, action.lines) == (Kind.ACTION, "雨が降る。\n夜。", (3, 4))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("mismatched_tag.fdx", "not well-formed XML: line 6, column 7: mismatched tag"),
        ("wrong_root.fdx", "not a Final Draft file: root element is <html>"),
        ("entity_bomb.fdx", "declares a DTD or entities"),
        ("no_content.fdx", "no <Content> element"),
        ("empty_content.fdx", "has no script text"),
        ("truncated.fdx", "not well-formed XML: line 21"),
    ],
)
def test_malformed_files(name: str, message: str) -> None:
    with pytest.raises(ScriptError, match=message) as caught:
        read_fdx_file(SAMPLES / name)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 4, "not well-formed XML: line 1, column 1"),
        (b"\xff\xfe\x00\x00garbage", "not well-formed XML"),
        (b"<FinalDraft><Content>" + b"<a>" * 300, "^Final Draft file is nested too deeply"),
        (b'<?xml version="1.0" encoding="klingon"?><FinalDraft/>', "cannot be decoded: unknown"),
        (b'<?xml version="1.0" encoding="shift_jis"?><FinalDraft/>', "cannot be decoded"),
        (b"<?xml version='1.0'?><FinalDraft><Content><Paragraph>&ghost;", "undefined entity"),
    ],
)
def test_junk_bytes(data: bytes, message: str) -> None:
    with pytest.raises(ScriptError, match=message):
        read_fdx(data)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="cannot read"):
        read_fdx_file(tmp_path / "nope.fdx")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(VALID),
    cut=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6),
)
def test_mangled_bytes_never_crash(name: str, cut: float, flips: list[tuple[float, int]]) -> None:
    data = bytearray((SAMPLES / name).read_bytes())
    for where, byte in flips:
        data[int(where * (len(data) - 1))] = byte
    data = data[: max(1, int(cut * len(data)))] if cut < 0.9 else data
    try:
        result = read_fdx(bytes(data))
    except ScriptError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(result, list)
        assert_round_trip(result)  # whatever reads must also survive the trip through Fountain


@pytest.mark.parametrize("name", VALID)
def test_round_trip_through_fountain(name: str) -> None:
    assert_round_trip(read_fdx_file(SAMPLES / name))


# --- property: generated Final Draft files survive the trip through Fountain --------------------

TEXT = st.text(alphabet="AINTEXO abc.:()/~>!@#=^*_[]<林晓\n", max_size=14)
STYLE = st.sampled_from(["", "Bold", "Italic", "Underline", "Bold+Italic+Underline", "AllCaps"])
TYPES = [*SPOKEN, "Scene Heading", "Action", "Transition", "Shot", "General", "New Act", "Odd"]


@st.composite
def fdx_paragraph(draw: st.DrawFn, types: list[str] = TYPES) -> str:
    attrs = f"Type={quoteattr(draw(st.sampled_from(types)))}"
    for name, value in [("Number", "12A"), ("Alignment", "Center"), ("StartsNewPage", "Yes")]:
        attrs += f" {name}={quoteattr(value)}" if draw(st.integers(0, 4)) == 0 else ""
    runs = draw(st.lists(st.tuples(TEXT, STYLE), min_size=1, max_size=3))
    body = "".join(f"<Text Style={quoteattr(style)}>{escape(t)}</Text>" for t, style in runs)
    if draw(st.integers(0, 6)) == 0:
        body += f"<ScriptNote><Paragraph><Text>{escape(draw(TEXT))}</Text></Paragraph></ScriptNote>"
    return f"<Paragraph {attrs}>{body}</Paragraph>"


@st.composite
def fdx_document(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.integers(0, 4)) == 0:
            inner = "".join(draw(st.lists(fdx_paragraph(SPOKEN), max_size=5)))
            items.append(f"<Paragraph><DualDialogue>{inner}</DualDialogue></Paragraph>")
        else:
            items.append(draw(fdx_paragraph()))
    lines = draw(st.lists(st.tuples(TEXT, st.sampled_from(["Center", "Left"]))))
    title = "".join(
        f'<Paragraph Alignment="{align}"><Text>{escape(t)}</Text></Paragraph>' for t, align in lines
    )
    content = "".join(items)
    return (
        f'<FinalDraft DocumentType="Script"><Content>{content}</Content>'
        f"<TitlePage><Content>{title}</Content></TitlePage></FinalDraft>"
    ).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fdx_document())
def test_generated_files_round_trip(data: bytes) -> None:
    try:
        elements = read_fdx(data)
    except ScriptError as exc:
        assert "no script text" in str(exc)
    else:
        assert_round_trip(elements)
