"""The window (PySide6 widgets only): they read the session and call core; no logic here.

Each panel has a room (script/, timeline/, player/, review/, jobs/, characters/, dialogs/); here
at the top are the window's shell and what every room shares: the session, the actions, the job
runner, the keymap, the theme and background tasks (:mod:`studio.ui.tasks`).

This module itself imports no Qt, so the command line can name the panels without loading it.
"""

PANELS = (
    "script",
    "outline",
    "timeline",
    "player",
    "review",
    "jobs",
    "characters",
)  # what `studio gui --panel` can render
