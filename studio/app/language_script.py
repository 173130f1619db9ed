"""The script as read in a target language: scene headings and each shot's dialogue, translated.

What the window's script panel shows, read-only, while a target language is shown: made from
the project's language view (:mod:`studio.app.language_view`), in Fountain's shape (a heading,
then each line under its character's name), so a reader finds their way as in the source.
"""

from __future__ import annotations

from studio.core.model import Project


def language_script(view: Project, tag: str) -> str:
    """The dialogue of ``view`` (a project in the language ``tag``) as Fountain-shaped text."""
    out = [f"Title: {view.title} ({tag})", ""]
    several = len(view.episodes) > 1
    for episode in view.episodes:
        if several:
            out += [f"# Episode {episode.number}" + (f": {episode.title}" if episode.title else ""),
                    ""]  # fmt: skip
        for scene in episode.scenes:
            out += [scene.heading.upper() or f"SCENE {scene.index}", ""]
            for shot in scene.shots:
                for line in shot.dialogue:
                    name = line.character + (f" ({line.extension})" if line.extension else "")
                    out.append(name)
                    if line.parenthetical:
                        out.append(line.parenthetical)
                    out += [line.text, ""]
    return "\n".join(out).rstrip() + "\n"
