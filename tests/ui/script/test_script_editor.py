"""The script editor on a real project: Fountain colouring, the live breakdown that keeps shot
ids and takes, cursor ↔ selection, find / replace, failures that keep the text, the outline."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from studio.core.model import Project, Take, TakeState
from studio.core.script.importer import apply_script
from studio.core.store import create_project
from studio.ui.script.fountain_highlighter import FORMATS, FountainHighlighter
from studio.ui.script.script_editor import ScriptEditor
from studio.ui.session import Session

SCRIPT = """Title: Glass Test
Author: Tester

# Episode 1

INT. KITCHEN - NIGHT

Mara pours tea. The kettle hisses.

MARA
(whispering)
Is anyone there?

JON (V.O.)
Only me.

[[shot: CLOSE ON the cup]]

/* an old idea
that we cut */

CUT TO:

## Act two

= Jon arrives.

EXT. GARDEN - DAY

Jon walks in the rain.

> THE END <

# 第一集

.INSIDE THE CAR

@林晓
你好。

~la la la

===
"""
REL = "script/script.fountain"


def line_of(text: str, line: str) -> int:
    """The 1-based number of the first line of ``text`` equal to ``line``."""
    return text.split("\n").index(line) + 1


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A saved, closed project made from SCRIPT; the MARA and action shots have takes."""
    project = Project(title="", script=REL)
    apply_script(project, SCRIPT)
    for shot in list(project.shots())[:2]:
        shot.takes.append(Take(id=f"tk-{shot.id}", state=TakeState.DONE))
    root = tmp_path / "Glass.mdstudio"
    folder = create_project(root, project)
    folder.write_text(REL, SCRIPT)
    folder.save()
    folder.close()
    return root


@pytest.fixture
def session(root: Path) -> Iterator[Session]:
    session = Session()
    session.open(root)
    yield session
    session.close()


@pytest.fixture
def editor(qtbot, session: Session) -> ScriptEditor:
    editor = ScriptEditor(session)
    qtbot.addWidget(editor)
    editor.resize(900, 600)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def shot_on(session: Session, line: int):
    return next(
        s for s in session.project.shots() if s.source_lines[0] <= line <= s.source_lines[1]
    )


def put_cursor(editor: ScriptEditor, line: int, *, end: bool = False) -> None:
    cursor = editor.text_edit.textCursor()
    cursor.setPosition(editor.text_edit.document().findBlockByNumber(line - 1).position())
    if end:
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.text_edit.setTextCursor(cursor)


def test_highlighter_reads_each_line_as_the_parser_does(qtbot) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    highlighter = FountainHighlighter(edit.document())
    edit.setPlainText(SCRIPT)
    kinds = highlighter.kinds()
    expected = {
        "Title: Glass Test": "title_page",
        "# Episode 1": "episode",
        "INT. KITCHEN - NIGHT": "scene_heading",
        "Mara pours tea. The kettle hisses.": "action",
        "MARA": "character",
        "(whispering)": "parenthetical",
        "Is anyone there?": "dialogue",
        "JON (V.O.)": "character",
        "[[shot: CLOSE ON the cup]]": "note",
        "/* an old idea": "boneyard",
        "that we cut */": "boneyard",
        "CUT TO:": "transition",
        "## Act two": "section",
        "= Jon arrives.": "synopsis",
        "> THE END <": "centered",
        "# 第一集": "episode",
        ".INSIDE THE CAR": "scene_heading",
        "@林晓": "character",
        "你好。": "dialogue",
        "~la la la": "lyrics",
        "===": "page_break",
    }
    got = {line: kinds[line_of(SCRIPT, line) - 1] for line in expected}
    assert got == expected
    block = edit.document().findBlockByNumber(line_of(SCRIPT, "that we cut */") - 1)
    assert highlighter.kind_at(block) == "boneyard"
    colours = {r.format.foreground().color().name() for r in block.layout().formats()}
    assert colours == {FORMATS["boneyard"].foreground().color().name()}

    # Dialogue typed under a lone capitalised line makes it a cue: that line is coloured again.
    edit.setPlainText("Bob enters.\n\nBOB\n")
    cue = edit.document().findBlockByNumber(2)
    assert highlighter.kind_at(cue) == "action"
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(edit, "Hi.")
    assert highlighter.kind_at(cue) == "character"
    formats = cue.layout().formats()
    assert formats and formats[0].format.foreground() == FORMATS["character"].foreground()


