"""Script elements → episodes → scenes → shots.

- A level-1 section (``# Episode 1``, ``# 第一集``) starts an episode; a script without one is
  a single episode.
- A scene heading starts a scene; shots before any heading go into an unnamed first scene. A
  scene with no shots yet is kept (an outline of headings is real work), and so is its episode.
- Each action paragraph is an action shot; each dialogue block a dialogue shot; a dual-dialogue
  pair one shot with both lines; a note ``[[shot: TEXT]]`` an insert shot described by TEXT.
- Transitions, centered text, page breaks, notes, boneyard, synopses, lyrics outside dialogue
  and deeper sections never become shot text.

The shots come out without ids: :mod:`studio.core.script.reconcile` gives them ids, reusing
those of the project's existing shots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.core.durations import estimate_frames
from studio.core.model import DialogueLine, Episode, Scene, Shot, ShotKind
from studio.core.script.elements import Element, Kind, SpeechKind, parenthetical_inner
from studio.core.script.emphasis import plain
from studio.core.time import FrameRate

_SHOT_NOTE = re.compile(r"^\s*\[\[\s*shot\s*:\s*(.*?)\s*\]\]\s*$", re.IGNORECASE | re.DOTALL)
_CJK_NAME = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_FRAMING = re.compile(
    r"^(EXTREME CLOSE[- ]UP|EXTREME CLOSE ON|CLOSE[- ]UP|CLOSE ON|CLOSE|ECU|MCU|"
    r"MEDIUM CLOSE[- ]UP|MEDIUM SHOT|MEDIUM|WIDE SHOT|WIDE|ESTABLISHING|OVERHEAD|POV|"
    r"OVER THE SHOULDER|OTS|INSERT|TWO[- ]SHOT|特写|近景|中景|全景|远景)\b[\s:,.-]*",
    re.IGNORECASE,
)


@dataclass
class Breakdown:
    """The script's structure as episodes of id-less shots, plus who speaks in it."""

    episodes: list[Episode] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)  # in order of first line
    title: str = ""  # from the title page

    def shots(self) -> list[Shot]:
        return [shot for episode in self.episodes for shot in episode.shots()]


def break_down(elements: list[Element], fps: FrameRate) -> Breakdown:
    """Build the episodes, scenes and shots of a parsed script."""
    speakers = _speakers(elements)
    title = _title_of(elements)
    builder = _Builder(fps, speakers)
    if not any(e.kind is Kind.SECTION and e.depth == 1 for e in elements):
        builder.start_episode(title)
    for element in elements:
        builder.add(element)
    episodes = [ep for ep in builder.episodes if ep.title or ep.scenes]
    for number, episode in enumerate(episodes, start=1):
        episode.number = number
    return Breakdown(episodes, speakers, title)


class _Builder:
    def __init__(self, fps: FrameRate, speakers: list[str]) -> None:
        self.fps = fps
        self.episodes: list[Episode] = []
        self._mentions = _mention_pattern(speakers)
        self._by_fold = {name.casefold(): name for name in speakers}
        self._last_dialogue: Shot | None = None

    def start_episode(self, title: str) -> None:
        self.episodes.append(Episode(number=len(self.episodes) + 1, title=title))
        self._last_dialogue = None

    def start_scene(self, heading: str, number: str) -> None:
        if not self.episodes:  # a heading before the first episode section
            self.start_episode("")
        scenes = self.episodes[-1].scenes
        scenes.append(Scene(heading=heading, index=len(scenes) + 1, number=number))
        self._last_dialogue = None

    def add(self, element: Element) -> None:
        kind = element.kind
        if kind is Kind.SECTION and element.depth == 1:
            self.start_episode(plain(element.text))
        elif kind is Kind.SCENE_HEADING:
            self.start_scene(plain(element.text), element.scene_number)
        elif kind is Kind.ACTION:
            for shot in self._action_shots(element):
                self._append(shot)
        elif kind is Kind.DIALOGUE:
            self._add_dialogue(element)
        elif kind is Kind.NOTE:
            match = _SHOT_NOTE.match(f"[[{element.text}]]")
            if match and match.group(1):
                self._append(self._insert(match.group(1), element.lines))

    def _append(self, shot: Shot) -> None:
        if not self.episodes or not self.episodes[-1].scenes:
            self.start_scene("", "")
        self.episodes[-1].scenes[-1].shots.append(shot)
        self._last_dialogue = shot if shot.kind is ShotKind.DIALOGUE else None

    def _action_shots(self, element: Element) -> list[Shot]:
        """One action shot per paragraph, split around ``[[shot: …]]`` lines inside it."""
        shots: list[Shot] = []
        pending: list[str] = []
        first = element.lines[0]

        def flush(last_line: int) -> None:
            text = plain("\n".join(pending)).strip()
            if text:
                start = last_line - len(pending) + 1
                shots.append(self._action(text, (start, last_line)))
            pending.clear()

        for offset, line in enumerate(element.text.split("\n")):
            number = first + offset
            match = _SHOT_NOTE.match(line)
            if match:
                flush(number - 1)
                if match.group(1):
                    shots.append(self._insert(match.group(1), (number, number)))
            else:
                pending.append(line)
        flush(element.lines[1])
        return shots

    def _action(self, text: str, lines: tuple[int, int]) -> Shot:
        framing, description = _split_framing(text)
        return Shot(
            id="",
            kind=ShotKind.ACTION,
            description=description,
            framing=framing,
            characters=self._mentioned(text),
            duration_frames=estimate_frames(ShotKind.ACTION, [], self.fps),
            source_lines=lines,
        )

    def _insert(self, text: str, lines: tuple[int, int]) -> Shot:
        description = plain(text).strip()
        framing, described = _split_framing(description)
        return Shot(
            id="",
            kind=ShotKind.INSERT,
            description=described or description,
            framing=framing or "insert",
            characters=self._mentioned(description),
            duration_frames=estimate_frames(ShotKind.INSERT, [], self.fps),
            source_lines=lines,
        )

    def _add_dialogue(self, element: Element) -> None:
        lines = _dialogue_lines(element)
        previous = self._last_dialogue
        if element.dual and previous is not None:
            previous.dialogue.extend(lines)
            if element.character not in previous.characters:
                previous.characters.append(element.character)
            previous.source_lines = (previous.source_lines[0], element.lines[1])
            previous.description = _dialogue_description(previous)
            previous.duration_frames = _dialogue_frames(previous, self.fps, overlap=True)
            return
        shot = Shot(
            id="",
            kind=ShotKind.DIALOGUE,
            description="",
            characters=[element.character],
            dialogue=lines,
            duration_frames=1,
            source_lines=element.lines,
        )
        shot.description = _dialogue_description(shot)
        shot.duration_frames = _dialogue_frames(shot, self.fps, overlap=False)
        self._append(shot)

    def _mentioned(self, text: str) -> list[str]:
        if self._mentions is None:
            return []
        found: list[str] = []
        for match in self._mentions.finditer(text):
            name = self._by_fold.get(match.group(0).casefold(), match.group(0))
            if name not in found:
                found.append(name)
        return found


