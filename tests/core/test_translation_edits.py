"""A person's edits of translated lines: writing one makes it edited from today's source text
(and drops a dub of the old text); bad input is refused with nothing changed; approving skips
untranslated lines and refuses when none is translated."""

from __future__ import annotations

import pytest

from studio.core.model import Project
from studio.core.script.importer import apply_script
from studio.core.translation_edits import approve_lines, write_line
from studio.core.translations import LineState, TranslatedLine, add_languages

SCRIPT = "INT. LOBBY - NIGHT\n\nMAYA\nOpen the door.\n\nETHAN\nThen deliver it.\n"


def _project() -> tuple[Project, list[tuple[str, int]]]:
    project = Project(title="Glass", language="en")
    apply_script(project, SCRIPT)
    add_languages(project, ["es"])
    keys = [(s.id, i) for s in project.shots() for i in range(len(s.dialogue))]
    return project, keys


def test_write_line_makes_an_edited_line_from_the_source_now() -> None:
    project, keys = _project()
    es = project.languages[0]
    es.lines[keys[0]] = TranslatedLine(*keys[0], "Abre", LineState.MACHINE, "Open the dor.",
                                       take="tk-1")  # fmt: skip
    line = write_line(project, "ES", *keys[0], "  Abre la puerta. ")
    assert (line.text, line.state, line.source, line.take) == (
        "Abre la puerta.", LineState.EDITED, "Open the door.", "")  # fmt: skip
    new = write_line(project, "es", *keys[1], "Entrégalo.")
    assert new.state is LineState.EDITED and list(es.lines) == sorted(es.lines)
    for bad, why in ((("sh-x", 0, "a"), "no shot"), ((keys[0][0], 7, "a"), "no dialogue line"),
                     ((*keys[0], " "), "cannot be empty")):  # fmt: skip
        with pytest.raises(ValueError, match=why):
            write_line(project, "es", *bad)
    assert es.lines[keys[0]].text == "Abre la puerta."


def test_approve_lines_skips_untranslated_and_refuses_none() -> None:
    project, keys = _project()
    with pytest.raises(ValueError, match="translate it first"):
        approve_lines(project, "es", keys)
    write_line(project, "es", *keys[0], "Abre la puerta.")
    assert approve_lines(project, "es", keys) == 1
    assert approve_lines(project, "es", keys) == 0
    assert project.languages[0].lines[keys[0]].state is LineState.APPROVED
