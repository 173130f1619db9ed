"""An episode exported in one target language: the source export run on the project's
:func:`~studio.app.language_view.language_view`.

The MP4 is ``exports/<title>-ep01-es.mp4`` beside the source's ``<title>-ep01.mp4`` (its
sidecars ``…-ep01-es.srt`` and ``.vtt``): the picture of the source (or the take lip-synced
to the language), the translated captions under the language's caption rules, the dubbed
lines where there are some and the source voice elsewhere, the audio stream tagged with the
language's ISO 639-2 code, the AI label in the language. A dubbed line up to 1.15x longer
than its slot is sped up to fit (:mod:`studio.app.dub_tempo`). Each language has its own
cache folder, so exporting one does not prune the segments of another.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path

from studio.app.dub_tempo import fit_dubs
from studio.app.language_view import UntranslatedError, language_view
from studio.core.language_codes import iso639_2
from studio.core.model import Project
from studio.core.translations import find_language
from studio.media.episode_export import (
    CACHE,
    ExportEvent,
    ExportOptions,
    ExportResult,
    default_output,
    export_episode,
)
from studio.media.export_plan import ExportError
from studio.media.presets import ExportPreset


class UntranslatedLines(ExportError):
    """Lines of the episode have no translation in the language asked for."""


def language_output(
    root: Path, project: Project, number: int, preset: ExportPreset, tag: str
) -> Path:
    """Where the export of episode ``number`` in ``tag`` goes by default: the source export's
    file with ``-<tag>`` added (``exports/Glass-ep01-es.mp4``)."""
    source = default_output(root, project, number, preset)
    return source.with_name(f"{source.stem}-{tag}{source.suffix}")


def export_language(
    root: Path,
    project: Project,
    number: int,
    tag: str,
    out: Path | None = None,
    options: ExportOptions | None = None,
    *,
    allow_untranslated: bool = False,
    on_event: Callable[[ExportEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> ExportResult:
    """Export episode ``number`` of the project in ``root`` in the target language ``tag``
    (see the module). Its warnings start with what the language view says (lines not dubbed,
    the label in English). ExportError for a tag that is not a target or has no ISO 639-2
    code, :class:`UntranslatedLines` for lines not translated (unless ``allow_untranslated``),
    and as export_episode."""
    try:
        language = find_language(project, tag)
        iso639_2(language.tag)
        view = language_view(
            project, language.tag, episode=number, allow_untranslated=allow_untranslated
        )
    except UntranslatedError as exc:
        raise UntranslatedLines(f"episode {number}: {exc}") from None
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    options = options or ExportOptions()
    preset = options.preset
    options = dataclasses.replace(
        options, cache=f"episode-{number}-{preset.name}-{view.tag}"
    )  # the label: --label's text, else the language's (the view has no project label)
    target = out or language_output(root, project, number, preset, view.tag)
    fitted = fit_dubs(root, project, view, number, f"{CACHE}/{options.cache}")
    result = export_episode(root, view.project, number, target, options, on_event, cancel)
    result.warnings[:0] = view.notes() + fitted
    return result
