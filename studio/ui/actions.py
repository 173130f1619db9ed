"""What the review panels ask of the session: review takes, edit characters, and send work to
the job queue. Each edit is one undoable history entry named for the menu; each job action
plans its requests with the app layer's planner (the command line's too) and submits them to
the project's runner.

Errors go to ``session.message`` (one line for the status bar) and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from studio.app.planner import Choice
from studio.app.selection import SelectionError, find_take, select_shots
from studio.core.history import Scope
from studio.core.model import Character, Scene, Shot, Take, TakeState
from studio.core.take_edits import archive_take, restore_take, review_take
from studio.engine.jobs import Job
from studio.ui.session import Session

REVIEW_NAMES = {
    TakeState.APPROVED: "Approve Take",
    TakeState.REJECTED: "Reject Take",
    TakeState.STARRED: "Star Take",
    TakeState.DONE: "Clear Take Review",
}


# -- review ----------------------------------------------------------------------------------


def take_of(session: Session, take_id: str) -> tuple[Shot, Take] | None:
    """The shot holding ``take_id`` and the take (deleted ones too), or None."""
    project = session.project
    try:
        return find_take(project, take_id, archived=True) if project is not None else None
    except SelectionError:
        return None


def review(session: Session, take_id: str, state: TakeState) -> bool:
    """Approve, reject, star or clear a take; an approval is autosaved at once (written in
    the background)."""
    done = _take_edit(
        session, take_id, REVIEW_NAMES[state], lambda s: review_take(s, take_id, state)
    )
    if done and state is TakeState.APPROVED:
        session.autosaver.start()
    return done


def archive(session: Session, take_id: str) -> bool:
    """Delete a take to the shot's archive (its files stay)."""
    return _take_edit(session, take_id, "Delete Take", lambda shot: archive_take(shot, take_id))


def unarchive(session: Session, take_id: str) -> bool:
    return _take_edit(session, take_id, "Restore Take", lambda shot: restore_take(shot, take_id))


def _take_edit(session: Session, take_id: str, name: str, change: Callable[[Shot], object]) -> bool:
    """The edit ``name`` of the shot holding ``take_id``."""
    found = take_of(session, take_id)
    if found is None:
        session.message.emit(f"{name}: no take {take_id}")
        return False
    shot = found[0]
    scope = Scope.episode(session.episode_of(shot.id))
    return session.edit(name, scope, lambda: change(shot))


# -- characters ------------------------------------------------------------------------------


def edit_character(session: Session, name: str, **fields: Any) -> bool:
    """Set fields of a character (``description``, ``seed``, ``voice``…): "Edit Character"."""
    project = session.project
    character = project.character(name) if project is not None else None
    if character is None:
        session.message.emit(f"no character {name}")
        return False

    def change() -> None:
        for key, value in fields.items():
            if not hasattr(character, key) or key == "name":
                raise ValueError(f"a character's {key!r} cannot be set here")
            setattr(character, key, value)

    return session.edit(f"Edit {name}", Scope.characters(), change)


def add_character(session: Session, name: str) -> bool:
    from studio.core.script.importer import character_seed

    project = session.project
    name = name.strip().upper()
    if project is None or not name:
        return False

    def change() -> None:
        if project.character(name) is not None:
            raise ValueError(f"there is already a character {name}")
        project.characters.append(Character(name=name, seed=character_seed(name)))

    return session.edit(f"Add {name}", Scope.characters(), change)


def remove_character(session: Session, name: str) -> bool:
    project = session.project
    if project is None:
        return False

    def change() -> None:
        character = project.character(name)
        if character is None:
            raise ValueError(f"no character {name}")
        project.characters.remove(character)

    return session.edit(f"Remove {name}", Scope.characters(), change)


def approve_reference(session: Session, name: str, candidate: str) -> bool:
    """Make a generated still one of the character's reference images."""
    from studio.app.references import approve_candidate

    project, root = session.project, session.root
    character = project.character(name) if project is not None else None
    if character is None or root is None:
        return False
    scope = Scope.characters()
    change = lambda: approve_candidate(root, character, candidate)  # noqa: E731
    return session.edit(f"Approve Reference of {name}", scope, change)


def import_reference(session: Session, name: str, path: str) -> bool:

    from studio.app.references import add_reference

    project, root = session.project, session.root
    character = project.character(name) if project is not None else None
    if character is None or root is None:
        return False
    change = lambda: add_reference(root, character, Path(path))  # noqa: E731
    return session.edit(f"Import Reference of {name}", Scope.characters(), change)


