"""The script text after a timeline edit, so the script and the shots keep agreeing.

Every shot is broken down from lines of the script (``Shot.source_lines``), and the next script
edit rebuilds the shots from the text: a reorder, delete or split made on the timeline alone
would be undone by it. These functions write the edit into the text instead — move the shots'
lines, take them out, or cut an action paragraph in two — and then check that the new text
breaks down into exactly the shots wanted; when it would not (a shot that shares its lines with
another, a script that no longer matches the shots), they raise :class:`EditError` with one
line saying why, and nothing changes.

Plain text in, plain text out: the caller applies it (:func:`studio.core.script.importer.
apply_script` keeps the shots' ids and takes).
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.core.model import Project, Shot, ShotKind
from studio.core.script import fountain
from studio.core.script.breakdown import break_down
from studio.core.script.elements import ScriptError
from studio.core.script.reconcile import Key, content_key
from studio.core.timeline_edits import EditError

_SEAM = None  # where lines were taken out or put in: blank lines around it collapse to one


def moved_script(
    project: Project, text: str, number: int, shot_ids: Sequence[str], index: int
) -> str:
    """``text`` with the lines of shots ``shot_ids`` of episode ``number`` moved so the shots
    land at ``index`` of the others (``move_shots``' meaning): after the lines of the shot they
    now follow, or before the first shot's."""
    shots = list(project.episode(number).shots())
    wanted = set(shot_ids)
    moving = [s for s in shots if s.id in wanted]
    staying = [s for s in shots if s.id not in wanted]
    if len(moving) != len(wanted):
        raise EditError(f"episode {number} has no shot {', '.join(sorted(wanted - _ids(shots)))}")
    if not 0 <= index <= len(staying):
        raise EditError(f"position {index} is outside the episode (0–{len(staying)})")
    if not staying:
        return text
    lines = _lines(project, text, moving)
    at = staying[index - 1].source_lines[1] if index > 0 else staying[0].source_lines[0] - 1
    block: list[str | None] = [_SEAM]
    for shot in moving:
        first, last = shot.source_lines
        block += ["", *lines[first - 1 : last], ""]
    block.append(_SEAM)
    dropped = _spans(moving)
    out: list[str | None] = []
    for i, line in enumerate(lines):
        if i == at:
            out += block
        out += [_SEAM] if i in dropped else [line]
    if at >= len(lines):
        out += block
    order = [s.id for s in shots]
    order = [i for i in order if i not in wanted]
    order[index:index] = [s.id for s in moving]
    by_id = {s.id: s for s in shots}
    expected = _expect(project, number, [content_key(by_id[i]) for i in order])
    return _checked(project, _join(out), expected)


def deleted_script(project: Project, text: str, shot_ids: Sequence[str]) -> str:
    """``text`` without the lines of shots ``shot_ids`` (of any episode)."""
    shots = list(project.shots())
    wanted = set(shot_ids)
    doomed = [s for s in shots if s.id in wanted]
    if len(doomed) != len(wanted):
        raise EditError(f"no shot {', '.join(sorted(wanted - _ids(shots)))}")
    lines = _lines(project, text, doomed)
    dropped = _spans(doomed)
    out = [_SEAM if i in dropped else line for i, line in enumerate(lines)]
    expected = [content_key(s) for s in shots if s.id not in wanted]
    return _checked(project, _join(out), expected)


def split_script(project: Project, text: str, shot_id: str, fraction: float) -> str:
    """``text`` with the action paragraph of ``shot_id`` cut in two at the line boundary
    nearest ``fraction`` (0..1) of the way through it: a blank line there makes two shots.

    Only an action shot of two or more lines can be cut so: a dialogue block, an insert or a
    one-line action is one element of the script, and splitting its shot would make a shot the
    script does not have (EditError says so)."""
    shots = list(project.shots())
    shot = next((s for s in shots if s.id == shot_id), None)
    if shot is None:
        raise EditError(f"no shot {shot_id}")
    first, last = shot.source_lines
    if first <= 0:
        raise EditError(f"shot {shot_id} is not in the script: it cannot be split there")
    if shot.kind is not ShotKind.ACTION or last <= first:
        what = {ShotKind.DIALOGUE: "a dialogue block", ShotKind.INSERT: "an insert"}
        said = what.get(shot.kind, "one line of action")
        raise EditError(f"shot {shot_id} is {said}: only an action paragraph of several "
                        "lines splits (write it as two paragraphs in the script)")  # fmt: skip
    lines = _lines(project, text, [shot])
    count = last - first + 1
    cut = first - 1 + min(max(1, round(fraction * count)), count - 1)  # lines kept before
    out: list[str | None] = [*lines[:cut], _SEAM, "", _SEAM, *lines[cut:]]
    new_text = _join(out)
    keys = _keys(project, new_text)
    position = next(i for i, s in enumerate(shots) if s.id == shot_id)
    others = [content_key(s) for s in shots]
    if len(keys) != len(others) + 1 or keys[:position] + keys[position + 2 :] != (
        others[:position] + others[position + 1 :]
    ):
        raise EditError(f"shot {shot_id} cannot be split in the script at line {cut}")
    return new_text


# -- inside -----------------------------------------------------------------------------------


def _ids(shots: Sequence[Shot]) -> set[str]:
    return {s.id for s in shots}


def _lines(project: Project, text: str, touched: Sequence[Shot]) -> list[str]:
    """The text's lines, once it is known to be the text the shots came from."""
    if _keys(project, text) != [content_key(s) for s in project.shots()]:
        raise EditError("the script and the shots disagree (apply the script first)")
    lines = text.split("\n")
    for shot in touched:
        first, last = shot.source_lines
        if not 1 <= first <= last <= len(lines):
            raise EditError(f"shot {shot.id} has no lines in the script")
    return lines


def _spans(shots: Sequence[Shot]) -> set[int]:
    """The 0-based indexes of the shots' lines."""
    return {i for s in shots for i in range(s.source_lines[0] - 1, s.source_lines[1])}


def _join(out: Sequence[str | None]) -> str:
    """The lines, each run of blanks touching a seam made one blank (none if it had none)."""
    kept: list[str] = []
    run: list[str | None] = []
    for line in [*out, "\x00"]:
        if line is _SEAM or line == "":
            run.append(line)
            continue
        if _SEAM in run:
            kept += [""] if "" in run else []
        else:
            kept += [str(x) for x in run]
        run = []
        kept.append(str(line))
    return "\n".join(kept[:-1])


def _keys(project: Project, text: str) -> list[Key]:
    try:
        breakdown = break_down(fountain.parse(text), project.fps)
    except ScriptError as exc:
        raise EditError(f"the script does not read: {exc}") from None
    return [content_key(s) for s in breakdown.shots()]


def _expect(project: Project, number: int, episode_keys: list[Key]) -> list[Key]:
    """Every shot's key in script order, episode ``number``'s being ``episode_keys``."""
    keys: list[Key] = []
    for episode in project.episodes:
        if episode.number == number:
            keys += episode_keys
        else:
            keys += [content_key(s) for s in episode.shots()]
    return keys


def _checked(project: Project, text: str, expected: list[Key]) -> str:
    if _keys(project, text) != expected:
        raise EditError("the script cannot say this order: a shot shares its lines with "
                        "another (edit the script instead)")  # fmt: skip
    return text
