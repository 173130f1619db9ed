"""The notes that make an episode branch, read one at a time.

The forms follow Ink (knots, ``->`` diverts, ``END``, ``~ x = x + 1``, ``{condition}`` before a
choice) and Twine's Twee 3 (``Text->Target`` links), written as Fountain notes so the script
stays a screenplay every Fountain tool can read:

- ``[[choice: Take the deal -> #deal | Walk away -> #walk]]``: the viewer chooses; each option
  is ``TEXT -> #LABEL``. An option may start with a condition, ``{trust >= 2} Trust him ->
  #trust``, and may end with ``(default)``: what plays when the viewer does not choose (else the
  first option available).
- ``[[-> #label]]``: the segment goes on to ``label`` without a choice (Ink's divert).
- ``[[end]]`` or ``[[-> END]]``: an ending.
- ``[[set: trust = 2]]``, ``[[set: trust += 1]]``, ``[[set: met_lin = true]]``: a variable set
  when the segment plays. Every variable starts at 0 (false).

Conditions: ``{name}`` (not 0), ``{not name}``, ``{name OP N}`` with OP one of ``== != < <= >
>=`` and N an integer (``true`` is 1, ``false`` 0).

A label is what follows ``#``, compared as :func:`label_of` folds it: case, spaces, ``_`` and
``-`` do not matter (``#The Deal`` names ``## The deal``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_OPTIONS = 8
MAX_TEXT = 200  # characters of an option's text
MAX_VALUE = 1_000_000

_NAME = r"[A-Za-z_]\w{0,39}"
_CHOICE = re.compile(r"^\s*choice\s*:(.*)$", re.IGNORECASE | re.DOTALL)
_DIVERT = re.compile(r"^\s*->\s*(.*?)\s*$", re.DOTALL)
_END = re.compile(r"^\s*(end|->\s*end)\s*$", re.IGNORECASE)
_SET = re.compile(rf"^\s*set\s*:\s*({_NAME})\s*(=|\+=|-=)\s*(\S+)\s*$", re.IGNORECASE)
_SET_START = re.compile(r"^\s*set\s*:", re.IGNORECASE)
_OPTION = re.compile(r"^\s*(?:\{([^}]*)\})?\s*(.*?)\s*->\s*(.*?)\s*$", re.DOTALL)
_DEFAULT = re.compile(r"\s*\(default\)\s*$", re.IGNORECASE)
_CONDITION = re.compile(rf"^\s*(not\s+)?({_NAME})\s*(?:(==|!=|<=|>=|<|>)\s*(\S+))?\s*$")
_OPS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class StorySyntaxError(ValueError):
    """A story note that cannot be read: one line for the writer."""


def label_of(text: str) -> str:
    """The folded form of a section name or a target: ``#The Deal`` → ``the-deal``."""
    text = text.strip().lstrip("#").strip()
    return "-".join(re.split(r"[\s_\-]+", text.casefold())).strip("-")


def _number(text: str, where: str) -> int:
    low = text.casefold()
    if low in ("true", "false"):
        return int(low == "true")
    try:
        value = int(text)
    except ValueError:
        raise StorySyntaxError(f"{where}: {text!r} is not a whole number, true or false") from None
    if abs(value) > MAX_VALUE:
        raise StorySyntaxError(f"{where}: {value} is too large (at most {MAX_VALUE:,})")
    return value


@dataclass(frozen=True, slots=True)
class Condition:
    """``name OP value``; ``{met}`` reads as ``met != 0``, ``{not met}`` as ``met == 0``."""

    name: str
    op: str
    value: int

    def holds(self, variables: dict[str, int]) -> bool:
        return bool(_OPS[self.op](variables.get(self.name, 0), self.value))

    def __str__(self) -> str:
        if self.value == 0 and self.op in ("!=", "=="):
            return self.name if self.op == "!=" else f"not {self.name}"
        return f"{self.name} {self.op} {self.value}"


