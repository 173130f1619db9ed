"""A project as it is in one target language: what its export works on.

:func:`language_view` gives a copy of the project whose dialogue is the translated text, whose
voice clips are the translated lines' clips where they have one, whose shots show the take
lip-synced to that language where there is one, whose language is the target's tag and whose
AI label is the default one in that language. The source project is not changed: every shot,
line, clip and take the view changes is a new object; the rest (media paths, characters,
music) is shared, so the view is for reading.

A translated line not dubbed yet is heard in the source voice under the translated captions:
its clip is the source clip with no word timing (the captions are spread over the clip). A line
not translated yet stops the view (:class:`UntranslatedError` says how many and where) unless
``allow_untranslated``: then it keeps its source text and voice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from studio.core.model import Project, Shot
from studio.core.take import Take, TakeState
from studio.core.translations import Language, LineState, TranslatedLine, find_language
from studio.core.voicing import VoiceClip
from studio.media.labels import has_label

Key = tuple[str, int]  # (shot id, index in its dialogue)
_SHOWN = (TakeState.DONE, TakeState.STARRED, TakeState.APPROVED)


class UntranslatedError(ValueError):
    """Lines of the part asked for have no translation: ``lines`` lists them."""

    def __init__(self, tag: str, lines: list[Key], where: str) -> None:
        self.lines = lines
        named = ", ".join(f"{shot} line {i + 1}" for shot, i in lines[:6])
        more = f" and {len(lines) - 6} more" if len(lines) > 6 else ""
        super().__init__(
            f"{len(lines)} line{'s' if len(lines) > 1 else ''} of {where} not translated into "
            f"{tag} yet ({named}{more}); translate them first, or export them in the source "
            "language"
        )


@dataclass(frozen=True, slots=True)
class LanguageView:
    """The project in language ``tag`` and what it is made of (lines of the part asked for)."""

    project: Project
    tag: str
    dubbed: tuple[Key, ...] = ()  # heard in the target language
    undubbed: tuple[Key, ...] = ()  # translated, heard in the source voice: subtitled only
    untranslated: tuple[Key, ...] = ()  # source text and voice (allowed)
    stale: tuple[Key, ...] = ()  # translated from a source text the script has changed since
    unreviewed: tuple[Key, ...] = ()  # machine translations no person has read yet
    lip_synced: tuple[str, ...] = ()  # shots showing the take lip-synced to this language
    label_in_english: bool = False  # no AI label text in this language: the English one

    def notes(self) -> list[str]:
        """What a person should know about an export of the view, one sentence each."""
        tag, out = self.tag, []
        if self.undubbed:
            out.append(f"{len(self.undubbed)} lines not dubbed in {tag}: subtitled only")
        if self.untranslated:
            out.append(
                f"{len(self.untranslated)} lines not translated into {tag}: "
                "shown and heard in the source language"
            )
        if self.stale:
            out.append(
                f"{len(self.stale)} {tag} lines were translated from an older version of the script"
            )
        if self.unreviewed:
            out.append(f"{len(self.unreviewed)} {tag} lines are machine translations not reviewed")
        if self.label_in_english:
            out.append(f"no AI label text in {tag}: the label is in English")
        return out


def language_view(
    project: Project, tag: str, *, episode: int | None = None, allow_untranslated: bool = False
) -> LanguageView:
    """``project`` in the target language ``tag`` (see the module). The counts and the check for
    untranslated lines cover episode ``episode``, or every episode when None. ValueError when
    ``tag`` is not a target (naming them); :class:`UntranslatedError` for missing lines."""
    language = find_language(project, tag)
    counted = {e.number for e in project.episodes if episode is None or e.number == episode}
    tally: dict[str, list[Key]] = {k: [] for k in ("dub", "undub", "missing", "stale", "machine")}
    synced: list[str] = []
    episodes = []
    for ep in project.episodes:
        seen = tally if ep.number in counted else {k: [] for k in tally}
        sync: list[str] = synced if ep.number in counted else []
        scenes = []
        for scene in ep.scenes:
            shots = [_shot(shot, language, seen, sync) for shot in scene.shots]
            scenes.append(dataclasses.replace(scene, shots=shots))
        episodes.append(dataclasses.replace(ep, scenes=scenes))
    if tally["missing"] and not allow_untranslated:
        where = "the project" if episode is None else f"episode {episode}"
        raise UntranslatedError(language.tag, tally["missing"], where)
    view = dataclasses.replace(project, episodes=episodes, language=language.tag, label="")
    return LanguageView(
        view, language.tag, tuple(tally["dub"]), tuple(tally["undub"]), tuple(tally["missing"]),
        tuple(tally["stale"]), tuple(tally["machine"]), tuple(synced),
        label_in_english=not has_label(language.tag),
    )  # fmt: skip


def _shot(shot: Shot, language: Language, tally: dict[str, list[Key]], synced: list[str]) -> Shot:
    """The shot in the target language: its lines, voice and lip-synced take."""
    source = {clip.line: clip for clip in shot.voice}
    dialogue, voice = [], []
    for i, line in enumerate(shot.dialogue):
        key = (shot.id, i)
        translated = language.lines.get(key)
        if translated is None or not translated.text:
            tally["missing"].append(key)
            dialogue.append(line)
            if i in source:
                voice.append(source[i])
            continue
        if translated.source != line.text:
            tally["stale"].append(key)
        if translated.state is LineState.MACHINE:
            tally["machine"].append(key)
        dialogue.append(dataclasses.replace(line, text=translated.text))
        clip = _clip(translated, source.get(i))
        tally["dub" if translated.voice is not None else "undub"].append(key)
        if clip is not None:
            voice.append(clip)
    takes = _takes(shot, [language.lines.get((shot.id, i)) for i in range(len(shot.dialogue))])
    if takes is not shot.takes:
        synced.append(shot.id)
    return dataclasses.replace(shot, dialogue=dialogue, voice=voice, takes=takes)


def _clip(translated: TranslatedLine, source: VoiceClip | None) -> VoiceClip | None:
    """The clip heard for a translated line: its own, else the source's without word timing."""
    if translated.voice is not None:
        return dataclasses.replace(translated.voice, line=translated.line)
    if source is None:
        return None
    return dataclasses.replace(source, timing="")


def _takes(shot: Shot, lines: list[TranslatedLine | None]) -> list[Take]:
    """The shot's takes with the language's lip-synced take approved (new objects for the two
    takes whose state changes), or ``shot.takes`` itself when there is none to show."""
    wanted = [t.take for t in lines if t is not None and t.take]
    chosen = next((t for t in shot.takes if wanted and t.id == wanted[-1]), None)
    if chosen is None or chosen.state not in _SHOWN or not chosen.media:
        return shot.takes
    out = []
    for take in shot.takes:
        if take is chosen:
            take = dataclasses.replace(take, state=TakeState.APPROVED)
        elif take.state is TakeState.APPROVED:
            take = dataclasses.replace(take, state=TakeState.DONE)
        out.append(take)
    return out
