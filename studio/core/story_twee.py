"""A branching episode as Twee 3, the text form of Twine stories, for tools that read stories.

One passage per segment, named by its label, holding the segment's title, its shots as a
reader would skim them (action, and dialogue as ``NAME: line``) and its exit. The story format
is SugarCube 2: a ``[[set: trust += 1]]`` note becomes ``<<set $trust += 1>>``, a conditional
option ``<<if $trust gte 1>>[[Trust him->trust]]<</if>>``, a divert a single link and an ending
``THE END``. Twine's story map draws the links. The IFID (a version-4 UUID, as the Twee 3
specification asks) is derived from the project's title and the episode, so exporting the same
episode twice gives the same file.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from studio.core.model import Episode, Shot, ShotKind
from studio.core.story import Segment, StoryGraph
from studio.core.story_syntax import Condition, NoteKind

STORY_FORMAT = "SugarCube"
STORY_FORMAT_VERSION = "2.37.3"
_OPS = {"==": "is", "!=": "isnot", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
_GRID = 200  # passage spacing on Twine's story map, in its pixels


def ifid(project_title: str, episode: int) -> str:
    """A stable version-4 UUID (upper case, as Twine writes it) for this episode's story."""
    digest = hashlib.sha256(f"{project_title}\x00{episode}".encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4)).upper()


def story_twee(graph: StoryGraph, episode: Episode, project_title: str) -> str:
    """The Twee 3 text of ``graph`` (``episode`` supplies the shots' text)."""
    title = f"{project_title} — {episode.title or f'Episode {episode.number}'}".strip(" —")
    data = {
        "ifid": ifid(project_title, graph.episode),
        "format": STORY_FORMAT,
        "format-version": STORY_FORMAT_VERSION,
        "start": graph.start,
        "zoom": 1,
    }
    shots = {shot.id: shot for shot in episode.shots()}
    out = [":: StoryTitle", _escape_text(title), "", ":: StoryData", json.dumps(data, indent=2), ""]
    for column, segment in enumerate(graph.segments):
        position = {"position": f"{100 + column * _GRID},100", "size": "100,100"}
        out.append(f":: {_name(segment.label)} {json.dumps(position, separators=(',', ':'))}")
        out += _body(segment, shots)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _body(segment: Segment, shots: dict[str, Shot]) -> list[str]:
    lines = [f"''{_escape_text(segment.title)}''"] if segment.title else []
    lines += [f"<<set ${a.name} {'to' if a.op == '=' else a.op} {a.value}>>" for a in segment.sets]
    for shot_id in segment.shot_ids:
        shot = shots.get(shot_id)
        if shot is not None:
            lines += _shot_text(shot)
    lines.append("")
    if segment.exit is NoteKind.CHOICE:
        for option in segment.options:
            link = f"[[{_link_text(option.text)}->{_name(option.target)}]]"
            if option.condition is not None:
                link = f"<<if {_condition(option.condition)}>>{link}<</if>>"
            lines.append(link + (" (default)" if option.default else ""))
    elif segment.exit is NoteKind.DIVERT and segment.options:
        lines.append(f"[[Continue->{_name(segment.options[0].target)}]]")
    elif segment.exit is NoteKind.END:
        lines.append("THE END")
    return lines


def _shot_text(shot: Shot) -> list[str]:
    if shot.kind is ShotKind.DIALOGUE and shot.dialogue:
        return [_escape_text(f"{line.character}: {line.text}") for line in shot.dialogue]
    return [_escape_text(shot.description)] if shot.description else []


def _condition(condition: Condition) -> str:
    return f"${condition.name} {_OPS[condition.op]} {condition.value}"


def _name(label: str) -> str:
    """A passage name: Twee 3 escapes ``\\ [ ] { }`` in names with a backslash."""
    return "".join("\\" + c if c in "\\[]{}" else c for c in label)


def _link_text(text: str) -> str:
    """Link text cannot hold the brackets or arrows of the link syntax itself."""
    return text.replace("[", "(").replace("]", ")").replace("->", "→").replace("|", "/")


def _escape_text(text: str) -> str:
    """Passage text: a line may not start with ``::`` (a passage header), nor hold SugarCube
    markup we did not mean (``<<``, ``[[``)."""
    text = " ".join(text.split())
    text = text.replace("<<", "‹‹").replace("[[", "[ [")
    return " " + text if text.startswith("::") else text
