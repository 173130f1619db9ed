"""Limits on a request read from a file (``jobs.json``, a take's stored request).

A request from a project someone sent decides where the worker writes (its target: a shot's id
names the take's folder, a character's name the folder of their reference candidates), what it
reads (references, the source take) and how much it computes (size, frames, steps).
:func:`check_request` refuses anything outside what the app makes, with a
:class:`~studio.core.jsonread.SchemaError` naming the field.
"""

from __future__ import annotations

from studio.core import assist
from studio.core.bounds import (
    MAX_EPISODE_NUMBER,
    MAX_FPS,
    MAX_SEED,
    MAX_SHOT_SECONDS,
    MAX_SIZE,
    MAX_TEXT,
    MIN_SIZE,
)
from studio.core.ids import id_problem, name_problem, path_problem
from studio.core.jsonread import SchemaError
from studio.core.paths import parts_of
from studio.core.request import GenerationRequest, LipSyncRequest, Request, VoiceRequest
from studio.core.targets import EpisodeTarget, ReferenceTarget, ShotTarget, Target
from studio.core.text_requests import AssistRequest, TranslateRequest
from studio.core.time import FrameRate
from studio.core.translations import tag_problem

MAX_FRAMES = MAX_FPS * MAX_SHOT_SECONDS
MAX_STEPS = 1000
MAX_GUIDANCE = 100.0
MAX_LINE = 999  # a dialogue line's index in its shot
MAX_SAMPLE_RATE = 192_000
MAX_ANSWER_TOKENS = 2048  # tokens a language model may write for one answer or line
MAX_TRANSLATED_LINES = 10_000  # dialogue lines of one episode sent to translation


def check_request(request: Request, where: str = "request") -> None:
    """SchemaError naming the first field of ``request`` outside the limits."""
    check_target(request.target, where)
    if isinstance(request, GenerationRequest):
        _check_generation(request, where)
    elif isinstance(request, VoiceRequest):
        if not 0 <= request.line <= MAX_LINE:
            raise SchemaError(f"{where}.line: must be from 0 to {MAX_LINE}, got {request.line}")
        _range(request.sample_rate, 8000, MAX_SAMPLE_RATE, f"{where}.sample_rate")
        for key in ("rate", "pitch", "volume"):
            _range(getattr(request, key), 0.0, 10.0, f"{where}.{key}")
        _text(request.text, f"{where}.text")
    elif isinstance(request, LipSyncRequest):
        _range(request.frames, 1, MAX_FRAMES, f"{where}.frames")
        _range(request.seed, 0, MAX_SEED, f"{where}.seed")
        _fps(request.fps, f"{where}.fps")
        _path(request.source_media, f"{where}.source_media")
        for i, line in enumerate(request.lines):
            _path(line.media, f"{where}.lines[{i}].media")
            _path(line.timing, f"{where}.lines[{i}].timing")
    elif isinstance(request, AssistRequest):
        _check_assist(request, where)
    elif isinstance(request, TranslateRequest):
        _check_translate(request, where)


def check_target(target: Target, where: str) -> None:
    """A shot's id (a path component), or a character's name, as the cast's rules allow."""
    match target:
        case ShotTarget(shot_id):
            field, problem = "shot_id", id_problem(shot_id)
        case ReferenceTarget(character):
            field, problem = "reference_of", name_problem(character)
        case EpisodeTarget(number):
            field, problem = "episode", "" if 1 <= number <= MAX_EPISODE_NUMBER else "no episode"
    if problem:
        raise SchemaError(f"{where}.{field}: {problem}")


def _check_generation(request: GenerationRequest, where: str) -> None:
    _range(request.width, MIN_SIZE, MAX_SIZE, f"{where}.width")
    _range(request.height, MIN_SIZE, MAX_SIZE, f"{where}.height")
    _range(request.frames, 1, MAX_FRAMES, f"{where}.frames")
    _range(request.steps, 1, MAX_STEPS, f"{where}.steps")
    _range(request.seed, 0, MAX_SEED, f"{where}.seed")
    _range(request.guidance, 0.0, MAX_GUIDANCE, f"{where}.guidance")
    _fps(request.fps, f"{where}.fps")
    _text(request.prompt, f"{where}.prompt")
    _text(request.negative_prompt, f"{where}.negative_prompt")
    for i, rel in enumerate(request.references):
        _path(rel, f"{where}.references[{i}]")
    for i, lora in enumerate(request.loras):
        _path(lora.path, f"{where}.loras[{i}].path")
    init_image = getattr(request, "init_image", "")
    if init_image:
        _path(init_image, f"{where}.init_image")


def _check_assist(request: AssistRequest, where: str) -> None:
    _range(request.seed, 0, MAX_SEED, f"{where}.seed")
    _range(request.temperature, 0.0, 2.0, f"{where}.temperature")
    _range(request.max_tokens, 1, MAX_ANSWER_TOKENS, f"{where}.max_tokens")
    _range(len(request.shots), 1, assist.MAX_SHOTS, f"{where}.shots (count)")
    _text(request.title, f"{where}.title")
    for i, shot in enumerate(request.shots):
        spot = f"{where}.shots[{i}]"
        problem = id_problem(shot.shot_id)
        if problem:
            raise SchemaError(f"{spot}.shot_id: {problem}")
        _range(shot.number, 1, assist.MAX_SHOTS, f"{spot}.number")
        texts = (shot.heading, shot.action, shot.rule_prompt, *shot.dialogue, *shot.characters)
        if len(texts) > 3 + 2 * MAX_LINE or any(len(t) > assist.MAX_FIELD for t in texts):
            raise SchemaError(f"{spot}: more text than the assistant reads")


def _check_translate(request: TranslateRequest, where: str) -> None:
    for name in ("language", "source_language"):
        problem = tag_problem(getattr(request, name))
        if problem:
            raise SchemaError(f"{where}.{name}: {problem}")
    _range(request.max_tokens, 1, MAX_ANSWER_TOKENS, f"{where}.max_tokens")
    _range(len(request.texts), 1, MAX_TRANSLATED_LINES, f"{where}.texts (count)")
    for i, line in enumerate(request.texts):
        problem = id_problem(line.shot_id)
        if problem:
            raise SchemaError(f"{where}.texts[{i}].shot_id: {problem}")
        _range(line.line, 0, MAX_LINE, f"{where}.texts[{i}].line")
        if len(line.text) > assist.MAX_FIELD:
            raise SchemaError(f"{where}.texts[{i}].text: longer than a dialogue line can be")


def _range(value: float, low: float, high: float, where: str) -> None:
    if not low <= value <= high:
        raise SchemaError(f"{where}: must be from {low} to {high}, got {value}")


def _fps(text: str, where: str) -> None:
    try:
        fps = FrameRate.parse(text)
    except ValueError as exc:
        raise SchemaError(f"{where}: {exc}") from None
    if fps.den > 1_000_000 or not 1 <= fps.num / fps.den <= MAX_FPS:
        raise SchemaError(f"{where}: must be from 1 to {MAX_FPS} frames a second, got {text}")


def _text(text: str, where: str) -> None:
    if len(text) > MAX_TEXT:
        raise SchemaError(f"{where}: longer than {MAX_TEXT} characters ({len(text)})")


def _path(rel: str, where: str) -> None:
    """A relative path that stays inside its folder (the project's, or the models')."""
    try:
        parts_of(rel)
    except ValueError as exc:
        raise SchemaError(f"{where}: {exc}") from None
    problem = path_problem(rel)
    if problem:
        raise SchemaError(f"{where}: {problem}")
