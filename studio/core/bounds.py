"""Upper limits on everything a project file can ask for, checked once after it is read.

A project someone sent may say ``width: 10000000`` (a 148 GiB frame) or ``duration_frames:
10**18`` (a render that never ends). :func:`check_bounds` refuses any size, length, count or
id outside what the app can make, with a :class:`~studio.core.jsonread.SchemaError` naming the
field. The limits are generous: no project the app made comes near them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.core.ids import id_problem, name_problem, path_problem
from studio.core.jsonread import SchemaError
from studio.core.translations import check_languages

if TYPE_CHECKING:
    from studio.core.model import Episode, Project, Shot, Take
    from studio.core.time import FrameRate
    from studio.core.voicing import AudioRef, VoiceClip

MIN_SIZE, MAX_SIZE = 16, 7680  # pixels, each side; even
MAX_FPS = 240
MAX_FPS_TERM = 1_000_000  # numerator and denominator of the frame rate
MAX_SHOT_SECONDS = 3600  # one shot lasts at most an hour
MAX_EPISODES = 1000
MAX_EPISODE_NUMBER = 9999
MAX_SCENES = 10_000  # per episode
MAX_SHOTS = 100_000  # in the project, live and archived
MAX_TAKES = 10_000  # per shot, live and archived
MAX_CHARACTERS = 10_000
MAX_ITEMS = 1000  # dialogue lines, voice clips, sound effects, references, LoRAs per owner
MAX_TEXT = 100_000  # characters in one text field (a description, a prompt, notes)
MAX_SEED = 2**32 - 1
MAX_GAIN_DB = 100.0
MAX_VOICE_SETTING = 10.0  # rate, pitch, volume
MAX_SAMPLES = 48_000 * MAX_SHOT_SECONDS  # a voiced line's start and length, at 48 kHz


def check_bounds(project: Project, where: str = "project") -> None:
    """SchemaError naming the first field of ``project`` outside the limits above, or an id
    used twice."""
    _check_fps(project.fps, f"{where}.fps")
    size = (project.width, project.height)
    if not all(MIN_SIZE <= n <= MAX_SIZE and n % 2 == 0 for n in size):
        raise SchemaError(
            f"{where}: resolution must be even numbers from {MIN_SIZE} to {MAX_SIZE}, "
            f"got {size[0]}x{size[1]}"
        )
    for key in ("title", "style", "language", "label", "producer"):
        _text(getattr(project, key), f"{where}.{key}")
    if project.script:
        _path(project.script, f"{where}.script")
    _count(project.characters, MAX_CHARACTERS, f"{where}.characters")
    for i, character in enumerate(project.characters):
        at = f"{where}.characters[{i}]"
        problem = name_problem(character.name)
        if problem:
            raise SchemaError(f"{at}.name: {problem}")
        _text(character.description, f"{at}.description")
        _seed(character.seed, f"{at}.seed")
        voice = character.voice
        for key in ("rate", "pitch", "volume"):
            value = getattr(voice, key)
            if not 0 <= value <= MAX_VOICE_SETTING:
                raise SchemaError(f"{at}.voice.{key}: must be from 0 to 10, got {value}")
        _paths(character.reference_images, f"{at}.reference_images")
        _count(character.loras, MAX_ITEMS, f"{at}.loras")
    _count(project.loras, MAX_ITEMS, f"{where}.loras")
    _count(project.episodes, MAX_EPISODES, f"{where}.episodes")
    max_frames = project.fps.frames_ceil(MAX_SHOT_SECONDS)
    shots = 0
    for e, episode in enumerate(project.episodes):
        shots += _check_episode(episode, max_frames, f"{where}.episodes[{e}]")
    shots += len(project.archived_shots)
    _count(range(shots), MAX_SHOTS, f"{where}: shots")
    for s, shot in enumerate(project.archived_shots):
        _check_shot(shot, max_frames, f"{where}.archived_shots[{s}]")
    _check_unique_ids(project, where)
    check_languages(project.languages, MAX_TEXT, MAX_ITEMS, f"{where}.languages")
    for i, language in enumerate(project.languages):
        for line in language.lines.values():
            if line.voice is not None:
                at = f"{where}.languages[{i}] line {line.line} of {line.shot}: voice"
                _voice(line.voice, at)


def _check_fps(fps: FrameRate, where: str) -> None:
    if fps.num > MAX_FPS_TERM or fps.den > MAX_FPS_TERM or not 1 <= fps.num / fps.den <= MAX_FPS:
        raise SchemaError(f"{where}: must be from 1 to {MAX_FPS} frames a second, got {fps}")


def _check_episode(episode: Episode, max_frames: int, where: str) -> int:
    """Check one episode; the number of its shots."""
    if not 1 <= episode.number <= MAX_EPISODE_NUMBER:
        raise SchemaError(
            f"{where}.number: must be from 1 to {MAX_EPISODE_NUMBER}, got {episode.number}"
        )
    _text(episode.title, f"{where}.title")
    if episode.music is not None:
        _audio(episode.music, max_frames, f"{where}.music")
    if episode.cover_frame is not None and episode.cover_frame > max_frames * MAX_SCENES:
        raise SchemaError(f"{where}.cover_frame: {episode.cover_frame} is past any episode's end")
    _count(episode.scenes, MAX_SCENES, f"{where}.scenes")
    shots = 0
    for c, scene in enumerate(episode.scenes):
        at = f"{where}.scenes[{c}]"
        _text(scene.heading, f"{at}.heading")
        _text(scene.number, f"{at}.number")
        if not 0 <= scene.index <= MAX_SCENES:
            raise SchemaError(f"{at}.index: must be from 0 to {MAX_SCENES}, got {scene.index}")
        _count(scene.shots, MAX_SHOTS, f"{at}.shots")
        for s, shot in enumerate(scene.shots):
            _check_shot(shot, max_frames, f"{at}.shots[{s}]")
        shots += len(scene.shots)
    return shots


def _check_shot(shot: Shot, max_frames: int, where: str) -> None:
    problem = id_problem(shot.id)
    if problem:
        raise SchemaError(f"{where}.id: {problem}")
    if shot.duration_frames > max_frames:
        raise SchemaError(
            f"{where}.duration_frames: {shot.duration_frames} is longer than "
            f"{MAX_SHOT_SECONDS // 60} minutes ({max_frames} frames)"
        )
    for key in ("description", "framing", "prompt"):
        _text(getattr(shot, key), f"{where}.{key}")
    _count(shot.characters, MAX_ITEMS, f"{where}.characters")
    for i, name in enumerate(shot.characters):
        _text(name, f"{where}.characters[{i}]")
    _count(shot.dialogue, MAX_ITEMS, f"{where}.dialogue")
    for i, line in enumerate(shot.dialogue):
        at = f"{where}.dialogue[{i}]"
        for key in ("character", "text", "extension", "parenthetical"):
            _text(getattr(line, key), f"{at}.{key}")
    _count(shot.voice, MAX_ITEMS, f"{where}.voice")
    for i, clip in enumerate(shot.voice):
        _voice(clip, f"{where}.voice[{i}]")
    _count(shot.sfx, MAX_ITEMS, f"{where}.sfx")
    for i, ref in enumerate(shot.sfx):
        _audio(ref, max_frames, f"{where}.sfx[{i}]")
    _count(range(len(shot.takes) + len(shot.archived_takes)), MAX_TAKES, f"{where}: takes")
    for key in ("takes", "archived_takes"):
        for i, take in enumerate(getattr(shot, key)):
            _check_take(take, f"{where}.{key}[{i}]")


def _voice(clip: VoiceClip, at: str) -> None:
    if clip.line >= MAX_ITEMS or clip.start > MAX_SAMPLES or clip.samples > MAX_SAMPLES:
        raise SchemaError(f"{at}: line, start or samples is past any shot's end")
    _text(clip.character, f"{at}.character")
    _path(clip.media, f"{at}.media")
    _path(clip.timing, f"{at}.timing")


def _check_take(take: Take, where: str) -> None:
    problem = id_problem(take.id)
    if problem:
        raise SchemaError(f"{where}.id: {problem}")
    if take.media:
        _path(take.media, f"{where}.media")
    if take.source_take:
        problem = id_problem(take.source_take)
        if problem:
            raise SchemaError(f"{where}.source_take: {problem}")
    _text(take.notes, f"{where}.notes")


def _audio(ref: AudioRef, max_frames: int, where: str) -> None:
    _path(ref.path, f"{where}.path")
    if not -MAX_GAIN_DB <= ref.gain_db <= MAX_GAIN_DB:
        raise SchemaError(f"{where}.gain_db: must be from -100 to 100, got {ref.gain_db}")
    if ref.offset_frames > max_frames:
        raise SchemaError(f"{where}.offset_frames: {ref.offset_frames} is past any shot's end")


def _paths(items: list[str], where: str) -> None:
    _count(items, MAX_ITEMS, where)
    for i, rel in enumerate(items):
        _path(rel, f"{where}[{i}]")


def _path(rel: str, where: str) -> None:
    problem = path_problem(rel)
    if problem:
        raise SchemaError(f"{where}: {problem}")


def _text(text: str, where: str) -> None:
    if len(text) > MAX_TEXT:
        raise SchemaError(f"{where}: longer than {MAX_TEXT} characters ({len(text)})")


def _seed(seed: int, where: str) -> None:
    if not 0 <= seed <= MAX_SEED:
        raise SchemaError(f"{where}: must be from 0 to {MAX_SEED}, got {seed}")


def _count(items: object, limit: int, where: str) -> None:
    n = len(items)  # type: ignore[arg-type]
    if n > limit:
        raise SchemaError(f"{where}: {n} items, more than the {limit} allowed")


def _check_unique_ids(project: Project, where: str) -> None:
    seen: set[str] = set()
    for shot in [*project.shots(), *project.archived_shots]:
        if shot.id in seen:
            raise SchemaError(f"{where}: shot id {shot.id} appears twice")
        seen.add(shot.id)
