"""The window (PySide6 widgets only): they read the session and call core; no logic here.

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
