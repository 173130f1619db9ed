"""Language variants from the command line: ``languages`` lists and edits the project's target
languages; ``translations export|import`` moves one language's lines through an XLIFF 2.0 file;
``translations fit`` says whether the translated lines fit the picture.

``studio translations export …``, ``… import …`` and ``… fit …`` are two-word commands: main()
routes them to :data:`EXPORT_COMMAND`, :data:`IMPORT_COMMAND` and :data:`FIT_COMMAND`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.common import CliError, add_command, failing, open_for_reading, print_json
from studio.core.model import Project

EXPORT_COMMAND = "translations-export"
IMPORT_COMMAND = "translations-import"
FIT_COMMAND = "translations-fit"
TWO_WORD = {"export": EXPORT_COMMAND, "import": IMPORT_COMMAND, "fit": FIT_COMMAND}


def register(sub: Any) -> None:
    p = add_command(sub, "languages", cmd_languages, "list, add or remove target languages")
    p.add_argument("project", help="project folder")
    p.add_argument("--add", metavar="TAGS", help="add target languages: es,pt-BR,id,zh-Hans")
    p.add_argument("--remove", metavar="TAG", action="append", default=[],
                   help="remove a target language and its translations (repeatable)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the languages as JSON")

    p = add_command(
        sub,
        "translations",
        cmd_translations,
        "`studio translations export PROJECT --to es FILE.xlf`, "
        "`studio translations import PROJECT FILE.xlf`: XLIFF 2.0 for translators; "
        "`studio translations fit PROJECT --to es`: do the lines fit the picture",
    )
    p.add_argument("words", nargs="*", help=argparse.SUPPRESS)

    p = sub.add_parser(
        EXPORT_COMMAND,
        prog="studio translations export",
        description="Write one target language's dialogue lines as an XLIFF 2.0 file.",
    )
    p.set_defaults(command=EXPORT_COMMAND, run=cmd_export)
    p.add_argument("project", help="project folder")
    p.add_argument("file", help="the .xlf file to write")
    p.add_argument("--to", required=True, metavar="TAG", help="the target language (es, pt-BR)")

    p = sub.add_parser(
        IMPORT_COMMAND,
        prog="studio translations import",
        description="Apply a translated XLIFF 2.0 file: only the lines the translator changed.",
    )
    p.set_defaults(command=IMPORT_COMMAND, run=cmd_import)
    p.add_argument("project", help="project folder")
    p.add_argument("file", help="the .xlf file to read")
    p.add_argument("--json", action="store_true", help="print what changed as JSON")

    p = sub.add_parser(
        FIT_COMMAND,
        prog="studio translations fit",
        description="Whether each translated line fits its slot in the shot: fits, needs a "
        "speed-up (up to 1.15x) or does not fit, with the frames a shot that is not locked "
        "needs to grow by. Exits 1 when some line does not fit.",
    )
    p.set_defaults(command=FIT_COMMAND, run=cmd_fit)
    p.add_argument("project", help="project folder")
    p.add_argument("--to", required=True, metavar="TAG", help="the target language (es, pt-BR)")
    p.add_argument("--episode", type=int, metavar="N", help="episode N only (default: all)")
    p.add_argument("--apply", action="store_true",
                   help="lengthen the shots that are not locked by the frames their lines need "
                   "(and lock them), then report again")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def cmd_languages(args: argparse.Namespace) -> int:
    from studio.core.translations import add_languages, remove_language

    if args.add is None and not args.remove:
        project = open_for_reading(args.project)
    else:
        from studio.core.store import open_project, resolve_root

        with open_project(resolve_root(args.project)) as folder:
            project = folder.project
            for tag in args.remove:
                failing(remove_language, project, tag)
            if args.add is not None:
                failing(add_languages, project, [t for t in args.add.split(",") if t.strip()])
            folder.save()
    record = languages_record(project)
    if args.json:
        print_json(record)
    else:
        from studio.cli.table import render

        keys = ("lines", "translated", "approved", "stale")
        rows = [[t["tag"], *(str(t[k]) for k in keys)] for t in record["targets"]]
        print(f"Source language: {record['source'] or 'detected'}")
        print(render(["TARGET", "LINES", "TRANSLATED", "APPROVED", "STALE"], rows))
    return 0


def languages_record(project: Project) -> dict[str, Any]:
    from studio.core.translations import language_counts

    return {
        "source": project.language,
        "targets": [{"tag": t.tag, **language_counts(project, t)} for t in project.languages],
    }


def cmd_translations(args: argparse.Namespace) -> int:
    raise CliError(
        "say `studio translations export PROJECT --to TAG FILE.xlf` "
        "or `studio translations import PROJECT FILE.xlf`"
    )


def cmd_export(args: argparse.Namespace) -> int:
    from studio.core.atomic import describe, write_atomic
    from studio.core.translations import find_language
    from studio.core.xliff import write_xliff

    project = open_for_reading(args.project)
    language = failing(find_language, project, args.to)
    file = Path(args.file)
    data = write_xliff(project, language)
    try:
        write_atomic(file, data)
    except OSError as exc:
        raise CliError(f"cannot write {file}: {describe(exc)}") from None
    units = data.count(b"<unit ")
    print(f"Wrote {units} lines for {language.tag} to {file}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from studio.core.store import open_project, resolve_root
    from studio.core.xliff import XliffError, read_xliff
    from studio.core.xliff_import import apply_xliff

    data = _read(Path(args.file))
    try:
        xliff = read_xliff(data)
    except XliffError as exc:
        raise CliError(f"{Path(args.file).name}: {exc}") from None
    with open_project(resolve_root(args.project)) as folder:
        try:
            report = apply_xliff(folder.project, xliff)
        except XliffError as exc:
            raise CliError(f"{Path(args.file).name}: {exc}") from None
        if report.edits:
            folder.save()
    if args.json:
        print_json(report.to_json())
        return 0
    print(
        f"{report.language}: {len(report.changed)} changed, {len(report.approved)} approved, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped, "
        f"{len(report.unknown)} unknown"
    )
    for unit in report.changed:
        print(f"  changed {unit}")
    for unit in report.approved:
        print(f"  approved {unit}")
    for unit, why in report.skipped:
        print(f"  skipped {unit}: {why}")
    for unit in report.unknown:
        print(f"  unknown {unit}: no such line in this project")
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    from studio.app.dub_fit import fit_report
    from studio.cli.table import render

    if args.apply:
        return _fit_and_retime(args)
    project = open_for_reading(args.project)
    if args.episode is not None:
        try:
            project.episode(args.episode)
        except KeyError as exc:
            raise CliError(str(exc.args[0])) from None
    report = failing(fit_report, project, args.to, args.episode)
    if args.json:
        print_json(report.to_json())
    else:
        rows = [
            [line.shot, str(line.line + 1), f"{float(line.slot):.2f}s",
             f"{float(line.spoken):.2f}s" + ("" if line.dubbed else "~"),
             f"{float(line.speed):.2f}x" if line.text else "", line.verdict]
            for line in report.lines
        ]  # fmt: skip
        print(render(["SHOT", "LINE", "SLOT", "SPOKEN", "SPEED", "FITS"], rows))
        for shot in report.shots:
            if shot.proposal:
                print(f"shot {shot.shot}: {shot.proposal}")
        counts = report.to_json()["counts"]
        print(f"{report.tag}: " + ", ".join(f"{n} {v}" for v, n in counts.items()) +
              " (~ estimated from the text)")  # fmt: skip
    return 1 if report.count("does not fit") else 0


def _read(file: Path) -> bytes:
    from studio.core.atomic import describe
    from studio.core.xliff import MAX_XLIFF_BYTES

    try:
        if file.stat().st_size > MAX_XLIFF_BYTES:
            raise CliError(
                f"{file.name}: larger than {MAX_XLIFF_BYTES // 1_048_576} MiB, "
                "too large to be a translation file"
            )
        return file.read_bytes()
    except IsADirectoryError:
        raise CliError(f"{file} is a folder, not a translation file") from None
    except FileNotFoundError:
        raise CliError(f"no such file: {file}") from None
    except OSError as exc:
        raise CliError(f"cannot read {file}: {describe(exc)}") from None


def _fit_and_retime(args: argparse.Namespace) -> int:
    """``fit --apply``: re-time the shots that are not locked, save, and report what fits now."""
    from studio.app.dub_fit import fit_report, retime
    from studio.core.store import open_project, resolve_root

    with open_project(resolve_root(args.project)) as folder:
        project = folder.project
        if args.episode is not None and not any(e.number == args.episode for e in project.episodes):
            raise CliError(f"no episode {args.episode} (the project has {len(project.episodes)})")
        changed = retime(project, failing(fit_report, project, args.to, args.episode))
        if changed:
            folder.save()
        report = fit_report(project, args.to, args.episode)
    if args.json:
        retimed = [{"shot": s, "frames_before": a, "frames_after": b} for s, a, b in changed]
        print_json({**report.to_json(), "retimed": retimed})
    else:
        for shot, before, after in changed:
            print(f"shot {shot}: {before} -> {after} frames (locked)")
        counts = report.to_json()["counts"]
        print(f"{report.tag}: {len(changed)} shot(s) re-timed; now " +
              ", ".join(f"{n} {v}" for v, n in counts.items()))  # fmt: skip
    return 1 if report.count("does not fit") else 0
