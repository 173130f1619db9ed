"""Translation tables as XLIFF 2.0: written, read back by us and by an independent reader,
applied, and a stranger's bad files refused in one line."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.translations import LineState, TranslatedLine, add_languages, find_language
from studio.core.xliff import (
    MAX_XLIFF_BYTES,
    XLIFF_NS,
    XliffError,
    read_xliff,
    unit_id,
    write_xliff,
)
from studio.core.xliff_import import apply_xliff

SCRIPT = """INT. LOBBY - NIGHT

MAYA
Adrian? You came back & <stayed>.

ADRIAN
I never left.

EXT. ROOF - DAY

MAYA
Then why the rain?
"""
NS = {"x": XLIFF_NS}


@pytest.fixture
def project() -> Project:
    project = Project("Glass", language="en")
    apply_script(project, SCRIPT)
    add_languages(project, ["es", "pt-BR"])
    return project


def _ids(project: Project) -> list[str]:
    return [unit_id(shot.id, i) for shot in project.shots() for i, _ in enumerate(shot.dialogue)]


def _translated(project: Project) -> Project:
    """Lines 1-3 in Spanish: a machine draft, an edit, an approval."""
    es = find_language(project, "es")
    states = [LineState.MACHINE, LineState.EDITED, LineState.APPROVED]
    for (shot, line), state in zip(_keys(project), states, strict=True):
        text = project.find_shot(shot).dialogue[line].text
        es.lines[(shot, line)] = TranslatedLine(shot, line, f"ES {text}", state, text)
    return project


def _keys(project: Project) -> list[tuple[str, int]]:
    return [(shot.id, i) for shot in project.shots() for i, _ in enumerate(shot.dialogue)]


def test_an_independent_reader_sees_valid_xliff_2(project: Project) -> None:
    data = write_xliff(_translated(project), find_language(project, "es"))
    root = ET.fromstring(data)
    assert root.tag == f"{{{XLIFF_NS}}}xliff"
    assert root.attrib == {"version": "2.0", "srcLang": "en", "trgLang": "es"}
    files = root.findall("x:file", NS)
    assert len(files) == 1 and files[0].get("id")
    units = files[0].findall("x:unit", NS)
    assert [u.get("id") for u in units] == _ids(project)
    for unit in units:
        # XLIFF 2.0 core: notes before the segment, one segment with source then target.
        assert [child.tag.split("}")[1] for child in unit] == ["notes", "segment"]
        segment = unit.find("x:segment", NS)
        assert [c.tag.split("}")[1] for c in segment] in (["source"], ["source", "target"])
        assert segment.get("state") in ("initial", "translated", "reviewed", "final")
        assert all(n.get("category") for n in unit.findall("x:notes/x:note", NS))
    first = units[0]
    notes = {n.get("category"): n.text for n in first.findall("x:notes/x:note", NS)}
    assert notes["character"] == "MAYA" and notes["scene"] == "INT. LOBBY - NIGHT"
    assert notes["shot"] == _keys(project)[0][0]
    assert 1.0 < float(notes["duration-seconds"]) < 5.0
    source = first.find("x:segment/x:source", NS)
    assert source is not None and source.text == "Adrian? You came back & <stayed>."
    states = [u.find("x:segment", NS).get("state") for u in units]
    assert states == ["initial", "translated", "final"]  # machine, edited, approved


def test_untranslated_lines_go_out_without_a_target(project: Project) -> None:
    root = ET.fromstring(write_xliff(project, find_language(project, "pt-BR")))
    assert root.get("trgLang") == "pt-BR"
    assert root.findall(".//x:target", NS) == []
    assert {s.get("state") for s in root.findall(".//x:segment", NS)} == {"initial"}


def test_detected_source_language_is_written_as_undetermined(project: Project) -> None:
    project.language = ""
    assert read_xliff(write_xliff(project, project.languages[0])).source_lang == "und"


def test_round_trip_changes_nothing(project: Project) -> None:
    _translated(project)
    before = project.to_json()
    xliff = read_xliff(write_xliff(project, find_language(project, "es")))
    assert [u.id for u in xliff.units] == _ids(project)
    assert [u.target for u in xliff.units] == [
        f"ES {project.find_shot(s).dialogue[i].text}" for s, i in _keys(project)
    ]
    report = apply_xliff(project, xliff)
    assert (report.changed, report.approved, report.unchanged) == ([], [], 3)
    assert project.to_json() == before


def test_a_stale_translation_goes_out_to_be_checked_and_stays_stale(project: Project) -> None:
    _translated(project)
    keys = _keys(project)
    es = find_language(project, "es")
    project.find_shot(keys[2][0]).dialogue[0].text = "Then why the snow?"
    root = ET.fromstring(write_xliff(project, es))
    unit = root.findall(".//x:unit", NS)[2]
    notes = {n.get("category"): n.text for n in unit.findall("x:notes/x:note", NS)}
    assert notes["translated-from"] == "Then why the rain?"
    assert unit.find("x:segment", NS).get("state") == "initial"  # was approved
    report = apply_xliff(project, read_xliff(ET.tostring(root)))
    assert report.edits == 0 and es.lines[keys[2]].source == "Then why the rain?"
    approved = _edit_file(project, {2: ("ES Then why the rain?", "final")})
    assert apply_xliff(project, read_xliff(approved)).approved == [unit_id(*keys[2])]
    assert es.lines[keys[2]].source == "Then why the snow?"  # checked: no longer stale


def _edit_file(project: Project, change: dict[int, tuple[str, str]], tag: str = "es") -> bytes:
    """Our export with unit ``i``'s target set to ``text`` and state to ``state``."""
    root = ET.fromstring(write_xliff(project, find_language(project, tag)))
    units = root.findall(".//x:unit", NS)
    for i, (text, state) in change.items():
        segment = units[i].find("x:segment", NS)
        segment.set("state", state)
        target = segment.find("x:target", NS)
        if target is None:
            target = ET.SubElement(segment, f"{{{XLIFF_NS}}}target")
        target.text = text
    return ET.tostring(root, encoding="utf-8")