def _dialogue_lines(element: Element) -> list[DialogueLine]:
    lines: list[DialogueLine] = []
    parenthetical = ""
    for part in element.speech:
        text = plain(part.text).strip()
        if part.kind is SpeechKind.PARENTHETICAL:
            inner = parenthetical_inner(text)
            parenthetical = f"{parenthetical}; {inner}" if parenthetical else inner
            continue
        lines.append(DialogueLine(element.character, text, element.extension, parenthetical))
        parenthetical = ""
    if parenthetical:  # a parenthetical after the last speech: it directs the whole block
        if lines:
            last = lines[-1]
            last.parenthetical = f"{last.parenthetical}; {parenthetical}".lstrip("; ")
        else:
            lines.append(DialogueLine(element.character, "", element.extension, parenthetical))
    return lines


def _dialogue_description(shot: Shot) -> str:
    """``LIN XIAO speaks, whispering (V.O.)``: the seed of a dialogue shot's prompt."""
    verb = "speaks" if len(shot.characters) == 1 else "speak"
    text = f"{' and '.join(shot.characters)} {verb}"
    notes = dict.fromkeys(line.parenthetical for line in shot.dialogue if line.parenthetical)
    if notes:
        text += ", " + ", ".join(notes)
    extensions = dict.fromkeys(line.extension for line in shot.dialogue if line.extension)
    if extensions:
        text += f" ({', '.join(extensions)})"
    return text


def _dialogue_frames(shot: Shot, fps: FrameRate, *, overlap: bool) -> int:
    texts = [line.text for line in shot.dialogue]
    return estimate_frames(ShotKind.DIALOGUE, texts, fps, overlap=overlap)


def _split_framing(text: str) -> tuple[str, str]:
    match = _FRAMING.match(text)
    if not match:
        return "", text
    rest = text[match.end() :].strip()
    if not rest:
        return "", text
    return match.group(1).lower(), rest


def _speakers(elements: list[Element]) -> list[str]:
    return list(dict.fromkeys(e.character for e in elements if e.kind is Kind.DIALOGUE))


def _mention_pattern(names: list[str]) -> re.Pattern[str] | None:
    """Matches any speaker's name: whole words for alphabetic names; CJK names anywhere, as
    CJK text has no spaces between words."""
    ordered = sorted(names, key=len, reverse=True)
    cjk = [re.escape(n) for n in ordered if _CJK_NAME.search(n)]
    words = [re.escape(n) for n in ordered if not _CJK_NAME.search(n)]
    alternatives = []
    if words:
        alternatives.append(rf"(?<![^\W_])(?:{'|'.join(words)})(?![^\W_])")
    if cjk:
        alternatives.append("|".join(cjk))
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def _title_of(elements: list[Element]) -> str:
    for element in elements:
        if element.kind is Kind.TITLE_PAGE:
            for key, value in element.fields:
                if key.casefold() == "title":
                    return plain(value).replace("\n", " ").strip()
    return ""
