"""The project's script file as it was when the project was last opened or saved.

The window's script editor writes the file on every applied edit, before the project is saved;
closing without saving puts this copy back, so the saved shots and the script agree on the next
open.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.atomic import write_atomic
from studio.core.store import ProjectFolder, StoreError


@dataclass(frozen=True, slots=True)
class SavedScript:
    rel: str  # the script's path in the project folder
    data: bytes | None  # its bytes; None when there was no file

    @classmethod
    def read(cls, folder: ProjectFolder, default_rel: str) -> SavedScript:
        """The script of ``folder``'s project (``default_rel`` when it names none) as it is now."""
        rel = folder.project.script or default_rel
        try:
            return cls(rel, folder.resolve(rel).read_bytes())
        except (OSError, StoreError):
            return cls(rel, None)

    def put_back(self, folder: ProjectFolder) -> None:
        """Write this copy back (delete the file when there was none). OSError or StoreError
        when it cannot be written."""
        path = folder.resolve(self.rel)
        if self.data is None:
            path.unlink(missing_ok=True)  # the unsaved edits made this file
        else:
            write_atomic(path, self.data)
