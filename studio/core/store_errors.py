"""Why a project folder cannot be opened or saved: one line a user can act on."""

from __future__ import annotations

from studio.core import lock


class StoreError(Exception):
    """The project cannot be opened or saved; the message is one line a user can act on."""


class ProjectLockedError(StoreError):
    """Another program has the project open for writing; ``holder`` says who, if known."""

    def __init__(self, message: str, holder: lock.LockInfo | None) -> None:
        super().__init__(message)
        self.holder = holder
