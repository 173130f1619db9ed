"""A person's edits of translated lines: write a line's text, approve lines.

Run them through the history with ``Scope.languages()`` so each is undoable. A line written by
hand is *edited* and made from the source text the script has now; approving signs a translated
line off for voicing and captions (a line with no text cannot be approved).
"""

from __future__ import annotations

from collections.abc import Iterable

from studio.core.ids import text_problem
from studio.core.model import Project
from studio.core.translations import LineState, TranslatedLine, find_language

MAX_LINE = 2_000  # characters in one translated line written by hand


def write_line(project: Project, tag: str, shot_id: str, index: int, text: str) -> TranslatedLine:
    """Set line ``index`` of shot ``shot_id`` in the target ``tag`` to ``text`` (edited, from
    the line's source text now); the line. Unchanged when the text is the same. ValueError for
    a shot or line that is not there, an empty or overlong text."""
    language = find_language(project, tag)
    try:
        shot = project.find_shot(shot_id)
    except KeyError:
        raise ValueError(f"no shot {shot_id} in the project") from None
    if not 0 <= index < len(shot.dialogue):
        raise ValueError(f"shot {shot_id} has no dialogue line {index + 1}")
    text = text.strip()
    if not text:
        raise ValueError("a translation cannot be empty (the source line stays in its place)")
    if len(text) > MAX_LINE:
        raise ValueError(f"a translated line is at most {MAX_LINE} characters")
    problem = text_problem(text)
    if problem:
        raise ValueError(f"the translation {problem}")
    source = shot.dialogue[index].text
    have = language.lines.get((shot_id, index))
    if have is not None and have.text == text:
        return have
    if have is None:
        have = TranslatedLine(shot_id, index, text, LineState.EDITED, source)
        language.lines[have.key] = have
        language.lines = dict(sorted(language.lines.items()))
    else:
        have.text, have.state, have.source = text, LineState.EDITED, source
        have.voice, have.take = None, ""  # the dub spoke the old text
    return have


def approve_lines(project: Project, tag: str, keys: Iterable[tuple[str, int]]) -> int:
    """Approve the translated lines ``keys`` (shot id, line index) of the target ``tag``; how
    many were approved. Lines with no translation are skipped. ValueError when none of ``keys``
    has one."""
    language = find_language(project, tag)
    wanted = list(keys)
    found = [language.lines[k] for k in wanted if k in language.lines and language.lines[k].text]
    if wanted and not found:
        raise ValueError(f"no translated line to approve in {language.tag}: translate it first")
    approved = 0
    for line in found:
        if line.state is not LineState.APPROVED:
            line.state = LineState.APPROVED
            approved += 1
    return approved
