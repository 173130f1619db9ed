"""The window's dialogs: export, models, settings, stats, help, open failure."""
