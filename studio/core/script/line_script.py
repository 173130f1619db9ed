"""Chinese and plain-text scripts (one speech a line after ``NAME:``) into screenplay elements,
and so into Fountain text, the way :mod:`.fdx` converts Final Draft.

:mod:`.line_conventions` says what each line is; this module puts the lines together:

- An episode line is a level-1 SECTION (``# 第一集``: the breakdown starts an episode there), a
  heading a SCENE_HEADING, a Markdown heading that is neither a level-2 SECTION.
- ``林晓：台词`` is one DIALOGUE block. A name alone before its colon opens a block whose speech
  is the lines after it, up to a blank line or a line that is something else.
- A parenthetical alone on a line joins the block it is in; else the speech on the next line
  when that is dialogue; else the block just before it (no blank line between); else action.
- ``△`` / ``▲`` lines are action paragraphs of their own; other lines are action, and
  consecutive ones (no blank line between) one paragraph, as in Fountain.
- ``Title:`` / ``剧名：`` / ``《…》`` (or a Markdown heading) before anything else is the title.
"""

from __future__ import annotations

from studio.core.script.elements import Element, Kind, Speech, SpeechKind
from studio.core.script.line_conventions import Dialect, LineKind, Read, classify

_SPEECH_KINDS = (LineKind.DIALOGUE, LineKind.CUE)
_TITLE_KINDS = (LineKind.TITLE, LineKind.SECTION)


def read_lines(text: str, dialect: Dialect) -> list[Element]:
    """The elements of a script written in ``dialect``'s conventions (title page first)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").split("\n")
    reads = [classify(line, dialect) for line in lines]
    return _Assembler(lines, reads).run()


class _Assembler:
    def __init__(self, lines: list[str], reads: list[Read]) -> None:
        self.lines = lines
        self.reads = reads
        self.out: list[Element] = []
        self.title = ""
        self.block: tuple[Read, list[Speech], int] | None = None  # cue, speech, first line
        self.action: tuple[list[str], int] | None = None  # texts, first line
        self.pending: list[Speech] = []  # parentheticals for the next line's speech

    def run(self) -> list[Element]:
        for index, read in enumerate(self.reads):
            self.line(index + 1, read)
        self.close_block(len(self.reads))
        self.close_action(len(self.reads))
        if self.title:
            fields = (("Title", self.title),)
            self.out.insert(0, Element(Kind.TITLE_PAGE, self.title, (1, 1), fields=fields))
        return self.out

    def line(self, number: int, read: Read) -> None:
        kind = read.kind
        if self.block is not None:
            if kind is LineKind.TEXT or kind is LineKind.PARENTHETICAL:
                self.block[1].append(_part(read.kind, read.text, number))
                return
            self.close_block(number - 1)
        if kind is LineKind.TEXT and self.action is not None:
            self.action[0].append(read.text)
            return
        self.close_action(number - 1)
        if kind is LineKind.BLANK:
            self.pending.clear()
        elif kind in _TITLE_KINDS and not self.title and not self.out:
            self.title = read.text  # a Markdown heading first of all is the title too
        elif kind is LineKind.EPISODE:
            self.emit(Element(Kind.SECTION, read.text, (number, number), depth=1))
        elif kind is LineKind.SECTION:
            self.emit(Element(Kind.SECTION, read.text, (number, number), depth=2))
        elif kind is LineKind.HEADING:
            self.emit(Element(Kind.SCENE_HEADING, read.text, (number, number)))
        elif kind is LineKind.TRANSITION:
            self.emit(Element(Kind.TRANSITION, read.text, (number, number)))
        elif kind in _SPEECH_KINDS:
            self.speech(number, read)
        elif kind is LineKind.PARENTHETICAL:
            self.parenthetical(number, read)
        elif kind is LineKind.ACTION:
            self.action = ([read.text], number)
        else:
            self.action = ([self.lines[number - 1].strip()], number)

    def emit(self, element: Element) -> None:
        self.pending.clear()
        self.out.append(element)

    def speech(self, number: int, read: Read) -> None:
        parts = [*self.pending]
        self.pending.clear()
        for is_paren, text in read.parts:
            kind = LineKind.PARENTHETICAL if is_paren else LineKind.TEXT
            parts.append(_part(kind, text, number))
        first = parts[0].lines[0] if parts else number
        if read.kind is LineKind.CUE:
            self.block = (read, parts, first)
        else:
            self.out.append(_dialogue(read.name, read.extension, parts, (first, number)))

    def parenthetical(self, number: int, read: Read) -> None:
        nxt = self.reads[number] if number < len(self.reads) else None
        if nxt is not None and nxt.kind in _SPEECH_KINDS:
            self.pending.append(_part(LineKind.PARENTHETICAL, read.text, number))
            return
        last = self.out[-1] if self.out else None
        previous = self.reads[number - 2] if number >= 2 else None
        if last and last.kind is Kind.DIALOGUE and previous and previous.kind in _SPEECH_KINDS:
            part = _part(LineKind.PARENTHETICAL, read.text, number)
            lines = (last.lines[0], number)
            self.out[-1] = _dialogue(last.character, last.extension, [*last.speech, part], lines)
            return
        self.action = ([read.text], number)

    def close_block(self, last_line: int) -> None:
        if self.block is None:
            return
        cue, parts, first = self.block
        self.block = None
        if any(p.kind is SpeechKind.DIALOGUE for p in parts):
            self.out.append(_dialogue(cue.name, cue.extension, parts, (first, last_line)))
        else:  # a name and colon with nothing to say: keep the lines as action
            texts = [self.lines[first - 1].strip(), *(p.text for p in parts[1:])]
            self.out.append(Element(Kind.ACTION, "\n".join(texts), (first, last_line)))

    def close_action(self, last_line: int) -> None:
        if self.action is not None:
            texts, first = self.action
            self.action = None
            self.out.append(Element(Kind.ACTION, "\n".join(texts), (first, last_line)))


def _part(kind: LineKind, text: str, number: int) -> Speech:
    speech = SpeechKind.PARENTHETICAL if kind is LineKind.PARENTHETICAL else SpeechKind.DIALOGUE
    return Speech(speech, text.strip(), (number, number))


def _merged(parts: list[Speech]) -> tuple[Speech, ...]:
    """Consecutive dialogue lines as one part, as Fountain reads them."""
    out: list[Speech] = []
    for part in parts:
        last = out[-1] if out else None
        if last and last.kind is part.kind is SpeechKind.DIALOGUE:
            out[-1] = Speech(part.kind, f"{last.text}\n{part.text}", (last.lines[0], part.lines[1]))
        else:
            out.append(part)
    return tuple(out)


def _dialogue(name: str, extension: str, parts: list[Speech], lines: tuple[int, int]) -> Element:
    speech = _merged(parts)
    text = "\n".join(s.text for s in speech)
    return Element(Kind.DIALOGUE, text, lines, character=name, extension=extension, speech=speech)