def test_typing_an_action_paragraph_adds_a_shot_and_keeps_the_others(
    qtbot, editor: ScriptEditor, session: Session, root: Path
) -> None:
    before = {s.id: [t.id for t in s.takes] for s in session.project.shots()}
    put_cursor(editor, line_of(SCRIPT, "Jon walks in the rain."), end=True)
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_Return)
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.text_edit, "A crow lands on the fence.")
    qtbot.waitUntil(lambda: len(list(session.project.shots())) == len(before) + 1, timeout=3000)

    after = {s.id: [t.id for t in s.takes] for s in session.project.shots()}
    assert {i: after[i] for i in before} == before  # every id kept, with its takes
    (new,) = set(after) - set(before)
    crow = session.project.find_shot(new)
    assert crow.description == "A crow lands on the fence."
    assert crow.source_lines[0] == line_of(SCRIPT, "Jon walks in the rain.") + 2
    assert session.selected == [new]  # the cursor is in it
    assert (root / REL).read_text(encoding="utf-8") == editor.text_edit.toPlainText()
    assert session.dirty


def test_editing_a_dialogue_line_keeps_the_shot_and_marks_it_changed(
    qtbot, editor: ScriptEditor, session: Session
) -> None:
    line = line_of(SCRIPT, "Is anyone there?")
    mara = shot_on(session, line)
    assert mara.takes and not mara.changed
    put_cursor(editor, line, end=True)
    qtbot.keyClicks(editor.text_edit, " Hello?")
    qtbot.waitUntil(lambda: session.project.find_shot(mara.id).changed, timeout=3000)
    edited = session.project.find_shot(mara.id)
    assert edited.dialogue[0].text == "Is anyone there? Hello?"
    assert [t.id for t in edited.takes] == [t.id for t in mara.takes]


def test_the_cursor_line_selects_its_shot_and_episode(
    editor: ScriptEditor, session: Session
) -> None:
    jon = shot_on(session, line_of(SCRIPT, "Only me."))
    put_cursor(editor, line_of(SCRIPT, "Only me."))
    assert session.selected == [jon.id]
    lin = shot_on(session, line_of(SCRIPT, "你好。"))
    put_cursor(editor, line_of(SCRIPT, "你好。"))
    assert session.episode_number == 2
    assert session.selected == [lin.id]


def test_a_selection_from_elsewhere_is_shown_without_selecting_again(
    qtbot, editor: ScriptEditor, session: Session
) -> None:
    tea = shot_on(session, line_of(SCRIPT, "Mara pours tea. The kettle hisses."))
    mara = shot_on(session, line_of(SCRIPT, "MARA"))
    emitted: list[list[str]] = []
    session.selectionChanged.connect(emitted.append)
    session.select([tea.id, mara.id])
    assert emitted == [[tea.id, mara.id]]  # moving the cursor to tea did not select tea alone
    assert session.selected == [tea.id, mara.id]
    shown = [x.cursor.blockNumber() + 1 for x in editor.text_edit.extraSelections()]
    lines = [tea.source_lines[0], *range(mara.source_lines[0], mara.source_lines[1] + 1)]
    assert shown == lines
    assert editor.current_line() == tea.source_lines[0]


