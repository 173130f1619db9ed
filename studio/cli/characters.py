"""The character bible from the command line: ``characters`` lists it, ``character`` edits one
(description, seed, LoRAs, reference images) and generates reference candidates to approve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from studio.app.results import Recorded
from studio.cli.common import CliError, add_command, failing, open_for_reading, print_json
from studio.cli.running import run_requests
from studio.core.kinds import VOICE_BACKENDS
from studio.core.lora import Lora
from studio.core.model import Character, Project


def register(sub: Any) -> None:
    p = add_command(sub, "characters", cmd_characters, "list the character bible")
    p.add_argument("project", help="project folder")
    p.add_argument("--json", action="store_true", help="print the characters as JSON")

    p = add_command(
        sub, "character", cmd_character, "edit a character; generate and approve reference images"
    )
    p.add_argument("project", help="project folder")
    p.add_argument("name", help="the character's name as in the script (MAYA, 林晓)")
    p.add_argument("--description", help="the look, for prompts: age, clothes, hair, …")
    p.add_argument("--seed", type=int, help="the seed their shots start from")
    p.add_argument("--add-reference", action="append", default=[], metavar="IMAGE",
                   help="copy an image in as an approved reference (repeatable)")  # fmt: skip
    p.add_argument("--remove-reference", action="append", default=[], metavar="PATH",
                   help="unlist a reference (the file stays)")  # fmt: skip
    p.add_argument("--lora", action="append", default=[], metavar="PATH[:WEIGHT]",
                   help="attach a models-folder LoRA to their shots (repeatable)")  # fmt: skip
    p.add_argument("--no-loras", action="store_true", help="detach every LoRA first")
    p.add_argument("--generate-references", type=int, metavar="K",
                   help="make K reference candidates from the description")  # fmt: skip
    p.add_argument("--model", help="image model for --generate-references (default: animatic)")
    p.add_argument("--approve-reference", action="append", default=[], metavar="PATH",
                   help="approve a generated candidate (repeatable)")  # fmt: skip
    voice = p.add_argument_group("voice (used by `studio voice`)")
    voice.add_argument("--voice-backend", choices=list(VOICE_BACKENDS), help="their TTS backend")
    voice.add_argument("--voice-model", metavar="NAME", help="Kokoro model name (models list)")
    voice.add_argument(
        "--voice", metavar="ID", help="backend voice: en-us+f3, af_heart, … ('' = chosen for them)"
    )
    voice.add_argument("--voice-language", metavar="CODE", help="en, zh, … ('' = detect)")
    for name, what in (("rate", "speed"), ("pitch", "pitch"), ("volume", "loudness")):
        voice.add_argument(f"--{name}", type=_multiplier, metavar="X",
                           help=f"{what} multiplier (1.0 = the voice's own)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the character as JSON")


# ``studio character`` options and the VoiceSettings fields they set.
VOICE_OPTIONS = (
    ("voice_backend", "backend"),
    ("voice_model", "model"),
    ("voice", "voice"),
    ("voice_language", "language"),
    ("rate", "rate"),
    ("pitch", "pitch"),
    ("volume", "volume"),
)


def _multiplier(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.1 <= value <= 4.0:
        raise argparse.ArgumentTypeError(f"expected a number from 0.1 to 4, got {text!r}")
    return value


def cmd_characters(args: argparse.Namespace) -> int:
    from studio.app.references import candidates
    from studio.core.store import resolve_root

    project = open_for_reading(args.project)
    root = resolve_root(args.project)
    records = [character_record(c, candidates(root, c)) for c in project.characters]
    if args.json:
        print_json(records)
    else:
        from studio.cli.table import clip, render

        rows = [
            [r["name"], str(r["seed"]), str(len(r["reference_images"])),
             str(len(r["candidates"])), clip(r["description"], 50)]
            for r in records
        ]  # fmt: skip
        print(render(["NAME", "SEED", "REFERENCES", "CANDIDATES", "DESCRIPTION"], rows))
    return 0


def cmd_character(args: argparse.Namespace) -> int:
    from studio.app.references import ReferenceError, candidates
    from studio.core.store import open_project, resolve_root

    with open_project(resolve_root(args.project)) as folder:
        character = _character(folder.project, args.name)
        try:
            _edit(folder.root, character, args)
            folder.save()
            if args.generate_references:
                _generate(folder, character, args)
        except ReferenceError as exc:
            raise CliError(str(exc)) from None
        record = character_record(character, candidates(folder.root, character))
    if args.json:
        print_json(record)
    else:
        print(f"{character.name}: {len(character.reference_images)} references, "
              f"{len(record['candidates'])} candidates to review")  # fmt: skip
        for path in record["candidates"]:
            print(f"  candidate {path}")
    return 0


def _character(project: Project, name: str) -> Character:
    character = project.character(name)
    if character is None:
        names = ", ".join(c.name for c in project.characters) or "none"
        raise CliError(f"no character {name!r} in this project (characters: {names})")
    return character


def _edit(root: Path, character: Character, args: argparse.Namespace) -> None:
    from studio.app.references import add_reference, approve_candidate, remove_reference

    if args.description is not None:
        character.description = args.description
    if args.seed is not None:
        character.seed = args.seed
    for option, attribute in VOICE_OPTIONS:
        value = getattr(args, option)
        if value is not None:
            setattr(character.voice, attribute, value)
    if args.no_loras:
        character.loras.clear()
    for spec in args.lora:
        character.loras.append(_lora(spec))
    for path in args.remove_reference:
        remove_reference(character, path)
    for image in args.add_reference:
        add_reference(root, character, Path(image))
    for path in args.approve_reference:
        approve_candidate(root, character, path)


def _lora(spec: str) -> Lora:
    path, _, weight = spec.partition(":")
    try:
        return Lora(path, float(weight) if weight else 1.0)
    except ValueError:
        raise CliError(f"not a LoRA weight: {spec!r} (use PATH or PATH:0.8)") from None


def _generate(folder: Any, character: Character, args: argparse.Namespace) -> None:
    from studio.app.planner import Choice, character_references

    choice = Choice(model=args.model or "")
    count = args.generate_references
    requests = failing(character_references, folder.project, character, count, choice, None)

    def describe(recorded: Recorded) -> dict[str, Any]:
        return {"candidate": recorded.item, "seed": recorded.request.seed}

    _, failures = run_requests(folder, requests, describe, quiet=args.json, persist=False)
    for line in failures:
        print(f"studio: error: {line}", file=sys.stderr)
    if failures:
        raise CliError(f"{len(failures)} of {len(requests)} reference candidates failed")


def character_record(character: Character, waiting: list[str]) -> dict[str, Any]:
    return {**character.to_json(), "candidates": waiting}