def test_import_applies_only_what_changed(project: Project) -> None:
    _translated(project)
    keys = _keys(project)
    es = find_language(project, "es")
    data = _edit_file(project, {0: ("¿Adrián?", "translated"), 1: ("ES I never left.", "final")})
    report = apply_xliff(project, read_xliff(data))
    assert report.changed == [unit_id(*keys[0])]
    assert report.approved == [unit_id(*keys[1])]  # unchanged text, signed off in the file
    assert report.unchanged == 1
    assert (es.lines[keys[0]].text, es.lines[keys[0]].state) == ("¿Adrián?", LineState.EDITED)
    assert es.lines[keys[1]].state is LineState.APPROVED
    assert es.lines[keys[2]].state is LineState.APPROVED  # kept its approval


def test_import_final_or_reviewed_target_is_approved(project: Project) -> None:
    data = _edit_file(project, {0: ("Uno", "reviewed"), 2: ("Tres", "final")}, tag="pt-BR")
    report = apply_xliff(project, read_xliff(data))
    pt = find_language(project, "pt-BR")
    assert len(report.changed) == 2
    assert {line.state for line in pt.lines.values()} == {LineState.APPROVED}
    assert {key: line.source for key, line in pt.lines.items()} == {
        (s, i): project.find_shot(s).dialogue[i].text
        for s, i in [_keys(project)[j] for j in (0, 2)]
    }


def test_import_skips_changed_sources_and_reports_unknown_ids(project: Project) -> None:
    data = _edit_file(project, {0: ("Uno", "translated"), 1: ("Dos", "translated")})
    project.find_shot(_keys(project)[0][0]).dialogue[0].text = "Rewritten."
    more = _unit("sh-gone:0") + _unit("no-colon")
    text = data.decode().replace(
        "</ns0:file>", more.replace("<unit ", f'<unit xmlns="{XLIFF_NS}" ') + "</ns0:file>"
    )
    report = apply_xliff(project, read_xliff(text.encode()))
    assert report.skipped == [
        (unit_id(*_keys(project)[0]), "its source line changed in the script since")
    ]
    assert report.changed == [unit_id(*_keys(project)[1])]
    assert report.unknown == ["sh-gone:0", "no-colon"]
    assert _keys(project)[0] not in find_language(project, "es").lines


def _unit(uid: str, inner: str = "<source>x</source><target>y</target>") -> str:
    return f'<unit id="{uid}"><segment state="translated">{inner}</segment></unit>'