def remove_reference(session: Session, name: str, rel: str) -> bool:
    from studio.app.references import remove_reference as remove

    project = session.project
    character = project.character(name) if project is not None else None
    if character is None:
        return False
    change = lambda: remove(character, rel)  # noqa: E731
    return session.edit(f"Remove Reference of {name}", Scope.characters(), change)


# -- jobs ------------------------------------------------------------------------------------
# Each plans with the app layer's planner (the same as the command line's) and submits to the
# project's runner; a refusal becomes one line on ``session.message``.


def generate(session: Session, shot_ids: Sequence[str], choice: Choice | None = None) -> list[Job]:
    """Queue takes for these shots with ``choice`` (default: the model chosen in Settings)."""
    from studio.app.planner import shot_requests

    project = session.project
    if project is None or session.runner is None:
        return _refuse(session, "generate")
    shots = _with_scenes(session, shot_ids)
    chosen = choice or session.generation
    return _submit(
        session,
        "generate",
        lambda: shot_requests(project, shots, chosen, session.models_dir, session.registry),
    )


def regenerate(session: Session, take_id: str, count: int = 1, **changes: Any) -> list[Job]:
    """The take's request again: as it was (``count`` 1, no changes), with ``changes`` (a new
    ``prompt``…), or ``count`` variations with new seeds."""
    from studio.app.planner import regenerated

    project = session.project
    if project is None or session.runner is None:
        return _refuse(session, "regenerate")
    return _submit(
        session,
        f"regenerate take {take_id}",
        lambda: regenerated(find_take(project, take_id, archived=True)[1], count, **changes),
    )


def voice(session: Session, shot_ids: Sequence[str], force: bool = False) -> list[Job]:
    """Queue the spoken lines of these shots (those not voiced yet, or all with ``force``)."""
    from studio.app.planner import line_requests, voice_choice

    project = session.project
    if project is None or session.runner is None:
        return _refuse(session, "voice")
    shots = [shot for _, shot in _with_scenes(session, shot_ids)]
    requests = line_requests(project, shots, voice_choice(), force=force)
    if not requests:
        session.message.emit("nothing to voice: the lines are voiced (or there are none)")
    return session.runner.submit(requests)


def lipsync(session: Session, shot_ids: Sequence[str]) -> list[Job]:
    """Queue a lip-sync of each shot's approved (else latest) take to its voiced lines."""
    from studio.app.planner import lipsync_requests
    from studio.voice.recording import lipsync_source

    project = session.project
    if project is None or session.runner is None:
        return _refuse(session, "lip-sync")
    pairs, skipped = [], []
    for _, shot in _with_scenes(session, shot_ids):
        take = lipsync_source(shot)
        if take is None:
            skipped.append(f"shot {shot.id} has no take to lip-sync")
        else:
            pairs.append((shot, take))
    requests, unusable = lipsync_requests(project, pairs)
    skipped += unusable
    if skipped:
        session.message.emit(f"{len(skipped)} not lip-synced: {skipped[0]}")
    return session.runner.submit(requests) if requests else []


def references(
    session: Session, name: str, count: int = 4, choice: Choice | None = None
) -> list[Job]:
    """Queue ``count`` reference stills of a character, to approve in the bible, with
    ``choice`` (default: the model chosen in Settings, as for shots)."""
    from studio.app.planner import character_references

    project = session.project
    character = project.character(name) if project is not None else None
    if project is None or character is None or session.runner is None:
        return _refuse(session, "generate references")
    chosen = choice or session.generation
    return _submit(
        session,
        "generate references",
        lambda: character_references(
            project, character, count, chosen, session.models_dir, session.registry
        ),
    )


def _submit(session: Session, what: str, plan: Callable[[], list[Any]]) -> list[Job]:
    from studio.app.planner import PlanError

    try:
        requests = plan()
    except (PlanError, SelectionError) as exc:
        session.message.emit(f"cannot {what}: {exc}")
        return []
    return session.runner.submit(requests) if session.runner is not None else []


def _with_scenes(session: Session, shot_ids: Sequence[str]) -> list[tuple[Scene, Shot]]:
    """The shots of ``shot_ids`` still in the project (a selection may name a removed one)."""
    project = session.project
    if project is None or not shot_ids:
        return []
    wanted = set(shot_ids)
    return [pair for pair in select_shots(project) if pair[1].id in wanted]


def _refuse(session: Session, what: str) -> list[Job]:
    why = "no project is open" if session.project is None else "the project is open read-only"
    session.message.emit(f"cannot {what}: {why}")
    return []
