"""The language the window shows: the source, or one target language through its language view.

A target is shown through :func:`~studio.app.language_view.language_view`, a copy of the
project whose dialogue is the translated text and whose voice clips are the dubbed ones, so
choosing one never changes the project. The player, the timeline and the script panel read what
they show through :meth:`LanguageState.played` and :meth:`LanguageState.timeline_shots`; the
script is read-only while a target is shown.

One state per session (:meth:`LanguageState.of`); it goes back to the source when another
project opens or the language shown is no longer a target.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from studio.app.language_view import language_view
from studio.app.story_view import path_episode
from studio.core.model import Episode, Project, Shot
from studio.core.translations import find_language, language_counts
from studio.ui.session import Session


class LanguageState(QObject):
    """Which language the session's panels show ("" the source)."""

    changed = Signal(str)  # the tag shown ("" the source)

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        self._tag = ""
        session.projectChanged.connect(lambda: self.show(""))
        session.shotsChanged.connect(self._check)

    @classmethod
    def of(cls, session: Session) -> LanguageState:
        """The session's state (made on first use)."""
        found = session.findChild(LanguageState)
        return found if found is not None else cls(session)

    @property
    def tag(self) -> str:
        """The target shown; "" when the source is (or the target is gone)."""
        project = self.session.project
        if not self._tag or project is None:
            return ""
        try:
            return find_language(project, self._tag).tag
        except ValueError:
            return ""

    def show(self, tag: str) -> None:
        """Show the target ``tag`` ("" the source); panels reload. ValueError for a tag that is
        not a target of the project."""
        if tag and self.session.project is not None:
            tag = find_language(self.session.project, tag).tag
        if tag != self._tag:
            self._tag = tag
            self.changed.emit(tag)
            self.session.shotsChanged.emit()  # what the panels show of the shots changed

    def _check(self) -> None:
        """The target shown is gone (an undo took it out): the source is shown."""
        if self._tag and not self.tag:
            self._tag = ""
            self.changed.emit("")

    def choices(self) -> list[tuple[str, str]]:
        """(tag, label) of each language that can be shown: the source, then each target with
        its progress ("es 12/30": lines translated of the lines to translate)."""
        project = self.session.project
        source = f"Source ({project.language})" if project and project.language else "Source"
        out = [("", source)]
        for language in project.languages if project is not None else []:
            counts = language_counts(project, language)  # type: ignore[arg-type]
            out.append((language.tag, f"{language.tag} {counts['translated']}/{counts['lines']}"))
        return out

    def project(self) -> Project | None:
        """The project as shown: the session's, or its view in the target language."""
        project, tag = self.session.project, self.tag
        if project is None or not tag:
            return project
        return language_view(project, tag, allow_untranslated=True).project

    def played(self) -> tuple[Project | None, Episode | None]:
        """The project shown and its episode as the timeline shows it (on a path, the path:
        see :meth:`Session.shown_episode`)."""
        project = self.project()
        if project is None or not self.tag:
            return project, self.session.shown_episode()
        episode = next((e for e in project.episodes if e.number == self.session.episode_number),
                       None)  # fmt: skip
        path = self.session.path
        if episode is not None and path is not None:
            episode = path_episode(episode, path)
        return project, episode

    def timeline_shots(self) -> list[Shot]:
        """The shots shown on the timeline, in its order, in the language shown (for reading:
        edit the session's shots)."""
        if not self.tag:
            return self.session.timeline_shots()
        episode = self.played()[1]
        return list(episode.shots()) if episode is not None else []
