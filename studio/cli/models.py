"""Model commands: ``studio models list``, ``studio models import`` and ``studio models pull``.

Listing and importing never touch the network (Hugging Face offline mode is set); ``pull`` is the
one command that downloads, and only at a pinned commit. None of them imports torch except an
import that converts a single-file checkpoint.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.cli.common import CliError, add_command, print_json, warn

if TYPE_CHECKING:
    from collections.abc import Sequence

    from studio.engine.registry import ModelEntry


def register(sub: Any) -> None:
    group = sub.add_parser(
        "models", help="list, import or download models", description="The models folder."
    )
    group.set_defaults(command="models", run=lambda _args: _print_help(group))
    inner = group.add_subparsers(title="model commands", metavar="COMMAND")

    p = add_command(inner, "list", cmd_list, "list the installed models and their problems")
    _common(p)
    p.add_argument("--json", action="store_true", help="print the models as JSON")

    p = add_command(inner, "import", cmd_import, "copy a model into the models folder")
    p.add_argument("path", help="a diffusers folder, a LoRA or a checkpoint .safetensors")
    p.add_argument("--name", help="the name to install it under (default: from the path)")
    p.add_argument(
        "--family", help="a checkpoint's model family when it cannot be told: sd15, sdxl"
    )
    p.add_argument(
        "--config", metavar="DIR", help="converting a checkpoint: a diffusers folder of its family"
    )
    _common(p)
    p.add_argument("--json", action="store_true", help="print the installed model as JSON")

    p = add_command(
        inner, "trust", cmd_trust, "allow one model's pickle (.bin/.ckpt) weights to load"
    )
    p.add_argument("name", help="the model, as `studio models list` names it")
    p.add_argument("--revoke", action="store_true", help="take the permission back")
    _common(p)

    p = add_command(
        inner, "pull", cmd_pull, "download a model from the Hugging Face Hub at a pinned commit"
    )
    p.add_argument("repo_id", help="ORG/NAME")
    p.add_argument("--revision", required=True, metavar="SHA", help="the full 40-hex commit SHA")
    p.add_argument("--name", help="the name to install it under (default: NAME)")
    _common(p)
    p.add_argument("--json", action="store_true", help="print the installed model as JSON")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--models-dir", metavar="DIR", help="the models folder (default: $STUDIO_MODELS_DIR, …)"
    )


def cmd_list(args: argparse.Namespace) -> int:
    from studio.app.models import scan_models as scan
    from studio.engine.chat_models import license_note

    root = _models_dir(args)
    registry = scan(root)
    if args.json:
        print_json({"models_dir": str(registry.root), "models": [e.to_json() for e in registry]})
        return 0
    print(f"Models folder: {registry.root}")
    if not len(registry):
        print("No models installed. Put diffusers folders there, or `studio models import PATH`.")
        return 0
    print()
    print(models_table(registry.entries))
    troubled = [e for e in registry if e.problems]
    if troubled:
        print("\nProblems:")
        for entry in troubled:
            for problem in entry.problems:
                print(f"  {entry.name}: {problem}")
    notes = [(e.name, license_note(e.license)) for e in registry if license_note(e.license)]
    if notes:
        print("\nLicenses:")
        for name, note in notes:
            print(f"  {name}: {note}")
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    """Pickle weights can run code when loaded: the user opts in for one model, knowingly. The
    decision is kept in the user's config with the hash of the files (see pickle_trust)."""
    from studio.app.models import scan_models as scan
    from studio.engine import pickle_trust

    if args.revoke:
        forgot = pickle_trust.revoke(args.name)
        print(f"{args.name}: pickle weights refused" + (" again" if forgot else " (not trusted)"))
        return 0
    try:
        entry = scan(_models_dir(args)).get(args.name)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None
    if not entry.path.is_dir():
        if entry.pickle_files:
            raise CliError(f"{entry.name} is a single file; convert it to .safetensors instead")
        raise CliError(f"{entry.name} has no pickle weights: nothing to trust")
    files = list(entry.pickle_files) or pickle_trust.folder_pickles(entry.path)
    if not files:
        raise CliError(f"{entry.name} has no pickle weights: nothing to trust")
    try:
        digest = pickle_trust.trust(entry.name, entry.path, files)
    except pickle_trust.TrustError as exc:
        raise CliError(str(exc)) from None
    print(
        f"{entry.name}: pickle weights will load while unchanged ({', '.join(files)}; "
        f"sha256 {digest[:12]}; recorded in {pickle_trust.trust_file()})"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from studio.engine.model_install import import_model
    from studio.engine.registry import ModelError

    root = _models_dir(args)
    config = Path(args.config) if args.config else None
    try:
        entry = import_model(Path(args.path), root, args.name, family=args.family, config=config)
    except ModelError as exc:
        raise CliError(str(exc)) from None
    _report(entry, "Imported", args.json)
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from studio.engine.model_install import pull_model
    from studio.engine.registry import ModelError

    root = _models_dir(args, offline=False)
    try:
        entry = pull_model(args.repo_id, args.revision, root, args.name)
    except ModelError as exc:
        raise CliError(str(exc)) from None
    _report(entry, "Downloaded", args.json)
    return 0


def models_table(entries: Sequence[ModelEntry]) -> str:
    from studio.cli.table import clip, render

    rows = []
    for e in entries:
        n = len(e.problems)
        problems = f"{n} (see below)" if n else ""
        hash_prefix = e.hash[:12] or "-"
        name = clip(e.name, 48)
        license_id = clip(e.license, 24) or "-"
        size = human_size(e.size)
        rows.append([name, e.kind.value, e.family or "-", size, license_id, hash_prefix, problems])
    return render(["NAME", "KIND", "FAMILY", "SIZE", "LICENSE", "HASH", "PROBLEMS"], rows)


def human_size(size: int) -> str:
    units = ("B", "KB", "MB", "GB", "TB")
    value, unit = float(size), 0
    while value >= 1000 and unit < len(units) - 1:
        value, unit = value / 1000, unit + 1
    return f"{size} B" if unit == 0 else f"{value:.1f} {units[unit]}"


def _report(entry: ModelEntry, verb: str, as_json: bool) -> None:
    if as_json:
        print_json(entry.to_json())
    else:
        family = f", {entry.family}" if entry.family else ""
        print(f"{verb} {entry.name} ({entry.kind.value}{family}) to {entry.path}")
    for problem in entry.problems:
        warn(f"{entry.name}: {problem}")


def _models_dir(args: argparse.Namespace, offline: bool = True) -> Path:
    from studio.engine.models_dir import hf_offline, models_dir

    if offline:
        hf_offline()
    return Path(args.models_dir).expanduser() if args.models_dir else models_dir()


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0