def test_inline_markup_is_skipped_not_flattened(project: Project) -> None:
    key = unit_id(*_keys(project)[1])
    bad = _unit(key, '<source>I never left.</source><target>Nunca <pc id="1">me</pc> fui.</target>')
    xliff = _document(bad)
    report = apply_xliff(project, read_xliff(xliff))
    assert report.skipped == [
        (key, "its text holds inline markup, which this version cannot apply")
    ]
    assert find_language(project, "es").lines == {}


def _document(units: str, trg: str = "es", src: str = "en") -> bytes:
    return (
        f'<?xml version="1.0"?><xliff xmlns="{XLIFF_NS}" version="2.0" srcLang="{src}" '
        f'trgLang="{trg}"><file id="f">{units}</file></xliff>'
    ).encode()


def test_wrong_languages_are_refused_and_change_nothing(project: Project) -> None:
    before = project.to_json()
    unit = _unit(unit_id(*_keys(project)[1]), "<source>I never left.</source><target>Non</target>")
    with pytest.raises(XliffError, match=r"translates into fr is not a target language"):
        apply_xliff(project, read_xliff(_document(unit, trg="fr")))
    with pytest.raises(XliffError, match=r"from de, the project's language is en"):
        apply_xliff(project, read_xliff(_document(unit, src="de")))
    with pytest.raises(XliffError, match=r"is not a language tag"):
        apply_xliff(project, read_xliff(_document(unit, trg="../es")))
    assert project.to_json() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "translation file is empty"),
        (b"<xliff", "not well-formed XML: line 1"),
        (b"<xliff version='2.0' trgLang='es'/>", "its root is not <xliff> in urn:oasis"),
        (f'<xliff xmlns="{XLIFF_NS}" version="1.2" trgLang="es"/>'.encode(), "version '1.2'"),
        (f'<xliff xmlns="{XLIFF_NS}" version="2.0"/>'.encode(), "names no target language"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;">]><xliff>&lol2;</xliff>',
            "declares a DTD or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><xliff/>',
            "declares a DTD or entities",
        ),
        (f'<xliff xmlns="{XLIFF_NS}" version="2.0" trgLang="es">&ext;</xliff>'.encode(),
         "undefined entity"),
        (_document('<unit id="a:0"><segment state="done"><source>x</source></segment></unit>'),
         "unknown segment state 'done'"),
        (_document('<unit><segment><source>x</source></segment></unit>'), "no usable id"),
        (_document("<group>" * 40 + "</group>" * 40), "nested too deeply"),
        (_document(_unit("a:0", f"<source>{'x' * 100_001}</source>")),
         "longer than 100000 characters"),
        (_document("").replace(b"<file", b"\xed\xb3\xbf<file"), "not well-formed"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_in_one_line(data: bytes, message: str) -> None:
    with pytest.raises(XliffError, match=r"^[^\n]*$") as caught:
        read_xliff(data)
    assert message in str(caught.value)


def test_a_huge_file_is_refused_before_parsing() -> None:
    huge = _document(" " * (MAX_XLIFF_BYTES + 1))
    with pytest.raises(XliffError, match="larger than 50 MiB"):
        read_xliff(huge)


def test_a_unit_with_two_segments_is_skipped(project: Project) -> None:
    key = unit_id(*_keys(project)[1])
    seg = "<segment><source>I never left.</source><target>No.</target></segment>"
    report = apply_xliff(project, read_xliff(_document(f'<unit id="{key}">{seg}{seg}</unit>')))
    assert report.skipped == [(key, "it has not exactly one segment")]


def test_a_voiced_line_gives_its_clip_duration() -> None:
    from sample_projects import small_project

    project = small_project()  # sh-1 line 0 is voiced: 48,000 samples at 48 kHz
    root = ET.fromstring(write_xliff(project, find_language(project, "es")))
    [unit] = root.findall(".//x:unit", NS)
    notes = {n.get("category"): n.text for n in unit.findall("x:notes/x:note", NS)}
    assert notes["duration-seconds"] == "1.00"
    assert unit.find("x:segment/x:target", NS).text == "Llueve."
    assert unit.find("x:segment", NS).get("state") == "translated"  # edited
