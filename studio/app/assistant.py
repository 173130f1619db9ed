"""The assistant for the window and ``studio assist``: its requests, and its suggestions read back.

A request (:class:`~studio.core.request.AssistRequest`) is built from an episode — each shot's
action, dialogue, scene heading, its characters' bible lines and the prompt the rules compose —
and runs in the worker like any job. Its answers come back as a JSON file in the project's
``assist/`` folder holding the request that made them (model hash, template version, seed), so
every suggestion can be traced and made again. Nothing here changes the script: prompts become
a shot's own prompt only when the artist accepts them (:func:`accept_prompts`, inside an edit).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from studio.core.assist import ASSIST_FOLDER, AssistTask, ShotInput, answer_problem
from studio.core.kinds import ModelKind
from studio.core.model import Project
from studio.core.pacing_beats import Beat
from studio.core.paths import resolve_inside
from studio.core.request import request_from_json
from studio.core.text_requests import AssistRequest
from studio.engine.prompts import bible_lines, compose_prompt
from studio.engine.registry import ModelEntry, ModelError, Registry

MAX_FILE = 4 << 20  # bytes of one suggestions file read back
MAX_FILES = 2_000  # suggestion files looked at in one episode's folder
MAX_TOKENS = {  # tokens one answer may take, by task (the schemas bound the text anyway)
    AssistTask.PROMPTS: 320,
    AssistTask.BEATS: 1024,
    AssistTask.CLIFFHANGERS: 1024,
    AssistTask.HOOKS: 1024,
}
INSTALL_HINT = (
    "put a chat model with .safetensors weights in the models folder (for example "
    "`studio models pull Qwen/Qwen2.5-0.5B-Instruct`, or copy a SmolLM2-Instruct folder there)"
)


class AssistUnavailable(Exception):
    """No chat model to run, or not the one asked for: one line, saying how to install one."""


class SuggestionError(Exception):
    """A suggestions file that cannot be read: one line."""


def chat_model(registry: Registry, name: str | None = None) -> ModelEntry:
    """The chat model ``name``, or the first usable one installed."""
    usable = [e for e in registry.of_kind(ModelKind.CHAT) if not e.problems]
    if name is None:
        if not usable:
            raise AssistUnavailable(
                f"no chat model in {registry.root}, so prompts stay rule-based; {INSTALL_HINT}"
            )
        return usable[0]
    try:
        return registry.usable(name, ModelKind.CHAT)
    except ModelError as exc:
        raise AssistUnavailable(str(exc)) from None


def shot_inputs(project: Project, episode: int) -> tuple[ShotInput, ...]:
    """What the assistant reads of each shot of ``episode`` (ValueError: no such episode)."""
    if not any(ep.number == episode for ep in project.episodes):
        raise ValueError(f"no episode {episode} (the project has {len(project.episodes)})")
    found = []
    for scene in project.episode(episode).scenes:
        for shot in scene.shots:
            found.append(
                ShotInput(
                    shot_id=shot.id,
                    number=len(found) + 1,
                    heading=scene.heading,
                    action=shot.description,
                    dialogue=tuple(f"{d.character}: {d.text}" for d in shot.dialogue),
                    characters=tuple(bible_lines(project, shot)),
                    rule_prompt=compose_prompt(project, replace(shot, prompt=""), scene.heading),
                    seconds=round(float(project.fps.seconds(shot.duration_frames)), 2),
                )
            )
    if not found:
        raise ValueError(f"episode {episode} has no shots")
    return tuple(found)


def assist_request(
    project: Project,
    model: ModelEntry,
    task: AssistTask,
    episode: int,
    *,
    seed: int = 0,
    temperature: float = 0.0,
    max_tokens: int | None = None,
) -> AssistRequest:
    """The request for ``task`` on ``episode`` with ``model`` (a chat model's entry);
    ValueError when the episode is missing or has no shots."""
    shots = shot_inputs(project, episode)
    return AssistRequest(
        episode=episode,
        task=task,
        model=model.name,
        model_hash=model.hash,
        title=project.episode(episode).title or project.title,
        shots=shots,
        seed=seed,
        temperature=temperature,
        max_tokens=max_tokens or MAX_TOKENS[task],
    )


@dataclass(frozen=True)
class Suggestion:
    """One answered request: ``answers`` are one per shot (prompts) or one (other tasks)."""

    media: str  # the file, relative to the project folder
    request: AssistRequest
    answers: tuple[Any, ...]
    stats: dict[str, Any]

    @property
    def task(self) -> AssistTask:
        return self.request.task

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.media,
            "task": self.task.value,
            "episode": self.request.episode,
            "model": self.request.model,
            "model_hash": self.request.model_hash,
            "template": self.request.template,
            "seed": self.request.seed,
            "answers": list(self.answers),
            "stats": self.stats,
        }


def read_suggestion(root: Path, rel: str) -> Suggestion:
    """The suggestions file ``rel`` of the project at ``root``, checked against its task."""
    try:
        path = resolve_inside(root, rel)
        with path.open("rb") as f:
            data = f.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            raise SuggestionError(f"{rel}: larger than a suggestions file can be")
        raw = json.loads(data)
        request = request_from_json(raw["request"], f"{rel}: request")
        answers = raw["answers"]
        stats = raw.get("stats", {})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SuggestionError(f"{rel}: cannot be read ({exc})") from None
    if not isinstance(request, AssistRequest) or not isinstance(answers, list):
        raise SuggestionError(f"{rel}: not the assistant's answers")
    wanted = len(request.shots) if request.task is AssistTask.PROMPTS else 1
    if len(answers) != wanted:
        raise SuggestionError(f"{rel}: {len(answers)} answers where {wanted} were asked for")
    for answer in answers:
        problem = answer_problem(request.task, answer, len(request.shots))
        if problem:
            raise SuggestionError(f"{rel}: {problem}")
    stats = stats if isinstance(stats, dict) else {}
    return Suggestion(rel, request, tuple(answers), stats)


def latest_suggestion(root: Path, episode: int, task: AssistTask) -> Suggestion | None:
    """The newest readable suggestions of ``task`` for ``episode`` (None when there are none)."""
    folder = Path(root) / ASSIST_FOLDER / f"ep{episode:03d}"
    try:
        files = [p for p in folder.iterdir() if p.name.startswith(f"{task.value}-")]
    except OSError:
        return None
    files = [p for p in files[:MAX_FILES] if p.suffix == ".json" and p.is_file()]
    for path in sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True):
        try:
            found = read_suggestion(Path(root), f"{ASSIST_FOLDER}/{folder.name}/{path.name}")
        except SuggestionError:
            continue
        if found.request.episode == episode and found.task is task:
            return found
    return None


@dataclass(frozen=True)
class PromptChange:
    """A shot's prompt today beside the assistant's."""

    shot_id: str
    number: int
    current: str  # the shot's own prompt, else the one the rules compose
    suggested: str
    own: bool  # the shot has its own prompt (accepting replaces an artist's text)


def prompt_changes(project: Project, suggestion: Suggestion) -> list[PromptChange]:
    """Each suggested prompt of a shot still in the project, beside its prompt today."""
    changes = []
    for shot_input, answer in zip(suggestion.request.shots, suggestion.answers, strict=True):
        try:
            shot = project.find_shot(shot_input.shot_id)
        except KeyError:
            continue
        scene = next(s for ep in project.episodes for s in ep.scenes if shot in s.shots)
        changes.append(
            PromptChange(
                shot.id,
                shot_input.number,
                compose_prompt(project, shot, scene.heading),
                answer["prompt"].strip(),
                bool(shot.prompt.strip()),
            )
        )
    return changes


def accept_prompts(
    project: Project, suggestion: Suggestion, shot_ids: set[str] | None = None
) -> list[str]:
    """Make the suggested prompts the shots' own (all, or those of ``shot_ids``); the ids
    changed. Call it inside an edit (the window's undo) or save after it (the CLI)."""
    changed = []
    for change in prompt_changes(project, suggestion):
        if shot_ids is not None and change.shot_id not in shot_ids:
            continue
        shot = project.find_shot(change.shot_id)
        if shot.prompt != change.suggested:
            shot.prompt = change.suggested
            changed.append(shot.id)
    return changed


def suggested_beats(root: Path | None, project: Project, episode: int) -> list[Beat]:
    """The newest beat sheet of ``episode`` as beats on its time line (``assistant hook``,
    ``assistant turn``, ``assistant cliffhanger``), for the pacing analysis."""
    if root is None:
        return []
    sheet = latest_suggestion(root, episode, AssistTask.BEATS)
    if sheet is None or not any(ep.number == episode for ep in project.episodes):
        return []
    spans: dict[str, tuple[int, int]] = {}
    at = 0
    for shot in project.episode(episode).shots():  # where each shot is now
        spans[shot.id] = (at, at + shot.duration_frames)
        at += shot.duration_frames
    ids = {s.number: s.shot_id for s in sheet.request.shots}
    answer = sheet.answers[0]
    marks = [("hook", answer["hook"]), *(("turn", t) for t in answer["turns"])]
    marks.append(("cliffhanger", answer["cliffhanger"]))
    beats = []
    for kind, mark in marks:
        shot_id = ids.get(mark["shot"], "")
        if shot_id in spans:
            start, end = spans[shot_id]
            beats.append(Beat(f"assistant {kind}", start, end, shot_id))
    return sorted(beats, key=lambda b: b.start)