def test_find_and_replace(qtbot, editor: ScriptEditor) -> None:
    bar = editor.find_bar
    editor.activateWindow()
    editor.text_edit.setFocus()
    qtbot.waitUntil(editor.text_edit.hasFocus)
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.replace_edit.isVisible()
    bar.find_edit.setText("jon")
    bar.replace_edit.setText("Joe")
    editor.text_edit.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_F3)
    first = editor.text_edit.textCursor()
    assert first.selectedText() == "JON" and first.blockNumber() + 1 == line_of(
        SCRIPT, "JON (V.O.)"
    )

    bar.match_case.setChecked(True)
    bar.find_edit.setText("Jon")
    assert bar.replace_all() == 2
    assert bar.status.text() == "2 replaced"
    text = editor.text_edit.toPlainText()
    assert "Joe walks in the rain." in text and "= Joe arrives." in text and "JON (V.O.)" in text
    bar.match_case.setChecked(False)
    assert bar.replace_all() == 1  # JON, now that case does not matter
    assert "Joe (V.O.)" in editor.text_edit.toPlainText()
    assert bar.replace_all() == 0 and bar.status.text() == "not found"

    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_a_failed_write_keeps_the_text_and_the_model(
    qtbot, editor: ScriptEditor, session: Session, root: Path
) -> None:
    ids = [s.id for s in session.project.shots()]
    shutil.rmtree(root / "script")
    (root / "script").write_text("a file where the script folder was", encoding="utf-8")
    put_cursor(editor, line_of(SCRIPT, "Jon walks in the rain."), end=True)
    with qtbot.waitSignal(editor.problem, timeout=3000) as problem:
        qtbot.keyClicks(editor.text_edit, " Thunder.")
    assert "cannot write" in problem.args[0]
    assert "Jon walks in the rain. Thunder." in editor.text_edit.toPlainText()
    assert [s.id for s in session.project.shots()] == ids
    assert shot_on(session, line_of(SCRIPT, "Jon walks in the rain.")).description == (
        "Jon walks in the rain."
    )
    assert not session.dirty


def test_an_unreadable_script_or_a_locked_project_gives_a_read_only_editor(
    qtbot, root: Path, session: Session
) -> None:
    other = Session()  # ``session`` holds the lock: this one opens read-only
    locked = ScriptEditor(other)
    qtbot.addWidget(locked)
    other.open(root)
    assert locked.text_edit.toPlainText() == SCRIPT and locked.text_edit.isReadOnly()
    other.close()
    session.close()

    (root / REL).write_bytes(b"\xff\xfeT\x00i\x00")
    fresh = Session()
    broken = ScriptEditor(fresh)
    qtbot.addWidget(broken)
    with qtbot.waitSignal(broken.problem, timeout=1000) as problem:
        fresh.open(root)
    assert "UTF-16" in problem.args[0]
    assert broken.text_edit.isReadOnly() and broken.text_edit.toPlainText() == ""
    fresh.close()


def test_the_outline_lists_episodes_and_scenes_and_moves_the_cursor(
    qtbot, editor: ScriptEditor, session: Session
) -> None:
    outline = editor.outline
    episodes = [outline.topLevelItem(i) for i in range(outline.topLevelItemCount())]
    assert [e.text(0) for e in episodes] == ["Episode 1", "第一集"]
    scenes = [[e.child(i).text(0) for i in range(e.childCount())] for e in episodes]
    assert scenes == [["INT. KITCHEN - NIGHT", "EXT. GARDEN - DAY"], ["INSIDE THE CAR"]]

    garden = episodes[0].child(1)
    outline.scrollToItem(garden)
    rect = outline.visualItemRect(garden)
    qtbot.mouseClick(outline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.current_line() == line_of(SCRIPT, "EXT. GARDEN - DAY")

    car = episodes[1].child(0)
    outline.scrollToItem(car)
    qtbot.mouseClick(
        outline.viewport(), Qt.MouseButton.LeftButton, pos=outline.visualItemRect(car).center()
    )
    assert editor.current_line() == line_of(SCRIPT, ".INSIDE THE CAR")
    assert session.episode_number == 2
    assert episodes[0].data(0, Qt.ItemDataRole.UserRole) == line_of(SCRIPT, "# Episode 1")
