"""The window (PySide6 widgets only): they read the session and call core; no logic here."""