def parse_condition(text: str) -> Condition:
    match = _CONDITION.match(text)
    if not match:
        raise StorySyntaxError(f"cannot read the condition {{{text}}}: write {{name}}, "
                               "{not name} or {name >= 2}")  # fmt: skip
    negated, name, op, value = match.groups()
    if op is None:
        return Condition(name, "==" if negated else "!=", 0)
    if negated:
        raise StorySyntaxError(f"{{{text}}}: 'not' goes with a bare name only ({{not {name}}})")
    return Condition(name, op, _number(value, f"{{{text}}}"))


@dataclass(frozen=True, slots=True)
class Option:
    text: str
    target: str  # a label (folded)
    condition: Condition | None = None
    default: bool = False


@dataclass(frozen=True, slots=True)
class Assignment:
    """``name = value``, ``name += value`` or ``name -= value``."""

    name: str
    op: str
    value: int

    def apply(self, variables: dict[str, int]) -> None:
        old = variables.get(self.name, 0)
        new = (
            self.value if self.op == "=" else old + (self.value if self.op == "+=" else -self.value)
        )
        variables[self.name] = max(-MAX_VALUE, min(MAX_VALUE, new))

    def __str__(self) -> str:
        return f"{self.name} {self.op} {self.value}"


class NoteKind(StrEnum):
    CHOICE = "choice"
    DIVERT = "divert"
    END = "end"
    SET = "set"


@dataclass(frozen=True, slots=True)
class StoryNote:
    kind: NoteKind
    options: tuple[Option, ...] = ()  # a choice's; a divert's one target as one option
    assignment: Assignment | None = None


def read_note(note: str) -> StoryNote | None:
    """The story note ``note`` is (the text inside ``[[ ]]``), or None when it is another kind
    of note. StorySyntaxError when it is a story note written wrong."""
    if _END.match(note):
        return StoryNote(NoteKind.END)
    match = _CHOICE.match(note)
    if match:
        return StoryNote(NoteKind.CHOICE, _options(match.group(1)))
    match = _DIVERT.match(note)
    if match:
        target = _target(match.group(1), f"[[{note.strip()}]]")
        return StoryNote(NoteKind.DIVERT, (Option("", target),))
    match = _SET.match(note)
    if match:
        name, op, value = match.groups()
        return StoryNote(NoteKind.SET, assignment=Assignment(name, op, _number(value, "set")))
    if _SET_START.match(note):
        raise StorySyntaxError(f"cannot read [[{note.strip()}]]: write [[set: name = 1]], "
                               "[[set: name += 1]] or [[set: name -= 1]]")  # fmt: skip
    return None


def _options(body: str) -> tuple[Option, ...]:
    parts = [part for part in body.split("|")]
    if not body.strip():
        raise StorySyntaxError("a choice with no options: write [[choice: Text -> #label | …]]")
    if len(parts) > MAX_OPTIONS:
        raise StorySyntaxError(f"a choice has {len(parts)} options (at most {MAX_OPTIONS})")
    options = []
    for part in parts:
        match = _OPTION.match(part)
        if not match:
            raise StorySyntaxError(f"cannot read the option {part.strip()!r}: write "
                                   "'Text -> #label'")  # fmt: skip
        condition_text, text, target_text = match.groups()
        default = bool(_DEFAULT.search(target_text))
        target_text = _DEFAULT.sub("", target_text)
        text = " ".join(text.split())
        if not text:
            raise StorySyntaxError(f"the option {part.strip()!r} has no text to show")
        if len(text) > MAX_TEXT:
            raise StorySyntaxError(f"an option's text is over {MAX_TEXT} characters")
        condition = parse_condition(condition_text) if condition_text is not None else None
        target = _target(target_text, f"the option {text!r}")
        options.append(Option(text, target, condition, default))
    if sum(o.default for o in options) > 1:
        raise StorySyntaxError("a choice has more than one (default) option")
    return tuple(options)


def _target(text: str, where: str) -> str:
    if not text.startswith("#"):
        raise StorySyntaxError(f"{where}: the target {text!r} must be a label like #deal")
    label = label_of(text)
    if not label:
        raise StorySyntaxError(f"{where}: the target has no label after '#'")
    return label
