"""What the assistant is asked and what shape its answers take.

The assistant is a local chat model (:mod:`studio.engine.backends.language_model`). Each task
here is a prompt template and a JSON schema: the worker holds the model to the schema while it
decodes, so every answer parses. A template has a version (:data:`TEMPLATE_VERSION`) stored in
the request, so a suggestion records exactly how it was asked for.

- ``prompts``: one visual prompt per shot of an episode, asked shot after shot with the previous
  shots' prompts in the conversation, so wardrobe, place and light carry over.
- ``beats``: the episode's hook, turns and cliffhanger, each placed on one of its shots.
- ``cliffhangers`` / ``hooks``: three alternative endings or openings, as text for the writer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from studio.core import jsonread as jr

TEMPLATE_VERSION = "1"
ASSIST_FOLDER = "assist"  # in the project folder: one JSON file per answered request
MAX_PROMPT = 300  # characters in a suggested shot prompt
MAX_BEAT = 140  # characters in a beat's description
MAX_ALTERNATIVE = 280  # characters in an alternative ending or hook
MAX_TURNS = 4
ALTERNATIVES = 3
MAX_SHOTS = 200  # shots one request may carry
MAX_FIELD = 2_000  # characters of one input field the model reads


class AssistTask(StrEnum):
    PROMPTS = "prompts"
    BEATS = "beats"
    CLIFFHANGERS = "cliffhangers"
    HOOKS = "hooks"


@dataclass(frozen=True, slots=True)
class ShotInput:
    """What the assistant reads about one shot (numbered from 1 in its episode)."""

    shot_id: str
    number: int
    heading: str = ""
    action: str = ""
    dialogue: tuple[str, ...] = ()  # "NAME: line"
    characters: tuple[str, ...] = ()  # "NAME: bible line"
    rule_prompt: str = ""  # the prompt composed by rules from the script and the bible
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "shot_id": self.shot_id,
            "number": self.number,
            "heading": self.heading,
            "action": self.action,
            "dialogue": list(self.dialogue),
            "characters": list(self.characters),
            "rule_prompt": self.rule_prompt,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, raw: Any, where: str) -> ShotInput:
        d = jr.obj(raw, where)
        return cls(
            shot_id=jr.field(d, "shot_id", str, where),
            number=jr.field(d, "number", int, where),
            heading=jr.field(d, "heading", str, where, ""),
            action=jr.field(d, "action", str, where, ""),
            dialogue=tuple(jr.str_list(d, "dialogue", where)),
            characters=tuple(jr.str_list(d, "characters", where)),
            rule_prompt=jr.field(d, "rule_prompt", str, where, ""),
            seconds=jr.field(d, "seconds", float, where, 0.0),
        )


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": limit}


def answer_schema(task: AssistTask, shots: int) -> dict[str, Any]:
    """The JSON schema one answer of ``task`` is held to (``shots``: the episode's count)."""
    if task is AssistTask.PROMPTS:
        return _object(prompt=_text(MAX_PROMPT))
    if task is AssistTask.BEATS:
        beat = _object(shot={"enum": list(range(1, max(1, shots) + 1))}, text=_text(MAX_BEAT))
        turns = {"type": "array", "items": beat, "minItems": 1, "maxItems": MAX_TURNS}
        return _object(hook=beat, turns=turns, cliffhanger=beat)
    item = _object(text=_text(MAX_ALTERNATIVE))
    n = ALTERNATIVES
    return _object(alternatives={"type": "array", "items": item, "minItems": n, "maxItems": n})


def _object(**properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_SYSTEM = (
    "You are the script assistant of a vertical micro-drama studio (9:16 episodes of one to three "
    "minutes, each ending on a cliffhanger). Answer with one JSON object only."
)


def task_messages(
    task: AssistTask, title: str, shots: tuple[ShotInput, ...], previous: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """The conversation for one answer: for ``prompts``, the answer for shot
    ``len(previous) + 1`` with the prompts already written for the shots before it."""
    if task is AssistTask.PROMPTS:
        shot = shots[len(previous)]
        context = "\n".join(f"Shot {i + 1}: {p}" for i, p in enumerate(previous[-6:]))
        ask = (
            "Write the image-generation prompt for this shot: framing, who is in it and what "
            "they wear, the place, the light, the action, in one line under "
            f"{MAX_PROMPT} characters. Keep wardrobe, place and light consistent with the "
            "earlier shots of the scene.\n"
            + (f"Earlier shots:\n{context}\n" if context else "")
            + _shot_text(shot)
            + '\nAnswer as {"prompt": "..."}'
        )
        return [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": ask}]
    outline = "\n".join(_shot_text(s) for s in shots)
    if task is AssistTask.BEATS:
        ask = (
            "Find this episode's beats: the hook (what grabs the viewer in the first seconds), "
            f"one to {MAX_TURNS} turns, and the cliffhanger, each on the shot number where it "
            "happens, with one short sentence.\n"
            + outline
            + '\nAnswer as {"hook": {"shot": N, "text": "..."}, "turns": [...], '
            '"cliffhanger": {"shot": N, "text": "..."}}'
        )
    else:
        which = "cliffhanger endings" if task is AssistTask.CLIFFHANGERS else "opening hooks"
        ask = (
            f"Write {ALTERNATIVES} alternative {which} for this episode, each a few lines of "
            "action or dialogue the writer could use instead.\n"
            + outline
            + '\nAnswer as {"alternatives": [{"text": "..."}, ...]}'
        )
    return [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": f"Episode: {_cut(title)}\n{ask}"},
    ]


def _shot_text(shot: ShotInput) -> str:
    lines = [f"Shot {shot.number} ({shot.seconds:.1f} s) in {_cut(shot.heading)}"]
    if shot.action:
        lines.append(f"Action: {_cut(shot.action)}")
    if shot.rule_prompt:
        lines.append(f"Prompt by rules: {_cut(shot.rule_prompt)}")
    lines += [f"Line: {_cut(line)}" for line in shot.dialogue]
    lines += [f"Character: {_cut(c)}" for c in shot.characters]
    return "\n".join(lines)


def _cut(text: str) -> str:
    return " ".join(text.split())[:MAX_FIELD]


def answer_problem(task: AssistTask, answer: Any, shots: int) -> str:
    """Why ``answer`` (parsed JSON) is not what ``task`` asks for ("" when it is). The decoder
    keeps to the schema; this check guards files read back from a project folder."""
    schema = answer_schema(task, shots)
    return _problem(answer, schema, "answer")


def _problem(value: Any, schema: dict[str, Any], where: str) -> str:
    if "enum" in schema:
        ok = type(value) is int and value in schema["enum"]
        return "" if ok else f"{where}: not one of the episode's shot numbers"
    kind = schema["type"]
    if kind == "string":
        ok = isinstance(value, str) and 1 <= len(value) <= schema["maxLength"]
        return "" if ok else f"{where}: not a text of 1 to {schema['maxLength']} characters"
    if kind == "array":
        if not isinstance(value, list):
            return f"{where}: not a list"
        if not schema["minItems"] <= len(value) <= schema["maxItems"]:
            return f"{where}: {len(value)} items"
        for i, item in enumerate(value):
            found = _problem(item, schema["items"], f"{where}[{i}]")
            if found:
                return found
        return ""
    if not isinstance(value, dict) or set(value) != set(schema["properties"]):
        return f"{where}: not an object with {', '.join(schema['properties'])}"
    for name, sub in schema["properties"].items():
        found = _problem(value[name], sub, f"{where}.{name}")
        if found:
            return found
    return ""


def schema_text(task: AssistTask, shots: int) -> str:
    """The schema as the decoder reads it (stable text: it keys the decoder's index cache)."""
    return json.dumps(answer_schema(task, shots))
