"""Re-importing a script without losing work.

The new breakdown's shots are matched to the project's shots:

1. shots whose content is unchanged, in script order (a diff of the two shot sequences), keep
   their id, takes and approval;
2. an unchanged shot that moved elsewhere in the script, or one that had been archived and is
   back, is matched by identical content anywhere;
3. within each edited stretch of the script, a new shot that closely resembles an old one of
   the same kind is that shot edited: it keeps its id and takes and is marked ``changed``;
4. old shots left over are archived with their takes (never deleted); new ones get fresh ids.

What the user set on a shot and the script does not say (framing, a locked duration, their own
prompt) survives, and so does its voiced audio: a line the script did not change keeps its voice
clip, and a shot whose dialogue is unchanged keeps the duration its voicing gave it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from studio.core.model import Project, Shot, new_id
from studio.core.script.breakdown import Breakdown
from studio.core.voicing import VoiceClip

SIMILAR = 0.6  # content similarity (0..1) at which a shot counts as the same shot, edited

Key = tuple[object, ...]


@dataclass
class ReconcileReport:
    kept: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    translations_dropped: int = 0  # translated lines whose line is gone from the script

    def summary(self) -> str:
        return (
            f"{len(self.kept)} unchanged, {len(self.changed)} changed, {len(self.added)} new, "
            f"{len(self.archived)} archived, {len(self.restored)} restored"
        )


def content_key(shot: Shot) -> Key:
    """What the script says about a shot; equal keys mean the same shot, unedited."""
    lines = tuple((d.character, d.extension, d.parenthetical, d.text) for d in shot.dialogue)
    return (shot.kind.value, shot.description, lines)


def reconcile(project: Project, breakdown: Breakdown) -> ReconcileReport:
    """Replace the project's episodes with ``breakdown``'s, carrying shot identity over."""
    old = list(project.shots())
    new = breakdown.shots()
    report = ReconcileReport()
    matches = _match(old, new)
    taken = set(matches.values())
    loose = _index([i for i in range(len(old)) if i not in taken], old)
    archive = project.archived_shots
    archived = _index(range(len(archive)), archive)
    back: set[int] = set()
    used = {s.id for s in old} | {s.id for s in archive}

    for j, shot in enumerate(new):
        key = content_key(shot)
        if j in matches:
            edited = _carry(old[matches[j]], shot)
            (report.changed if edited else report.kept).append(shot.id)
        elif loose[key]:
            i = loose[key].pop(0)
            taken.add(i)
            _carry(old[i], shot)
            report.kept.append(shot.id)
        elif archived[key]:
            i = archived[key].pop(0)
            back.add(i)
            _carry(archive[i], shot)
            report.restored.append(shot.id)
        else:
            shot.id = _fresh_id(used)
            report.added.append(shot.id)

    project.archived_shots = [s for i, s in enumerate(archive) if i not in back]
    for i, shot in enumerate(old):
        if i not in taken:
            project.archived_shots.append(shot)
            report.archived.append(shot.id)
    project.episodes = breakdown.episodes
    return report


def _match(old: list[Shot], new: list[Shot]) -> dict[int, int]:
    """new index -> old index, for shots unchanged in place or edited in place."""
    old_keys = [content_key(s) for s in old]
    new_keys = [content_key(s) for s in new]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    matches: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            matches.update({j1 + k: i1 + k for k in range(i2 - i1)})
        elif tag == "replace":
            matches.update(_pair_edited(old, new, range(i1, i2), range(j1, j2)))
    return matches


def _pair_edited(old: list[Shot], new: list[Shot], olds: range, news: range) -> dict[int, int]:
    """Pair each new shot with the most similar old one of the same kind, keeping order."""
    pairs: dict[int, int] = {}
    start = olds.start
    for j in news:
        best, best_score = -1, SIMILAR
        for i in range(start, olds.stop):
            if old[i].kind is not new[j].kind:
                continue
            score = _similarity(old[i], new[j])
            if score >= best_score:
                best, best_score = i, score
        if best >= 0:
            pairs[j] = best
            start = best + 1
    return pairs


def _similarity(a: Shot, b: Shot) -> float:
    text_a = _text(a)
    text_b = _text(b)
    matcher = SequenceMatcher(None, text_a, text_b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _text(shot: Shot) -> str:
    speech = " ".join(f"{d.character}: {d.parenthetical} {d.text}" for d in shot.dialogue)
    return f"{shot.description} {speech}".casefold()


def _carry(previous: Shot, shot: Shot) -> bool:
    """Give the new breakdown's ``shot`` the identity and user work of ``previous``; say
    whether the script edited it."""
    edited = content_key(previous) != content_key(shot)
    shot.id = previous.id
    shot.takes = previous.takes
    shot.prompt = previous.prompt
    if previous.framing and not shot.framing:  # the script names no framing: keep the user's
        shot.framing = previous.framing
    shot.voice = _unchanged_clips(previous, shot)
    if previous.duration_locked:
        shot.duration_frames = previous.duration_frames
        shot.duration_locked = True
    elif shot.voice and previous.dialogue == shot.dialogue:
        shot.duration_frames = previous.duration_frames  # as long as its voiced lines
    shot.changed = previous.changed or edited
    return edited


def _unchanged_clips(previous: Shot, shot: Shot) -> list[VoiceClip]:
    """``previous``'s voice clips whose line reads the same, at the same place, in ``shot``
    (a clip names its line by index). An edited line's old clip is left behind: its file stays
    on disk, and `studio voice` speaks the new words."""
    return [
        clip
        for clip in previous.voice
        if clip.line < len(shot.dialogue)
        and clip.line < len(previous.dialogue)
        and previous.dialogue[clip.line] == shot.dialogue[clip.line]
    ]


def _index(indices: Iterable[int], shots: list[Shot]) -> defaultdict[Key, list[int]]:
    index: defaultdict[Key, list[int]] = defaultdict(list)
    for i in indices:
        index[content_key(shots[i])].append(i)
    return index


def _fresh_id(used: set[str]) -> str:
    while True:
        candidate = new_id("sh")
        if candidate not in used:
            used.add(candidate)
            return candidate
